"""Celery tasks of the exports app: thin wrappers around services."""

from celery import shared_task

from exports.services.export import dataset_version_build


@shared_task(name="exports.build_dataset_version", acks_late=True)
def build_dataset_version_task(version_id: int) -> None:
    """Build one dataset version. A second delivery finds it no longer pending and does nothing;
    progress and errors are written to the DatasetVersion row, not to a result backend."""
    dataset_version_build(version_id=version_id)
