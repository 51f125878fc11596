"""Pre-labelling jobs: create, split into batches, store predictions, report progress and precision.

Flow: `prelabel_job_create` (web or command) -> task `annotation.prelabel_job_start` pins the model
versions on the job and enqueues one `annotation.prelabel_batch` per batch of task ids -> each batch
runs the plain-Python pipeline once over its paragraphs and `prediction_store_many` writes every
task's PredictionSet and predictions, the batch in one transaction (one commit per batch, not per task).

Idempotency: the PredictionSet of a task is unique per (task, pipeline name, pinned pipeline
version). A batch first skips the tasks that already have one, and `prediction_store` uses
get_or_create on that key, so a retried batch, a redelivered message after a worker died, or two
copies of the same batch running at once leave exactly one set per task. Predictions are
suggestions only: nothing here writes annotations or statements.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Length
from django.utils import timezone

from annotation.heartbeat import Heartbeat
from annotation.prelabel import registry
from annotation.prelabel.base import ModelUnavailable
from annotation.prelabel.pipeline import PIPELINE_NAME, PrelabelPipeline

from ..models import (
    Prediction,
    PredictionDecision,
    PredictionSet,
    PrelabelJob,
    Project,
    Task,
)
from .embedder import embedder_key
from .enqueue import enqueue_on_commit
from .pipeline_config import pipeline_config_for
from .prediction_store import StoreContext, prediction_store_many
from .stance_model import claim_merge_proposals_compute, stance_model_retrain_if_due

logger = logging.getLogger(__name__)
MAX_BATCH_SIZE = 1000
QUEUE = "prelabel"  # config/settings: CELERY_TASK_ROUTES sends annotation.prelabel_* here
_BEAT_SQL = "UPDATE annotation_prelabeljob SET heartbeat_at = now() WHERE id = %s AND status = 'running'"


def _job_tasks(job: PrelabelJob):
    tasks = Task.objects.filter(project_id=job.project_id)
    if job.task_ids is not None:
        tasks = tasks.filter(pk__in=job.task_ids)
    return tasks


@transaction.atomic
def prelabel_job_create(
    *, project: Project, user=None, task_ids: list[int] | None = None, batch_size: int = 64
) -> PrelabelJob:
    """Create a pending job for the whole project (task_ids None) or a selection; enqueue its start
    after commit. Raises ValidationError naming what is wrong with the input."""
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValidationError({"batch_size": [f"Must be between 1 and {MAX_BATCH_SIZE}, got {batch_size}."]})
    tasks = Task.objects.filter(project=project)
    if task_ids is not None:
        task_ids = sorted({int(t) for t in task_ids})
        if not task_ids:
            raise ValidationError({"task_ids": ["Give at least one task, or leave it out for the whole project."]})
        found = set(tasks.filter(pk__in=task_ids).values_list("pk", flat=True))
        missing = [t for t in task_ids if t not in found]
        if missing:
            raise ValidationError({"task_ids": [f"Not tasks of this project: {missing[:20]}"]})
        tasks = tasks.filter(pk__in=task_ids)
    total = tasks.count()
    if total == 0:
        raise ValidationError({"task_ids": ["This project has no tasks yet: sync tasks from its corpora first."]})
    job = PrelabelJob.objects.create(
        project=project,
        created_by=user if getattr(user, "pk", None) else None,
        task_ids=task_ids,
        batch_size=batch_size,
        total=total,
    )
    enqueue_on_commit("annotation.prelabel_job_start", job.pk)
    return job


def prelabel_job_start(*, job_id: int) -> list[list[int]]:
    """Pin the model versions on the job (first run only), then enqueue the batches still to do.

    Safe to run twice: a redelivered start re-enqueues only tasks without a prediction set, and
    batches are idempotent. Returns the batches enqueued.
    """
    job = PrelabelJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status not in (PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING):
        return []
    project = job.project
    if job.status == PrelabelJob.Status.PENDING:
        try:
            stance_model_retrain_if_due(project=project)
        except Exception:  # a failed retrain must not stop pre-labelling with the previous model
            logger.exception("Stance retraining before job %s failed", job.pk)
        config = pipeline_config_for(project=project)
        try:
            pipeline = PrelabelPipeline(config, registry.EMBEDDERS[embedder_key()]())
        except ModelUnavailable as exc:
            prelabel_job_fail(job_id=job.pk, error=str(exc))
            return []
        pinned = {
            "pipeline": {
                "name": PIPELINE_NAME,
                "version": pipeline.version,
                "embedder": embedder_key(),
                "stance_version": config.stance_version,
            },
            "components": pipeline.components,
            "claim_merge_proposals": claim_merge_proposals_compute(project=project),
        }
        claimed = PrelabelJob.objects.filter(pk=job.pk, status=PrelabelJob.Status.PENDING).update(
            status=PrelabelJob.Status.RUNNING,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            models_used=pinned,
            total=_job_tasks(job).count(),
        )
        job.refresh_from_db()
        if not claimed and job.status != PrelabelJob.Status.RUNNING:
            return []
    version = job.models_used["pipeline"]["version"]
    # Batches of paragraphs of similar length: the model pads each batch to its longest text, so
    # mixing a title with a long paragraph wastes most of the work (about 2.5x on CPU).
    todo = list(
        _job_tasks(job)
        .exclude(prediction_sets__model_name=PIPELINE_NAME, prediction_sets__model_version=version)
        .order_by(Length("paragraph__text"), "pk")
        .values_list("pk", flat=True)
    )
    batches = [todo[i : i + job.batch_size] for i in range(0, len(todo), job.batch_size)]
    for batch in batches:
        enqueue_on_commit("annotation.prelabel_batch", job.pk, batch)
    if not batches:
        prelabel_job_refresh(job_id=job.pk)
    return batches


def prelabel_batch_run(*, job_id: int, task_ids: list[int]) -> int:
    """Pre-label the tasks of one batch that have no prediction set yet; returns how many it stored."""
    job = PrelabelJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status != PrelabelJob.Status.RUNNING:
        return 0
    pinned = job.models_used["pipeline"]
    done = set(
        PredictionSet.objects.filter(
            task_id__in=task_ids, model_name=PIPELINE_NAME, model_version=pinned["version"]
        ).values_list("task_id", flat=True)
    )
    rows = list(
        Task.objects.filter(project_id=job.project_id, pk__in=[t for t in task_ids if t not in done])
        .order_by("pk")
        .values_list("pk", "paragraph__text")
    )
    if rows:
        stance = int(pinned["stance_version"]) if pinned.get("stance_version") else None
        config = pipeline_config_for(project=job.project, stance_version=stance)
        try:
            pipeline = registry.get_pipeline(config, pinned.get("embedder", embedder_key()))
        except ModelUnavailable as exc:
            prelabel_job_fail(job_id=job.pk, error=str(exc))
            return 0
        with Heartbeat(_BEAT_SQL, lambda: (job.pk,), settings.PRELABEL_HEARTBEAT_S):
            results = pipeline.run([text for _, text in rows])
            stored = prediction_store_many(
                items=[(task_id, result) for (task_id, _), result in zip(rows, results, strict=True)],
                job_id=job.pk,
                model_version=pinned["version"],
                context=StoreContext.for_project(job.project_id),
            )
    else:
        stored = 0
    prelabel_job_refresh(job_id=job.pk)
    return stored


def prelabel_job_refresh(*, job_id: int) -> PrelabelJob | None:
    """Recount done from the prediction sets (exact under retries) and complete the job when all are done."""
    job = PrelabelJob.objects.filter(pk=job_id).first()
    if job is None or not job.models_used:
        return job
    version = job.models_used["pipeline"]["version"]
    done = (
        _job_tasks(job)
        .filter(prediction_sets__model_name=PIPELINE_NAME, prediction_sets__model_version=version)
        .count()
    )
    PrelabelJob.objects.filter(pk=job_id).update(done=done, heartbeat_at=timezone.now())
    job.refresh_from_db(fields=["failed"])
    if done >= job.total:
        PrelabelJob.objects.filter(pk=job_id, status=PrelabelJob.Status.RUNNING).update(
            status=PrelabelJob.Status.COMPLETE, finished_at=timezone.now()
        )
    elif job.failed and done + job.failed >= job.total:
        PrelabelJob.objects.filter(pk=job_id, status=PrelabelJob.Status.RUNNING).update(
            status=PrelabelJob.Status.FAILED, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def prelabel_batch_failed(*, job_id: int, task_ids: list[int], error: str) -> None:
    """A batch failed for good (not a transient error, or retries exhausted): count its tasks that
    have no set as failed, keep the reason, and finish the job when nothing else is outstanding.
    Re-running the project later only redoes the tasks without a set."""
    job = PrelabelJob.objects.filter(pk=job_id).first()
    if job is None or not job.models_used:
        return
    version = job.models_used["pipeline"]["version"]
    missing = (
        Task.objects.filter(pk__in=task_ids)
        .exclude(prediction_sets__model_name=PIPELINE_NAME, prediction_sets__model_version=version)
        .count()
    )
    PrelabelJob.objects.filter(pk=job_id).update(failed=F("failed") + missing, error=error[:2000])
    prelabel_job_refresh(job_id=job_id)


def prelabel_job_fail(*, job_id: int, error: str) -> None:
    PrelabelJob.objects.filter(pk=job_id, status__in=[PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING]).update(
        status=PrelabelJob.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def prelabel_job_cancel(*, job: PrelabelJob) -> bool:
    """Stop a pending or running job: queued batches see the status and do nothing."""
    return bool(
        PrelabelJob.objects.filter(
            pk=job.pk, status__in=[PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING]
        ).update(status=PrelabelJob.Status.CANCELLED, finished_at=timezone.now())
    )


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    status: str
    done: int
    total: int
    percent: float
    rate: float | None  # tasks per second since the job started
    eta_seconds: float | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    waiting_for_worker: bool = False  # active, and no worker consumes the queue: no ETA to give


def prelabel_job_progress(
    *, job: PrelabelJob, now: datetime | None = None, consumers: int | None = None
) -> JobProgress:
    """Done, rate and ETA of a job. `consumers`: how many workers consume the prelabel queue
    (annotation.worker_presence.queue_consumers); 0 turns the ETA into "waiting for a worker"."""
    now = now or timezone.now()
    end = job.finished_at or now
    elapsed = (end - job.started_at).total_seconds() if job.started_at else 0.0
    rate = job.done / elapsed if elapsed > 0 and job.done else None
    remaining = max(job.total - job.done, 0)
    eta = 0.0 if remaining == 0 else (remaining / rate if rate else None)
    active = job.status in (PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING)
    if not active:
        eta = None if remaining else 0.0
    waiting = active and consumers == 0 and remaining > 0
    if waiting:
        eta = None
    return JobProgress(
        job_id=job.pk,
        status=job.status,
        done=job.done,
        total=job.total,
        percent=round(100.0 * job.done / job.total, 1) if job.total else 100.0,
        rate=round(rate, 2) if rate else None,
        eta_seconds=round(eta, 1) if eta is not None else None,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
        waiting_for_worker=waiting,
    )


def prediction_precision(*, project: Project) -> list[dict]:
    """Per model name/version/kind: predictions made, accepted, rejected and precision as annotators judged.

    precision = accepted / (accepted + rejected); None until someone has judged one.
    """
    made = (
        Prediction.objects.filter(task__project=project)
        .values("model_name", "model_version", "kind")
        .annotate(predictions=Count("pk"))
    )
    judged = (
        PredictionDecision.objects.filter(prediction__task__project=project)
        .values("prediction__model_name", "prediction__model_version", "prediction__kind")
        .annotate(
            accepted=Count("pk", filter=Q(decision=PredictionDecision.Decision.ACCEPTED)),
            rejected=Count("pk", filter=Q(decision=PredictionDecision.Decision.REJECTED)),
        )
    )
    decisions = {
        (d["prediction__model_name"], d["prediction__model_version"], d["prediction__kind"]): d for d in judged
    }
    rows = []
    for m in made:
        d = decisions.get((m["model_name"], m["model_version"], m["kind"]), {})
        accepted, rejected = d.get("accepted", 0), d.get("rejected", 0)
        rows.append(
            {
                "model_name": m["model_name"],
                "model_version": m["model_version"],
                "kind": m["kind"],
                "predictions": m["predictions"],
                "accepted": accepted,
                "rejected": rejected,
                "precision": round(accepted / (accepted + rejected), 4) if accepted + rejected else None,
            }
        )
    rows.sort(key=lambda r: (r["model_name"], r["model_version"], r["kind"]))
    return rows
