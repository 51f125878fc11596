"""A lease's heartbeat: a background thread that runs one UPDATE every few seconds on a connection
of its own, so the row shows a sign of life while the worker's own connection sits in a long
transaction (an export's snapshot) or the CPU is busy in a model (a pre-labelling batch).

The UPDATE names the lease in its WHERE clause (e.g. `AND attempt = %s AND status = 'building'`):
when it matches no row, the lease was taken over or cancelled and `lost` is set, so the worker
stops instead of overwriting the new owner's work. A SIGKILL takes the thread with the process:
the heartbeat stops, and the reaper (beat) sees it go stale. Only on PostgreSQL; elsewhere (the
SQLite demo runs tasks in-process) it does nothing. Started inside a transaction (a test, or a
caller's atomic block) the row may be invisible to the heartbeat's connection, so a miss is then
not taken as a lost lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection

log = logging.getLogger(__name__)


def psycopg_params() -> dict:
    """The default database's connection parameters for a plain psycopg connection."""
    params = dict(connection.get_connection_params())
    for key in ("cursor_factory", "context", "server_side_binding", "prepare_threshold"):
        params.pop(key, None)
    return params


class Heartbeat:
    """`with Heartbeat(sql, params, interval) as beat:` runs `sql` with `params()` at once and then
    every `interval` seconds until the block ends (and once more at its end)."""

    def __init__(self, sql: str, params: Callable[[], tuple], interval: float):
        self.sql, self.params, self.interval = sql, params, interval
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn = None
        self._detect_loss = False

    def __enter__(self) -> Heartbeat:
        if connection.vendor != "postgresql":
            return self
        import psycopg

        self._detect_loss = not connection.in_atomic_block
        try:
            self._conn = psycopg.connect(**psycopg_params(), autocommit=True)
        except Exception:  # noqa: BLE001 - no heartbeat: the reaper may restart the work, never lose it
            log.exception("heartbeat connection failed")
            return self
        self.beat()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.beat()

    def beat(self) -> None:
        if self._conn is None:
            return
        try:
            if self._conn.execute(self.sql, self.params()).rowcount == 0 and self._detect_loss:
                self.lost.set()
        except Exception:  # noqa: BLE001 - a missed beat is retried on the next tick
            log.exception("heartbeat failed")

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        if self._conn is not None:
            self._conn.close()
