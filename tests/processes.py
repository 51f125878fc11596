"""Real Celery (and gunicorn) processes for the tests that need one, in one place.

A process starts in its own process group against the test database and this session's Redis broker,
logs to a file, and is waited for until its log shows it is ready. It stops with SIGTERM, or is killed
with SIGKILL (the whole group, or one pool child) with no chance to acknowledge anything.

    worker = celery_worker(log_dir, "default,prelabel", concurrency=2)   # started, ready
    ticker = celery_beat(log_dir, env, wait=False)                        # the fault tests' reapers
    purge_broker("default", "prelabel")                                   # earlier runs' messages

`slowable=True` starts the worker through `tests.fault_worker`, whose FAULT_*_DELAY_S variables slow
the work so a test can kill it in the middle; otherwise it is the plain `celery` command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
CELERY = [str(VENV_BIN / "celery"), "-A", "config"]
SLOWABLE_CELERY = [str(VENV_BIN / "python"), "-m", "tests.fault_worker"]  # takes the arguments after `-A config`
# Celery stops looking for (and announcing itself to) the other workers: faster start, quieter logs.
QUIET = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
UNACKED_KEYS = ("unacked", "unacked_index", "unacked_mutex")


def test_database_url() -> str:
    """The database this test session uses (pytest-django's test_… database), as a URL for a child."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def process_env(extra: dict[str, str] | None = None, *, settings_module: str = "config.settings.test") -> dict:
    """This process's environment for a child: the test database, the broker, no persistent connections."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DB_CONN_MAX_AGE": "0",
        **(extra or {}),
    }


def purge_broker(*queues: str, url: str | None = None) -> None:
    """Drop the queued and unacknowledged messages earlier runs left on this broker."""
    import redis

    redis.Redis.from_url(url or settings.CELERY_BROKER_URL).delete(*queues, *UNACKED_KEYS)


def wait_for(predicate: Callable, *, timeout: float, what: str, log: Proc | None = None, every: float = 0.2):
    """predicate()'s first truthy value within `timeout` s; else an AssertionError with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.\n{log.log()[-4000:] if log else ''}")


class Proc:
    """One command in its own process group, logging to `log_dir/name-XXXX.log`."""

    def __init__(
        self,
        log_dir: Path,
        name: str,
        argv: list[str],
        env: dict[str, str],
        *,
        ready: str,
        log_path: Path | None = None,
    ):
        self.log_path = log_path or log_dir / f"{name}-{uuid.uuid4().hex[:8]}.log"
        self.name, self.argv, self.env, self.ready = name, argv, env, ready
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def launch(self) -> Proc:
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                self.argv, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_ready(self, timeout: float = 120) -> Proc:
        """Until the log shows `ready`; if the process exits first or never gets there: stop it and raise."""
        deadline = time.monotonic() + timeout
        while self.ready not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} did not start (exit {self.proc.returncode}):\n{self.log()[-3000:]}")
            time.sleep(0.3)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pool_children(self) -> list[psutil.Process]:
        return psutil.Process(self.proc.pid).children(recursive=True)

    def kill_child(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the main process and its children at once: nothing is acknowledged or cleaned up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM the group (Celery's warm shutdown), SIGKILL it if it is still there after `timeout` s."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def celery_worker(
    log_dir: Path,
    queues: str,
    env: dict[str, str] | None = None,
    *,
    concurrency: int = 1,
    name: str = "celery-worker",
    with_beat: bool = False,
    slowable: bool = False,
    wait: bool = True,
    log_level: str = "info",
    prefix: list[str] | None = None,
    timeout: float = 120,
) -> Proc:
    """`celery -A config worker -Q queues -c concurrency -P prefork` (with its embedded beat if asked).
    `env` replaces what process_env() sets; `prefix` runs the command under another (a network namespace)."""
    argv = [
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "-P",
        "prefork",
        "-l",
        log_level,
        "-n",
        f"{name}-{uuid.uuid4().hex[:8]}@%h",
        *QUIET,
    ]
    if with_beat:
        argv += ["-B", "-s", str(log_dir / f"beat-schedule-{uuid.uuid4().hex[:8]}")]
    command = [*(prefix or []), *(SLOWABLE_CELERY if slowable else CELERY), *argv]
    proc = Proc(log_dir, name, command, process_env(env), ready=" ready.").launch()
    return proc.wait_ready(timeout) if wait else proc


def celery_beat(log_dir: Path, env: dict[str, str] | None = None, *, wait: bool = True) -> Proc:
    """`celery beat`, whose schedule (config/settings) runs the reapers at the env's intervals."""
    schedule = log_dir / f"beat-schedule-{uuid.uuid4().hex[:8]}"
    proc = Proc(
        log_dir,
        "celery-beat",
        [*CELERY, "beat", "-l", "info", "-s", str(schedule), "--pidfile="],
        process_env(env),
        ready="beat: Starting",
    ).launch()
    return proc.wait_ready() if wait else proc


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_web(
    log_dir: Path, env: dict[str, str] | None = None, *, port: int, timeout: float = 60, workers: int = 1
) -> Proc:
    """The Procfile's web process (gunicorn, `workers` sync workers) on 127.0.0.1:`port`, answering once it is up."""
    import requests

    argv = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    proc = Proc(log_dir, "gunicorn", argv, process_env(env), ready="Booting worker").launch().wait_ready(timeout)

    def answers():
        try:
            return requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(answers, timeout=timeout, what="gunicorn to answer", log=proc)
    return proc
