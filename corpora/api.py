"""REST API of the corpora app (staff users, i.e. managers, only). One view per operation."""

import django_filters
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import (
    article_readable,
    corpus_change_check,
    corpus_readable,
    import_job_readable,
    may_change,
    paragraph_readable,
    paragraphs_readable_by,
    projects_using,
)
from .import_jobs import import_job_create, import_job_retry
from .models import Article, Corpus, ImportJob, Paragraph
from .segmentation import WorkAtStake, paragraph_split, paragraphs_merge
from .selectors import (
    article_list,
    corpus_list,
    corpus_paragraph_counts,
    import_job_list,
    import_job_progress,
    paragraph_history,
)
from .services import article_mark_comments, corpus_get_or_create, paragraph_kind_set


class IsManager(IsAdminUser):
    """Corpora are managed by staff users (managers); everyone else gets 403.

    Each staff user then sees only the corpora corpora/access.py lets them read: others are 404.
    """

    message = "Only managers (staff users) can see and change corpora."


class UsingProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    managed = serializers.BooleanField(help_text="Whether you manage this project.")


def _projects_out(projects) -> list[dict]:
    return UsingProjectOutput(projects, many=True).data


class CorpusOutput(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Corpus
        fields = ["id", "name", "description", "created_by", "created_at", "article_count"]


class ArticleOutput(serializers.ModelSerializer):
    paragraph_count = serializers.IntegerField(read_only=True, required=False)
    body_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Article
        fields = [
            "id",
            "corpus",
            "title",
            "author",
            "published",
            "source_url",
            "source_name",
            "format",
            "language",
            "encoding",
            "content_hash",
            "created_at",
            "paragraph_count",
            "body_count",
        ]


class ParagraphOutput(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = [
            "id",
            "article",
            "position",
            "kind",
            "kind_source",
            "kind_reason",
            "text",
            "start",
            "end",
            "language",
            "is_repeated",
            "text_hash",
        ]


ReportOutput = inline_serializer(
    "ImportReport",
    allow_null=True,
    fields={
        "corpus": serializers.DictField(),
        "imported": serializers.IntegerField(),
        "skipped": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
        "articles": serializers.IntegerField(),
        "paragraphs": serializers.IntegerField(),
        "seconds": serializers.FloatField(),
        "files": serializers.ListField(
            child=inline_serializer(
                "ImportFileResult",
                fields={
                    "name": serializers.CharField(),
                    "status": serializers.ChoiceField(["imported", "skipped", "failed"]),
                    "reason": serializers.CharField(),
                    "articles": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(),
                    "paragraphs": serializers.IntegerField(),
                },
            )
        ),
    },
)


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
                "projects": _projects_out(projects),
                "can_change": may_change(user=request.user, projects=projects),
            }
        )


