"""REST API of the corpora app (staff users, i.e. managers, only). One view per operation."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Article, Corpus, Paragraph
from .selectors import article_list, corpus_list, corpus_paragraph_counts, paragraph_history
from .services import article_mark_comments_from, corpus_get_or_create, corpus_import, paragraph_kind_set


class IsManager(IsAdminUser):
    """Corpora are managed by staff users (managers); everyone else gets 403."""

    message = "Only managers (staff users) can see and change corpora."


class CorpusOutput(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Corpus
        fields = ["id", "name", "description", "created_by", "created_at", "article_count"]


class ArticleOutput(serializers.ModelSerializer):
    paragraph_count = serializers.IntegerField(read_only=True, required=False)
    body_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Article
        fields = ["id", "corpus", "title", "author", "published", "source_url", "source_name", "format",
                  "language", "content_hash", "created_at", "paragraph_count", "body_count"]


class ParagraphOutput(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "article", "position", "kind", "kind_source", "kind_reason", "text", "start", "end",
                  "language", "is_repeated", "text_hash"]


ReportOutput = inline_serializer("ImportReport", fields={
    "corpus": serializers.DictField(), "imported": serializers.IntegerField(), "skipped": serializers.IntegerField(),
    "failed": serializers.IntegerField(), "articles": serializers.IntegerField(),
    "paragraphs": serializers.IntegerField(), "seconds": serializers.FloatField(),
    "files": serializers.ListField(child=serializers.DictField())})


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
        return corpus_list()

    @extend_schema(request=InputSerializer, responses={201: CorpusOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corpus = corpus_get_or_create(name=data.validated_data["name"], user=request.user)
        if data.validated_data["description"]:
            Corpus.objects.filter(pk=corpus.pk).update(description=data.validated_data["description"])
            corpus.refresh_from_db()
        return Response(CorpusOutput(corpus).data, status=status.HTTP_201_CREATED)


class CorpusDetailApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(responses={200: inline_serializer("CorpusDetail", fields={
        "corpus": CorpusOutput(), "paragraphs": serializers.DictField(child=serializers.IntegerField())})})
    def get(self, request, corpus_id: int):
        corpus = get_object_or_404(corpus_list(), pk=corpus_id)
        return Response({"corpus": CorpusOutput(corpus).data, "paragraphs": corpus_paragraph_counts(corpus=corpus)})


class CorpusUploadApi(APIView):
    """POST multipart ``file`` (one or more; .txt/.md/.html/.jsonl or a .zip of them) into a corpus.

    201 when something was imported, 200 when everything was already there, 400 when every file
    failed. The body is always the import report; on 400 it also has ``file`` with the reasons.
    """

    permission_classes = [IsManager]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("CorpusUpload", fields={
        "file": serializers.ListField(child=serializers.FileField())})}, responses={200: ReportOutput,
                                                                                    201: ReportOutput})
    def post(self, request, corpus_id: int):
        corpus = get_object_or_404(Corpus, pk=corpus_id)
        files = request.FILES.getlist("file")
        if not files:
            return Response({"file": ["Attach at least one file (field name: file)."]},
                            status=status.HTTP_400_BAD_REQUEST)
        uploads = [(f.name, f) for f in files]
        report = corpus_import(uploads=uploads, corpus=corpus, user=request.user)
        body = report.as_dict()
        if report.imported:
            return Response(body, status=status.HTTP_201_CREATED)
        if report.failed and not report.skipped:
            body["file"] = [f"{f.name}: {f.reason}" for f in report.failed]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_200_OK)


class ArticleListApi(generics.ListAPIView):
    """Articles of a corpus, paginated; ?search= (title, author, file), ?language=, ?format=."""

    permission_classes = [IsManager]
    serializer_class = ArticleOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Article.objects.none()
        corpus = get_object_or_404(Corpus, pk=self.kwargs["corpus_id"])
        params = self.request.query_params
        return article_list(corpus=corpus, search=params.get("search", ""), language=params.get("language", ""),
                            fmt=params.get("format", ""))


class ArticleDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsManager]

    class OutputSerializer(ArticleOutput):
        class Meta(ArticleOutput.Meta):
            fields = ArticleOutput.Meta.fields + ["text"]

    serializer_class = OutputSerializer
    queryset = Article.objects.all()
    lookup_url_kwarg = "article_id"


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
    queryset = Paragraph.objects.order_by("article_id", "position")


class ParagraphDetailApi(APIView):
    """GET one paragraph; PATCH {kind} to correct its kind (kept in its history, kind_source=manual)."""

    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ParagraphKindInput"

        kind = serializers.ChoiceField(choices=Paragraph.Kind.choices)

    @extend_schema(responses={200: ParagraphOutput})
    def get(self, request, paragraph_id: int):
        return Response(ParagraphOutput(get_object_or_404(Paragraph, pk=paragraph_id)).data)

    @extend_schema(request=InputSerializer, responses={200: ParagraphOutput})
    def patch(self, request, paragraph_id: int):
        paragraph = get_object_or_404(Paragraph, pk=paragraph_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paragraph = paragraph_kind_set(paragraph=paragraph, kind=data.validated_data["kind"], user=request.user)
        return Response(ParagraphOutput(paragraph).data)


class ParagraphHistoryApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(responses={200: inline_serializer("ParagraphChange", many=True, fields={
        "date": serializers.DateTimeField(), "kind": serializers.CharField(), "kind_source": serializers.CharField(),
        "user": serializers.CharField(allow_null=True), "reason": serializers.CharField()})})
    def get(self, request, paragraph_id: int):
        paragraph = get_object_or_404(Paragraph, pk=paragraph_id)
        return Response(paragraph_history(paragraph=paragraph))


class ArticleMarkCommentsApi(APIView):
    """POST {from_position}: every paragraph from there to the end of the article becomes a comment."""

    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MarkCommentsInput"

        from_position = serializers.IntegerField(min_value=0)

    @extend_schema(request=InputSerializer, responses={200: inline_serializer("MarkCommentsResult", fields={
        "changed": serializers.IntegerField(), "paragraphs": ParagraphOutput(many=True)})})
    def post(self, request, article_id: int):
        article = get_object_or_404(Article, pk=article_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = data.validated_data["from_position"]
        changed = article_mark_comments_from(article=article, position=position, user=request.user)
        paragraphs = article.paragraphs.filter(position__gte=position).order_by("position")
        return Response({"changed": changed, "paragraphs": ParagraphOutput(paragraphs, many=True).data})
