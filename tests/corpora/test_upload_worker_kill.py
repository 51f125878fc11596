"""Fault suite for upload imports, with a real Celery worker (prefork, embedded beat) on the Redis broker
and the test PostgreSQL database: kill -9 of the pool child, and of the whole worker, in the middle of an
upload's import. Each ends complete within a bounded time, with every article imported and reported
exactly once and no upload left in the storage."""

import time

import pytest
import redis
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from corpora.models import Article, ImportJob
from tests.conftest import client_for
from tests.corpora.upload_support import articles_zip, job_pids, job_state
from tests.factories import CorpusFactory, UserFactory
from tests.processes import celery_worker, purge_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
FILES = 240
# Small for the test: heartbeat each second, stale after 4 s, the reaper every second.
FAST = {"IMPORT_HEARTBEAT_S": "1", "IMPORT_STALE_AFTER_S": "4", "IMPORT_REAPER_INTERVAL_S": "1"}


@pytest.fixture
def upload_dir(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "up")},
        },
    }
    storages._storages.pop("uploads", None)
    purge_broker("default")
    yield tmp_path / "up"
    storages._storages.pop("uploads", None)
    purge_broker("default")


@pytest.fixture
def worker_env(upload_dir):
    return {"STANDPOINT_UPLOAD_DIR": str(upload_dir), **FAST}


def _import_worker(log_dir, env):
    """The worker with its embedded beat (the reaper) on the default queue, one pool child."""
    return celery_worker(log_dir, "default", env, name="import-worker", with_beat=True)


def _upload(corpus, user, tag: str) -> int:
    response = client_for(user).post(
        f"/api/corpora/{corpus.pk}/upload/",
        {"file": [SimpleUploadedFile("wire.zip", articles_zip(FILES, tag=tag))]},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


def _assert_exactly_once(job_id: int, corpus, upload_dir) -> None:
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == "complete", job.error
    names = [f["name"] for f in job.report["files"]]
    assert len(names) == len(set(names)) == FILES  # each file reported once
    assert {f["status"] for f in job.report["files"]} == {"imported"}  # none "already there" after the rerun
    assert job.report["articles"] == FILES and job.articles == FILES
    per_file = Article.objects.filter(corpus=corpus).values("source_name").annotate(n=Count("pk"))
    assert len(per_file) == FILES and {row["n"] for row in per_file} == {1}  # every article exactly once
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []  # no leftover upload


def test_killing_the_pool_child_mid_import_ends_complete_with_every_article_once(worker_env, upload_dir, tmp_path):
    user = UserFactory(username="boss", is_staff=True)
    corpus = CorpusFactory(owner=user)
    worker = _import_worker(tmp_path, worker_env)
    try:
        job_id = _upload(corpus, user, "child")
        wait_for(lambda: job_state(job_id)["files_done"] >= 20, timeout=120, what="the first files", log=worker)
        [child] = job_pids(worker.log(), job_id)
        worker.kill_child(child)
        killed_at = time.monotonic()
        assert job_state(job_id)["files_done"] < FILES, "the kill came too late"
        wait_for(lambda: job_state(job_id)["status"] == "complete", timeout=150, what="the job", log=worker)
        took = time.monotonic() - killed_at
    finally:
        worker.stop()
    assert job_state(job_id)["attempts"] >= 2 and child not in job_pids(worker.log(), job_id)[1:]
    _assert_exactly_once(job_id, corpus, upload_dir)
    assert took < 150


def test_killing_the_whole_worker_mid_import_is_recovered_by_the_next_worker_without_waiting_an_hour(
    worker_env, upload_dir, tmp_path, settings
):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    user = UserFactory(username="boss", is_staff=True)
    corpus = CorpusFactory(owner=user)
    first = _import_worker(tmp_path, worker_env)
    try:
        job_id = _upload(corpus, user, "whole")
        wait_for(lambda: job_state(job_id)["files_done"] >= 20, timeout=120, what="the first files", log=first)
        first.kill()
    finally:
        first.stop()
    state = job_state(job_id)
    assert state["status"] == "running" and state["files_done"] < FILES, "the kill came too late"
    assert broker.hlen("unacked") >= 1  # the message waits for CELERY_VISIBILITY_TIMEOUT (an hour by default)
    second = _import_worker(tmp_path, worker_env)
    started = time.monotonic()
    try:
        # the reaper (beat, every second) sees the heartbeat stop and enqueues the job again
        wait_for(lambda: job_state(job_id)["status"] == "complete", timeout=150, what="the job", log=second)
        took = time.monotonic() - started
    finally:
        second.stop()
    assert "no heartbeat since" in second.log() and job_state(job_id)["attempts"] == 2
    _assert_exactly_once(job_id, corpus, upload_dir)
    assert took < 150
