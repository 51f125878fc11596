"""Celery tasks of the exports app: thin wrappers around services."""

from celery import shared_task

from exports.services.agreement_refresh import agreement_report_refresh
from exports.services.export import dataset_builds_reap, dataset_version_build, lease_retry_in


@shared_task(
    name="exports.build_dataset_version", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20
)
def build_dataset_version_task(self, version_id: int) -> None:
    """Build one dataset version, or take over its build when the worker holding it went silent.

    A delivery that finds the build held by a live worker (a redelivery after a pool child was
    killed comes before its heartbeat is stale) looks again once that heartbeat would be stale;
    a complete, failed or cancelled version is left alone. Progress and errors are written to
    the DatasetVersion row, not to a result backend."""
    wait = lease_retry_in(dataset_version_build(version_id=version_id))
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="exports.reap_stale_builds", acks_late=True, ignore_result=True)
def reap_stale_builds_task() -> None:
    """Periodic (beat, every EXPORT_REAPER_INTERVAL_S): re-queue or fail builds whose worker is gone."""
    dataset_builds_reap()


@shared_task(name="exports.refresh_agreement_report", acks_late=True)
def refresh_agreement_report_task(project_id: int) -> None:
    """Refresh the project's stored agreement report once submissions have settled (debounced; a second
    delivery finds nothing pending and does nothing)."""
    agreement_report_refresh(project_id=project_id)
