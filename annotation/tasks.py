"""Celery tasks of the annotation app: thin wrappers that take ids and call one service.

Every task is named explicitly ("annotation.prelabel_*" routes to the `prelabel` queue), acks late
and is re-queued when its worker dies (reject_on_worker_lost), so a killed worker's batch runs
again elsewhere; the services make that second run a no-op for work already stored. Only errors
known to be transient (database or broker connections) are retried, with exponential backoff.
"""

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from annotation.models import Project
from annotation.prelabel.stance import NotEnoughLabels
from annotation.services.assignment import leases_expire
from annotation.services.evaluation import prelabel_evaluation_run
from annotation.services.prelabel import prelabel_batch_failed, prelabel_batch_run, prelabel_job_start
from annotation.services.prelabel_reaper import prelabel_jobs_reap
from annotation.services.stance_model import stance_model_train, stance_retrain_due

TRANSIENT = (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError, TimeoutError)
COMMON = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(name="annotation.prelabel_job_start", soft_time_limit=300, time_limit=360, **COMMON)
def prelabel_job_start_task(job_id: int) -> None:
    prelabel_job_start(job_id=job_id)


class PrelabelBatchTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Called once a batch has failed for good: record it on the job so the job can finish."""
        job_id, task_ids = (list(args) + [kwargs.get("job_id"), kwargs.get("task_ids")])[:2]
        if job_id is not None and task_ids:
            prelabel_batch_failed(job_id=job_id, task_ids=task_ids, error=f"{type(exc).__name__}: {exc}")


@shared_task(base=PrelabelBatchTask, name="annotation.prelabel_batch", soft_time_limit=600, time_limit=660, **COMMON)
def prelabel_batch_task(job_id: int, task_ids: list[int]) -> None:
    try:
        prelabel_batch_run(job_id=job_id, task_ids=task_ids)
    except SoftTimeLimitExceeded:
        if len(task_ids) < 2:
            raise
        # too slow as one batch (a slow machine, very long paragraphs): run it again as two halves
        half = len(task_ids) // 2
        prelabel_batch_task.delay(job_id, task_ids[:half])
        prelabel_batch_task.delay(job_id, task_ids[half:])


@shared_task(name="annotation.prelabel_stance_train", soft_time_limit=900, time_limit=960, **COMMON)
def prelabel_stance_train_task(project_id: int) -> None:
    project = Project.objects.filter(pk=project_id).first()
    if project is None:  # deleted after it was queued
        return
    try:
        stance_model_train(project=project)
    except NotEnoughLabels:
        return


@shared_task(name="annotation.prelabel_stance_retrain_check", soft_time_limit=60, time_limit=90, **COMMON)
def prelabel_stance_retrain_check_task() -> None:
    """Periodic: queue a retraining for every project that has `stance_retrain_every` new labels."""
    for project in Project.objects.all().iterator():
        if stance_retrain_due(project=project):
            prelabel_stance_train_task.delay(project.pk)


@shared_task(name="annotation.reap_stalled_prelabel_jobs", soft_time_limit=60, time_limit=90, **COMMON)
def reap_stalled_prelabel_jobs_task() -> None:
    """Periodic (beat, every PRELABEL_REAPER_INTERVAL_S; on the default queue, not behind the batches):
    re-queue the batches of jobs whose worker is gone."""
    prelabel_jobs_reap()


@shared_task(name="annotation.leases_expire", soft_time_limit=60, time_limit=90, **COMMON)
def leases_expire_task() -> None:
    """Periodic: mark leases past their time as expired, so progress pages count only live ones."""
    leases_expire()


@shared_task(name="annotation.prelabel_evaluate", soft_time_limit=900, time_limit=960, **COMMON)
def prelabel_evaluate_task(evaluation_id: int) -> None:
    prelabel_evaluation_run(evaluation_id=evaluation_id)
