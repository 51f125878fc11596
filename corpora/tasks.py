"""Celery tasks of the corpora app: thin, each calls one service (corpora/import_jobs.py)."""

from celery import shared_task

from .import_jobs import import_job_run, import_jobs_reap


@shared_task(name="corpora.import_upload", acks_late=True)
def import_upload_task(job_id: int) -> None:
    """Import a job's stored uploads. Safe to deliver twice: the job's lock and its recorded files."""
    import_job_run(job_id=job_id)


@shared_task(name="corpora.import_jobs_reap")
def import_jobs_reap_task() -> None:
    import_jobs_reap()
