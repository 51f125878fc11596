"""Upload imports: the upload itself and the import jobs it starts (list, detail, retry)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import corpus_change_check, corpus_readable, import_job_readable
from ..import_jobs import import_job_create, import_job_retry
from ..models import ImportJob
from ..selectors import import_job_list, import_job_progress
from .common import IsManager

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
