"""Pre-labelling: jobs (create, list, progress, cancel), stance-model versions, per-model precision,
claim-merge proposals, and loading the starter gazetteer. Managers start things; managers and ML
engineers read."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import project_get_for
from ..models import PrelabelJob, Role
from ..services.gazetteer import gazetteer_load
from ..services.prelabel import (
    MAX_BATCH_SIZE,
    prediction_precision,
    prelabel_job_cancel,
    prelabel_job_create,
    prelabel_job_progress,
)
from ..services.prelabel import QUEUE as PRELABEL_QUEUE
from ..services.stance_model import stance_model_train_request, stance_status
from ..worker_presence import queue_consumers
from .pagination import StandardPagination

MANAGER = (Role.MANAGER,)
READERS = (Role.MANAGER, Role.ML_ENGINEER)


class ProgressOut(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.FloatField()
    rate = serializers.FloatField(allow_null=True, help_text="Tasks per second since the job started.")
    eta_seconds = serializers.FloatField(allow_null=True)
    waiting_for_worker = serializers.BooleanField(
        help_text="Pending or running, and no worker consumes the prelabel queue (asked of the workers, cached "
        "WORKER_PRESENCE_CACHE_S seconds): no ETA until one starts."
    )


class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    status = serializers.CharField()
    task_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    batch_size = serializers.IntegerField()
    models_used = serializers.JSONField()
    failed = serializers.IntegerField(help_text="Tasks whose batch failed for good (a new job redoes them).")
    error = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField()

    def get_progress(self, job) -> dict:
        active = job.status in (PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING)
        consumers = queue_consumers(PRELABEL_QUEUE) if active else None
        return ProgressOut(prelabel_job_progress(job=job, consumers=consumers)).data


class JobIn(serializers.Serializer):
    task_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        default=None,
        help_text="A selection of task ids; leave out for the whole project.",
    )
    batch_size = serializers.IntegerField(min_value=1, max_value=MAX_BATCH_SIZE, default=64)


class JobListCreateApi(APIView):
    """GET: the project's jobs, newest first (paginated). POST: start a job (manager)."""

    pagination_class = StandardPagination  # documents the GET as a paginated list

    @extend_schema(responses=JobOut(many=True))
    def get(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(
            PrelabelJob.objects.filter(project=project).select_related("created_by"), request, view=self
        )
        return paginator.get_paginated_response(JobOut(page, many=True).data)

    @extend_schema(request=JobIn, responses={201: JobOut})
    def post(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        data = JobIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = prelabel_job_create(project=project, user=request.user, **data.validated_data)
        return Response(JobOut(job).data, status=status.HTTP_201_CREATED)


class JobDetailApi(APIView):
    """GET: one job with its progress (done/total, rate, ETA)."""

    @extend_schema(responses=JobOut)
    def get(self, request, job_id: int) -> Response:
        job = get_object_or_404(PrelabelJob.objects.select_related("created_by"), pk=job_id)
        project_get_for(user=request.user, project_id=job.project_id, roles=READERS)
        return Response(JobOut(job).data)


class JobCancelApi(APIView):
    @extend_schema(request=None, responses={200: JobOut, 409: None})
    def post(self, request, job_id: int) -> Response:
        job = get_object_or_404(PrelabelJob, pk=job_id)
        project_get_for(user=request.user, project_id=job.project_id, roles=MANAGER)
        if not prelabel_job_cancel(job=job):
            return Response(
                {"non_field_errors": [f"The job is {job.status}; only pending or running jobs can be cancelled."]},
                status=status.HTTP_409_CONFLICT,
            )
        job.refresh_from_db()
        return Response(JobOut(job).data)


class StanceModelOut(serializers.Serializer):
    version = serializers.IntegerField()
    n_labels = serializers.IntegerField()
    cv_accuracy = serializers.FloatField(allow_null=True)
    per_label_f1 = serializers.JSONField()
    params = serializers.JSONField()
    created_at = serializers.DateTimeField()


class StanceModelListApi(APIView):
    """GET: the project's stance model versions (newest first) and what the next training waits for."""

    def get(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
        versions = project.stance_models.defer("artifact").order_by("-version")
        return Response(
            {"status": stance_status(project=project), "versions": StanceModelOut(versions, many=True).data}
        )


class StanceModelTrainApi(APIView):
    """POST: queue a retraining now (manager); the worker refuses quietly below the minimum."""

    def post(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        try:
            info = stance_model_train_request(project=project)
        except DjangoValidationError as exc:
            return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"queued": True, "status": info}, status=status.HTTP_202_ACCEPTED)


class PrecisionApi(APIView):
    """GET: per model name/version/kind, predictions, accepted, rejected and precision."""

    def get(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
        return Response({"results": prediction_precision(project=project)})


class ClaimMergeProposalsApi(APIView):
    """GET: near-duplicate claims found by the latest job that computed them."""

    def get(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
        job = next(
            (
                j
                for j in PrelabelJob.objects.filter(project=project).exclude(models_used=[])
                if isinstance(j.models_used, dict) and "claim_merge_proposals" in j.models_used
            ),
            None,
        )
        return Response(
            {"job": job.pk if job else None, "results": job.models_used["claim_merge_proposals"] if job else []}
        )


class GazetteerLoadApi(APIView):
    """POST: add the shipped starter gazetteer's actors and aliases to the project (manager)."""

    def post(self, request, project_id: int) -> Response:
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        result = gazetteer_load(project=project, user=request.user)
        return Response(
            {"created": len(result.created), "updated": len(result.updated), "aliases_added": result.aliases_added},
            status=status.HTTP_200_OK,
        )