class ImportJobOutput(serializers.ModelSerializer):
    corpus = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField(help_text="The final report (as import_corpus prints it) once complete.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "corpus",
            "status",
            "encoding",
            "files",
            "progress",
            "report",
            "error",
            "attempts",
            "in_process",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(
        inline_serializer("ImportJobCorpus", fields={"id": serializers.IntegerField(), "name": serializers.CharField()})
    )
    def get_corpus(self, job) -> dict:
        return {"id": job.corpus_id, "name": job.corpus.name}

    @extend_schema_field(
        serializers.ListField(
            child=inline_serializer(
                "ImportJobFile", fields={"name": serializers.CharField(), "size": serializers.IntegerField()}
            )
        )
    )
    def get_files(self, job) -> list:
        return [{"name": f["name"], "size": f["size"]} for f in job.files]

    @extend_schema_field(
        inline_serializer(
            "ImportJobProgress",
            fields={
                "files_done": serializers.IntegerField(),
                "files_total": serializers.IntegerField(),
                "articles": serializers.IntegerField(),
                "paragraphs": serializers.IntegerField(),
                "percent": serializers.FloatField(),
                "files_per_second": serializers.FloatField(allow_null=True),
                "paragraphs_per_second": serializers.FloatField(allow_null=True),
                "eta_seconds": serializers.FloatField(allow_null=True),
                "current": serializers.CharField(),
                "elapsed_seconds": serializers.FloatField(),
            },
        )
    )
    def get_progress(self, job) -> dict:
        return import_job_progress(job=job)

    @extend_schema_field(ReportOutput)
    def get_report(self, job) -> dict | None:
        return job.report

    def get_url(self, job) -> str:
        return reverse("corpora-api:import-job-detail", args=[job.pk])


class CorpusUploadApi(APIView):
    """POST multipart ``file`` (one or more; .txt/.md/.html/.jsonl or a .zip of them) into a corpus.

    The files are stored and imported by a background job: 202 with the job (poll its ``url``;
    the report is in ``report`` once ``status`` is ``complete``). 400 without a file or with an
    unknown ``encoding`` (optional: the files' encoding, else detected per file).
    """

    permission_classes = [IsManager]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "CorpusUpload",
                fields={
                    "file": serializers.ListField(child=serializers.FileField()),
                    "encoding": serializers.CharField(required=False, allow_blank=True),
                },
            )
        },
        responses={202: ImportJobOutput},
    )
    def post(self, request, corpus_id: int):
        corpus = corpus_readable(user=request.user, corpus_id=corpus_id)
        corpus_change_check(user=request.user, corpus=corpus)
        files = request.FILES.getlist("file")
        if not files:
            return Response(
                {"file": ["Attach at least one file (field name: file)."]}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            job = import_job_create(
                corpus=corpus, uploads=files, user=request.user, encoding=request.data.get("encoding", "")
            )
        except ValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        body = ImportJobOutput(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportJobListApi(generics.ListAPIView):
    """The corpus's upload imports, newest first, each with its progress and report."""

    permission_classes = [IsManager]
    serializer_class = ImportJobOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        corpus = corpus_readable(user=self.request.user, corpus_id=self.kwargs["corpus_id"])
        return import_job_list(corpus=corpus).select_related("corpus")


class ImportJobDetailApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(responses={200: ImportJobOutput})
    def get(self, request, job_id: int):
        return Response(ImportJobOutput(import_job_readable(user=request.user, job_id=job_id)).data)


class ImportJobRetryApi(APIView):
    """POST: start a failed import again (its files were kept); 409 unless it failed."""

    permission_classes = [IsManager]

    @extend_schema(
        request=None,
        responses={
            202: ImportJobOutput,
            409: inline_serializer("ImportJobRetryRefused", fields={"detail": serializers.CharField()}),
        },
    )
    def post(self, request, job_id: int):
        job = import_job_readable(user=request.user, job_id=job_id)
        corpus_change_check(user=request.user, corpus=job.corpus)
        try:
            job = import_job_retry(job=job)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(ImportJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class ArticleListApi(generics.ListAPIView):
    """Articles of a corpus, paginated; ?search= (title, author, file), ?language=, ?format=."""

    permission_classes = [IsManager]
    serializer_class = ArticleOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Article.objects.none()
        corpus = corpus_readable(user=self.request.user, corpus_id=self.kwargs["corpus_id"])
        params = self.request.query_params
        return article_list(
            corpus=corpus,
            search=params.get("search", ""),
            language=params.get("language", ""),
            fmt=params.get("format", ""),
        )


class ArticleDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsManager]

    class OutputSerializer(ArticleOutput):
        class Meta(ArticleOutput.Meta):
            fields = ArticleOutput.Meta.fields + ["text"]

    serializer_class = OutputSerializer
    queryset = Article.objects.none()

    def get_object(self):
        article = article_readable(user=self.request.user, article_id=self.kwargs["article_id"])
        return article_list(corpus=article.corpus).defer(None).get(pk=article.pk)  # with the counts


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


class KindBeforeSerializer(serializers.Serializer):
    """A paragraph's kind before a change (mark-comments gives them out; its undo takes them back)."""

    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=Paragraph.Kind.values)
    kind_source = serializers.ChoiceField(choices=Paragraph.KindSource.values)
    kind_reason = serializers.CharField(max_length=200, allow_blank=True)


class ArticleMarkCommentsApi(APIView):
    """POST {from_position}: every paragraph from there to the end of the article becomes a comment.

    Needs the caller to manage every project using the corpus (403 otherwise); ``affects_projects``
    names them.
    """

    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MarkCommentsInput"

        from_position = serializers.IntegerField(min_value=0)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "MarkCommentsResult",
                fields={
                    "changed": serializers.IntegerField(),
                    "paragraphs": ParagraphOutput(many=True),
                    "affects_projects": UsingProjectOutput(many=True),
                    "previous": KindBeforeSerializer(
                        many=True,
                        help_text="What the changed paragraphs were: POST it to mark-comments/undo/ to put it back.",
                    ),
                },
            )
        },
    )
    def post(self, request, article_id: int):
        article = article_readable(user=request.user, article_id=article_id)
        projects = corpus_change_check(user=request.user, corpus=article.corpus)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = data.validated_data["from_position"]
        previous = article_mark_comments(article=article, position=position, user=request.user)
        paragraphs = article.paragraphs.filter(position__gte=position).order_by("position")
        return Response(
            {
                "changed": len(previous),
                "previous": previous,
                "paragraphs": ParagraphOutput(paragraphs, many=True).data,
                "affects_projects": _projects_out(projects),
            }
        )


