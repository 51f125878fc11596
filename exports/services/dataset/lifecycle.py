"""A version's life outside the build itself: created and queued, cancelled, retried, and reaped
when its worker is gone (the beat task `exports.reap_stale_builds`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from annotation.models import Project
from annotation.services.enqueue import enqueue_on_commit
from annotation.worker_presence import queue_waiting
from exports.models import DatasetVersion

from .code_version import EXPORT_SCHEMA_VERSION, code_version
from .files import published_remove, scratch_leftovers, scratch_remove
from .lease import stale_before, stale_building
from .params import normalise_params

log = logging.getLogger(__name__)
Status = DatasetVersion.Status
BUILD_TASK = "exports.build_dataset_version"
QUEUE = "exports"


@transaction.atomic
def dataset_version_create(*, project: Project, params: dict | None, user=None, enqueue: bool = True) -> DatasetVersion:
    """Create the next pending version of the project and (after commit) queue its build.

    Locks the project row so two concurrent requests get consecutive numbers.
    """
    clean = normalise_params(params)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (DatasetVersion.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    version = DatasetVersion.objects.create(
        project=project,
        number=number,
        params=clean,
        created_by=user,
        schema_version=EXPORT_SCHEMA_VERSION,
        code_version=code_version(),
        heartbeat_at=timezone.now(),
    )
    if enqueue:
        enqueue_on_commit(BUILD_TASK, version.pk)
    return version


def is_stale(version: DatasetVersion) -> bool:
    """Building, and its worker has shown no sign of life for EXPORT_STALE_AFTER_S."""
    return version.status == Status.BUILDING and (version.heartbeat_at is None or version.heartbeat_at < stale_before())


def can_cancel(version: DatasetVersion) -> bool:
    return version.status in (Status.PENDING, Status.BUILDING)


def can_retry(version: DatasetVersion) -> bool:
    return version.status in (Status.FAILED, Status.CANCELLED) or is_stale(version)


def lease_retry_in(version: DatasetVersion | None) -> float | None:
    """Seconds until a build held by another worker would go stale; None when there is nothing to wait for."""
    if version is None or version.status != Status.BUILDING or version.heartbeat_at is None:
        return None
    age = (timezone.now() - version.heartbeat_at).total_seconds()
    return max(settings.EXPORT_STALE_AFTER_S - age, 0) + 1


def dataset_version_cancel(*, version: DatasetVersion) -> DatasetVersion:
    """Stop a pending or building version. A worker still building it notices at its next heartbeat
    (the row no longer matches its lease) and stops; its files are removed."""
    cancelled = DatasetVersion.objects.filter(pk=version.pk, status__in=[Status.PENDING, Status.BUILDING]).update(
        status=Status.CANCELLED,
        attempt=F("attempt") + 1,
        finished_at=timezone.now(),
        error="Cancelled before it finished.",
    )
    version.refresh_from_db()
    if not cancelled:
        raise ValidationError({"status": [f"A {version.status} version cannot be cancelled."]})
    published_remove(version)
    scratch_remove(version.project_id, version.number)
    return version


def dataset_version_retry(*, version: DatasetVersion) -> DatasetVersion:
    """Build a failed, cancelled or stale version again, under the same number and parameters."""
    retried = (
        DatasetVersion.objects.filter(pk=version.pk)
        .filter(Q(status__in=[Status.FAILED, Status.CANCELLED]) | stale_building())
        .update(
            status=Status.PENDING,
            attempt=F("attempt") + 1,
            error="",
            progress_done=0,
            finished_at=None,
            heartbeat_at=timezone.now(),
        )
    )
    version.refresh_from_db()
    if not retried:
        raise ValidationError({"status": [f"A {version.status} version is not failed, cancelled or stale."]})
    enqueue_on_commit(BUILD_TASK, version.pk)
    return version


def dataset_builds_reap() -> dict:
    """Periodic (beat): recover builds whose worker is gone.

    - building with a stale heartbeat: queued again (pending) to be taken over, or marked failed
      once it has been claimed EXPORT_MAX_ATTEMPTS times (a build that kills its worker must not
      loop for ever; the page offers Retry);
    - pending and not queued for EXPORT_STALE_AFTER_S while nothing waits in the exports queue
      (its message was lost with a worker that had prefetched it): queued again;
    - scratch folders on this host of versions not being built: removed.
    Returns counts, for the log.
    """
    now = timezone.now()
    out = {"requeued": 0, "failed": 0, "pending_requeued": 0, "scratch_removed": 0}
    for version in DatasetVersion.objects.filter(stale_building()).order_by("pk"):
        if version.attempt >= settings.EXPORT_MAX_ATTEMPTS:
            n = (
                DatasetVersion.objects.filter(pk=version.pk)
                .filter(stale_building())
                .update(
                    status=Status.FAILED,
                    finished_at=now,
                    error=f"The worker building it stopped {version.attempt} times (killed, or out of memory). "
                    "Press Retry to build it again.",
                )
            )
            out["failed"] += n
            if n:
                scratch_remove(version.project_id, version.number)
            continue
        n = (
            DatasetVersion.objects.filter(pk=version.pk)
            .filter(stale_building())
            .update(status=Status.PENDING, heartbeat_at=now)
        )
        if n:
            enqueue_on_commit(BUILD_TASK, version.pk)
            out["requeued"] += 1
    if not queue_waiting(QUEUE):
        old = Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True)
        for pk in DatasetVersion.objects.filter(old, status=Status.PENDING).values_list("pk", flat=True):
            if DatasetVersion.objects.filter(old, pk=pk, status=Status.PENDING).update(heartbeat_at=now):
                enqueue_on_commit(BUILD_TASK, pk)
                out["pending_requeued"] += 1
    out["scratch_removed"] = _scratch_orphans_remove()
    if any(out.values()):
        log.warning("Stale dataset builds reaped: %s", out)
    return out


def _scratch_orphans_remove() -> int:
    """Scratch folders of versions that no live build holds (older than the stale interval, so a
    build that has just claimed its version is never touched)."""
    removed = 0
    young = timezone.now() - timedelta(seconds=settings.EXPORT_STALE_AFTER_S)
    live = set(
        DatasetVersion.objects.filter(status=Status.BUILDING, heartbeat_at__gte=young).values_list(
            "project_id", "number"
        )
    )
    for project_id in set(DatasetVersion.objects.values_list("project_id", flat=True)):
        for folder in scratch_leftovers(project_id):
            number = int(folder.name[len(".tmp-v") :].split("-")[0])
            if (project_id, number) not in live and folder.stat().st_mtime < young.timestamp():
                scratch_remove(project_id, number)
                removed += 1
    return removed
