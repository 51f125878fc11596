"""Is any Celery worker consuming a queue, and is anything waiting in it? Asked of the broker.

`queue_consumers` broadcasts Celery's `inspect().active_queues()` (workers answer within the
timeout) and caches the answer for WORKER_PRESENCE_CACHE_S seconds in the shared cache, so a
page polled every two seconds by many browsers costs one broadcast per few seconds. With no
broker (the demo: tasks run in-process) both say None: there is no queue to wait on.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _in_process() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def queue_consumers(queue: str) -> int | None:
    """How many workers consume `queue` now (cached); None when tasks run in-process."""
    if _in_process():
        return None
    key = f"worker-presence:{queue}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        replies = current_app.control.inspect(timeout=settings.WORKER_PRESENCE_TIMEOUT_S).active_queues() or {}
    except Exception:  # noqa: BLE001 - a broker that cannot be asked has no worker to offer
        log.exception("asking the workers for their queues failed")
        replies = {}
    count = sum(1 for queues in replies.values() if any(q.get("name") == queue for q in queues or ()))
    cache.set(key, count, settings.WORKER_PRESENCE_CACHE_S)
    return count


def queue_waiting(queue: str) -> int | None:
    """Messages waiting in `queue` (not yet delivered to a worker); None when it cannot be told
    (in-process tasks, or a broker other than Redis)."""
    if _in_process():
        return None
    try:
        with current_app.connection_for_read() as conn:
            client = getattr(conn.default_channel, "client", None)
            return int(client.llen(queue)) if client is not None else None
    except Exception:  # noqa: BLE001
        log.exception("measuring the queue %s failed", queue)
        return None
