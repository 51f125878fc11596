"""The lease on a version being built: who holds it, and the heartbeat that keeps it.

A build claims its version with one conditional UPDATE: a pending version, or a building one
whose heartbeat is older than EXPORT_STALE_AFTER_S (its worker was killed, or lost its
database), becomes `building` with `attempt` raised by one. `attempt` is the lease's token:
the heartbeat, the progress and the final `complete` are all written `WHERE attempt = <ours>`,
so a worker that lost its lease (taken over, or cancelled) can no longer touch the row, and
notices at its next heartbeat. Progress rides on the heartbeat (a second connection, since the
build's own sits in one long snapshot transaction).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from annotation.heartbeat import Heartbeat
from exports.models import DatasetVersion

Status = DatasetVersion.Status


class LeaseLost(Exception):
    """The version was cancelled, or another worker took the build over."""


def stale_before():
    return timezone.now() - timedelta(seconds=settings.EXPORT_STALE_AFTER_S)


def stale_building() -> Q:
    return Q(status=Status.BUILDING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True))


@dataclass
class Claim:
    version: DatasetVersion | None
    attempt: int | None = None  # set when this call holds the lease
    retry_in: float | None = None  # another live worker holds it: look again in this many seconds


def lease_claim(version_id: int) -> Claim:
    """Take the build of a pending version, or take over a stale one."""
    claimed = (
        DatasetVersion.objects.filter(pk=version_id)
        .filter(Q(status=Status.PENDING) | stale_building())
        .update(
            status=Status.BUILDING, attempt=F("attempt") + 1, heartbeat_at=timezone.now(), error="", progress_done=0
        )
    )
    version = DatasetVersion.objects.select_related("project").filter(pk=version_id).first()
    if version is None:
        return Claim(None)
    if claimed:
        return Claim(version, attempt=version.attempt)
    if version.status == Status.BUILDING and version.heartbeat_at:
        age = (timezone.now() - version.heartbeat_at).total_seconds()
        return Claim(version, retry_in=max(settings.EXPORT_STALE_AFTER_S - age, 0) + 1)
    return Claim(version)


class BuildLease(Heartbeat):
    """The heartbeat of one held lease, carrying the build's progress (`done`, `total`)."""

    def __init__(self, version_id: int, attempt: int):
        self.version_id, self.attempt, self.done, self.total = version_id, attempt, 0, 0
        super().__init__(
            "UPDATE exports_datasetversion SET heartbeat_at = now(), progress_done = %s, "
            "progress_total = %s WHERE id = %s AND attempt = %s AND status = 'building'",
            lambda: (min(self.done, self.total), self.total, self.version_id, self.attempt),
            interval=settings.EXPORT_HEARTBEAT_S,
        )

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"Dataset version {self.version_id}: lease {self.attempt} lost.")


def held(version_id: int, attempt: int):
    """The row of a version, if this lease still holds it."""
    return DatasetVersion.objects.filter(pk=version_id, attempt=attempt, status=Status.BUILDING)
