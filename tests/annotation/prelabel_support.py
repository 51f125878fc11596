"""Helpers for the pre-labelling tests: a project built from the shared articles, and a real Celery
worker process started against the pytest-django test database and the Redis broker."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from annotation.models import Claim, Task
from annotation.services.gazetteer import gazetteer_load
from corpora.models import Article, Corpus, Paragraph
from corpora.splitting import split_paragraphs

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
CLAIMS = [
    "Russia and China are forming a close strategic partnership",
    "US foreign policy toward Russia and China has failed",
    "The Power of Siberia 2 pipeline deepens Russia's energy dependence on China",
    "India and China are improving their relations",
    "The United States wants to separate Russia from China",
]


def build_corpus_project(project, *, copies: int = 1, claims: list[str] = CLAIMS, gazetteer: bool = True) -> list[Task]:
    """Articles and paragraph tasks from ../shared/corpus (each article `copies` times), the starter
    gazetteer and a few claims."""
    corpus = Corpus.objects.create(name=f"shared-{project.pk}-{uuid.uuid4().hex[:6]}")
    project.corpora.add(corpus)
    order = 0
    tasks = []
    for copy in range(copies):
        for path in sorted(SHARED_CORPUS.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            article = Article.objects.create(corpus=corpus, title=f"{path.stem} #{copy}", source_name=path.name,
                                             text=text, language="en",
                                             content_hash=hashlib.sha256(f"{copy}:{text}".encode()).hexdigest())
            for position, span in enumerate(split_paragraphs(text)):
                paragraph = Paragraph.objects.create(article=article, position=position, text=span.text,
                                                     start=span.start, end=span.end, language="en",
                                                     text_hash=hashlib.sha256(span.text.encode()).hexdigest())
                tasks.append(Task(project=project, paragraph=paragraph, order=order))
                order += 1
    Task.objects.bulk_create(tasks)
    for text in claims:
        Claim.objects.create(project=project, text=text, normalized=" ".join(text.lower().split()))
    if gazetteer:
        gazetteer_load(project=project)
    return list(Task.objects.filter(project=project).order_by("order"))


def test_database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def purge_broker() -> None:
    """Drop queued and unacknowledged messages left on this test broker by earlier runs."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("default", "prelabel", "unacked", "unacked_index", "unacked_mutex")


class CeleryWorker:
    """`celery -A config worker -Q default,prelabel -c 2 -P prefork` in its own process group."""

    def __init__(self, log_dir: Path, *, env: dict[str, str] | None = None, concurrency: int = 2):
        self.log_path = log_dir / f"celery-worker-{uuid.uuid4().hex[:8]}.log"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": test_database_url(),
                    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "DB_CONN_MAX_AGE": "0", **(env or {})}
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "CeleryWorker":
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-Q", "default,prelabel",
             "-c", str(self.concurrency), "-P", "prefork", "-l", "info", "-n", f"h4-{uuid.uuid4().hex[:8]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {self.proc.returncode}:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Celery worker not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children, with no chance to ack."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
