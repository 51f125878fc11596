"""Paragraphs: list, detail with the kind correction, history."""

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import corpus_change_check, paragraph_readable, paragraphs_readable_by
from ..models import Paragraph
from ..selectors import paragraph_history
from ..services.kind_corrections import paragraph_kind_set
from .common import IsManager, ParagraphOutput, UsingProjectOutput


class ParagraphFilter(django_filters.FilterSet):
    corpus = django_filters.NumberFilter(field_name="article__corpus_id")

    class Meta:
        model = Paragraph
        fields = ["article", "kind", "kind_source", "language", "is_repeated"]


class ParagraphListApi(generics.ListAPIView):
    """Paragraphs, paginated, filtered by ?corpus= ?article= ?kind= ?kind_source= ?language= ?is_repeated=."""

    permission_classes = [IsManager]
    serializer_class = ParagraphOutput
    filterset_class = ParagraphFilter
    queryset = Paragraph.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return paragraphs_readable_by(user=self.request.user).order_by("article_id", "position")


class ParagraphDetailApi(APIView):
    """GET one paragraph; PATCH {kind} to correct its kind (kept in its history, kind_source=manual).

    A correction needs the caller to manage every project using the corpus (403 otherwise); the
    response names those projects in ``affects_projects``.
    """

    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ParagraphKindInput"

        kind = serializers.ChoiceField(choices=Paragraph.Kind.choices)

    class ChangedOutput(ParagraphOutput):
        affects_projects = UsingProjectOutput(many=True, read_only=True)
        article_title = serializers.CharField(
            source="article.title", read_only=True, help_text="The article's title after the change."
        )

        class Meta(ParagraphOutput.Meta):
            ref_name = "ParagraphKindChanged"
            fields = ParagraphOutput.Meta.fields + ["affects_projects", "article_title"]

    @extend_schema(responses={200: ParagraphOutput})
    def get(self, request, paragraph_id: int):
        return Response(ParagraphOutput(paragraph_readable(user=request.user, paragraph_id=paragraph_id)).data)

    @extend_schema(request=InputSerializer, responses={200: ChangedOutput})
    def patch(self, request, paragraph_id: int):
        paragraph = paragraph_readable(user=request.user, paragraph_id=paragraph_id)
        projects = corpus_change_check(user=request.user, corpus=paragraph.article.corpus_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paragraph = paragraph_kind_set(paragraph=paragraph, kind=data.validated_data["kind"], user=request.user)
        paragraph.affects_projects = projects
        return Response(self.ChangedOutput(paragraph).data)


class ParagraphHistoryApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        responses={
            200: inline_serializer(
                "ParagraphChange",
                many=True,
                fields={
                    "date": serializers.DateTimeField(),
                    "kind": serializers.CharField(),
                    "kind_source": serializers.CharField(),
                    "user": serializers.CharField(allow_null=True),
                    "reason": serializers.CharField(),
                },
            )
        }
    )
    def get(self, request, paragraph_id: int):
        paragraph = paragraph_readable(user=request.user, paragraph_id=paragraph_id)
        return Response(paragraph_history(paragraph=paragraph))