_WORK_AT_STAKE = inline_serializer(
    "WorkAtStake",
    fields={
        "detail": serializers.CharField(),
        "submitted": serializers.IntegerField(),
        "needs_confirm": serializers.BooleanField(),
    },
)
_SEGMENTS = inline_serializer("SegmentationResult", fields={"paragraphs": ParagraphOutput(many=True)})


class _SegmentationApi(APIView):
    """Shared by merge and split: 409 with ``needs_confirm`` when submitted annotations are at stake."""

    permission_classes = [IsManager]

    class ConfirmInput(serializers.Serializer):
        class Meta:
            ref_name = "SegmentationConfirmInput"

        confirm = serializers.BooleanField(required=False, default=False)

    def _run(self, request, paragraph_id: int, change, data):
        paragraph = paragraph_readable(user=request.user, paragraph_id=paragraph_id)
        corpus_change_check(user=request.user, corpus=paragraph.article.corpus_id)
        try:
            changed = change(paragraph, data.validated_data["confirm"])
        except WorkAtStake as exc:
            return Response(
                {"detail": str(exc), "submitted": exc.submitted, "needs_confirm": True}, status=status.HTTP_409_CONFLICT
            )
        return Response({"paragraphs": ParagraphOutput(changed, many=True).data})


class ParagraphMergeApi(_SegmentationApi):
    """POST {confirm?}: merge the paragraph with the next one (offsets stay exact; history kept)."""

    @extend_schema(request=_SegmentationApi.ConfirmInput, responses={200: _SEGMENTS, 409: _WORK_AT_STAKE})
    def post(self, request, paragraph_id: int):
        data = self.ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            request,
            paragraph_id,
            lambda p, confirm: [paragraphs_merge(paragraph=p, user=request.user, confirm=confirm)],
            data,
        )


class ParagraphSplitApi(_SegmentationApi):
    """POST {at, confirm?}: split the paragraph at character ``at`` of its text into two."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SplitInput"

        at = serializers.IntegerField(min_value=1)
        confirm = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={200: _SEGMENTS, 409: _WORK_AT_STAKE})
    def post(self, request, paragraph_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            request,
            paragraph_id,
            lambda p, confirm: list(
                paragraph_split(paragraph=p, at=data.validated_data["at"], user=request.user, confirm=confirm)
            ),
            data,
        )
