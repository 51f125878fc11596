"""Re-queueing the pre-labelling work a dead worker took with it (the beat task
`annotation.reap_stalled_prelabel_jobs`, every PRELABEL_REAPER_INTERVAL_S).

A worker killed as a whole (main process and pool) never acknowledges the batches it held;
Redis gives them back only after CELERY_VISIBILITY_TIMEOUT (an hour by default). The reaper
notices sooner: a running job whose heartbeat (see services.prelabel) is older than
PRELABEL_STALE_AFTER_S, while a worker does consume the queue and nothing waits in it, has lost
its outstanding batches, so the job's start is run again: it enqueues batches for exactly the
tasks that have no prediction set yet. A batch redelivered later finds its tasks done and
stores nothing (exactly one prediction set each). A pending job whose start message was lost is
started again the same way. With no worker on the queue the reaper waits (the page says
"waiting for a worker"); with messages still queued the job is only waiting its turn.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from annotation.worker_presence import queue_consumers, queue_waiting

from ..models import PrelabelJob
from .enqueue import enqueue_on_commit
from .prelabel import QUEUE, prelabel_job_start

log = logging.getLogger(__name__)
Status = PrelabelJob.Status


def _stalled(before) -> Q:
    silent = Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True)
    return silent & (Q(status=Status.RUNNING) | Q(status=Status.PENDING, created_at__lt=before))


def prelabel_jobs_reap() -> dict:
    """Re-queue the outstanding work of stalled jobs; returns what it did, for the log."""
    before = timezone.now() - timedelta(seconds=settings.PRELABEL_STALE_AFTER_S)
    stalled = list(PrelabelJob.objects.filter(_stalled(before)).values_list("pk", "status"))
    out = {"stalled": len(stalled), "requeued": 0, "batches": 0, "restarted": 0, "waiting": ""}
    if not stalled:
        return out
    if not queue_consumers(QUEUE):
        out["waiting"] = "no worker consumes the queue"
        return out
    if queue_waiting(QUEUE):
        out["waiting"] = "batches are still queued"
        return out
    for job_id, status in stalled:
        claimed = PrelabelJob.objects.filter(_stalled(before), pk=job_id).update(
            heartbeat_at=timezone.now(), requeues=F("requeues") + 1
        )
        if not claimed:
            continue
        out["requeued"] += 1
        if status == Status.PENDING:
            enqueue_on_commit("annotation.prelabel_job_start", job_id)
            out["restarted"] += 1
        else:
            out["batches"] += len(prelabel_job_start(job_id=job_id))
    log.warning("Stalled pre-labelling jobs re-queued: %s", out)
    return out
