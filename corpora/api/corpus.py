"""Corpora: list, create, detail."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import corpus_readable, may_change, projects_using
from ..models import Corpus
from ..selectors import corpus_list, corpus_paragraph_counts
from ..services.corpus import corpus_get_or_create
from .common import CorpusOutput, IsManager, UsingProjectOutput, projects_out


class CorpusListCreateApi(generics.ListAPIView):
    """GET: corpora with their article counts. POST {name, description}: a new corpus."""

    permission_classes = [IsManager]
    serializer_class = CorpusOutput

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CorpusCreateInput"

        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")

        def validate_name(self, value):
            if Corpus.objects.filter(name=value.strip()).exists():
                raise serializers.ValidationError("A corpus with this name exists already.")
            return value.strip()

    def get_queryset(self):
        return corpus_list(user=self.request.user)

    @extend_schema(request=InputSerializer, responses={201: CorpusOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corpus = corpus_get_or_create(name=data.validated_data["name"], user=request.user)
        if data.validated_data["description"]:
            Corpus.objects.filter(pk=corpus.pk).update(description=data.validated_data["description"])
            corpus.refresh_from_db()
        corpus.article_count = corpus.articles.count()
        return Response(CorpusOutput(corpus).data, status=status.HTTP_201_CREATED)


class CorpusDetailApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        responses={
            200: inline_serializer(
                "CorpusDetail",
                fields={
                    "corpus": CorpusOutput(),
                    "paragraphs": serializers.DictField(child=serializers.IntegerField()),
                    "projects": UsingProjectOutput(many=True),
                    "can_change": serializers.BooleanField(),
                },
            )
        }
    )
    def get(self, request, corpus_id: int):
        corpus = corpus_readable(user=request.user, corpus_id=corpus_id)
        corpus = corpus_list(user=request.user).get(pk=corpus.pk)
        projects = projects_using(corpus=corpus, user=request.user)
        return Response(
            {
                "corpus": CorpusOutput(corpus).data,
                "paragraphs": corpus_paragraph_counts(corpus=corpus),
                "projects": projects_out(projects),
                "can_change": may_change(user=request.user, projects=projects),
            }
        )
