"""The pre-labelling reaper, called as a plain function: a running job whose heartbeat went stale
gets its outstanding tasks re-queued once (and only the tasks without a prediction set); nothing
happens while no worker consumes the queue or batches still wait in it. The kills with real
worker processes are in test_prelabel_faults.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

import annotation.services.prelabel as prelabel_service
import annotation.services.prelabel_reaper as reaper
from annotation.models import PrelabelJob
from annotation.services.prelabel import prelabel_job_create, prelabel_job_progress
from annotation.tasks import prelabel_batch_task, prelabel_job_start_task

from .prelabel_support import build_corpus_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_settings(settings):
    settings.STANDPOINT_PRELABEL_EMBEDDER = "hashing"
    settings.PRELABEL_STALE_AFTER_S = 60


@pytest.fixture
def queue(monkeypatch):
    """What the broker would say about the prelabel queue: consumers and waiting messages."""
    state = {"consumers": 1, "waiting": 0}
    monkeypatch.setattr(reaper, "queue_consumers", lambda name: state["consumers"])
    monkeypatch.setattr(reaper, "queue_waiting", lambda name: state["waiting"])
    return state


@pytest.fixture
def half_done_job(project, django_capture_on_commit_callbacks):
    """A running job of which the first batch ran and the others were lost with their worker."""
    build_corpus_project(project)
    job = prelabel_job_create(project=project, batch_size=50)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    batches = [cb.args[1] for cb in callbacks]
    prelabel_batch_task(job.pk, batches[0])
    PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    job.refresh_from_db()
    assert job.status == "running" and job.done == 50 < job.total
    return job, batches


def test_a_stalled_job_gets_exactly_its_outstanding_tasks_requeued_once(
    half_done_job, queue, django_capture_on_commit_callbacks
):
    job, batches = half_done_job
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out = reaper.prelabel_jobs_reap()
    assert out["requeued"] == 1
    requeued = sorted(t for cb in callbacks for t in cb.args[1])
    assert requeued == sorted(t for b in batches[1:] for t in b)  # not the 50 already done
    job.refresh_from_db()
    assert job.requeues == 1 and (timezone.now() - job.heartbeat_at).total_seconds() < 5
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert reaper.prelabel_jobs_reap()["stalled"] == 0  # the re-queue counts as a sign of life
    assert again == []


def test_no_requeue_while_no_worker_consumes_the_queue_or_batches_still_wait(
    half_done_job, queue, django_capture_on_commit_callbacks
):
    job, _ = half_done_job
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue["consumers"] = 0
        assert reaper.prelabel_jobs_reap()["waiting"] == "no worker consumes the queue"
        queue["consumers"], queue["waiting"] = 1, 3
        assert reaper.prelabel_jobs_reap()["waiting"] == "batches are still queued"
    assert callbacks == [] and PrelabelJob.objects.get(pk=job.pk).requeues == 0


def test_a_pending_job_whose_start_was_lost_is_started_again(project, queue, django_capture_on_commit_callbacks):
    build_corpus_project(project)
    job = prelabel_job_create(project=project)
    PrelabelJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out = reaper.prelabel_jobs_reap()
    assert out["restarted"] == 1 and [cb.args for cb in callbacks] == [(job.pk,)]


def test_progress_says_waiting_for_a_worker_instead_of_an_eta(half_done_job, client, manager):
    job, _ = half_done_job
    assert prelabel_job_progress(job=job, consumers=1).waiting_for_worker is False
    waiting = prelabel_job_progress(job=job, consumers=0)
    assert waiting.waiting_for_worker is True and waiting.eta_seconds is None
    client.force_login(manager)
    page = client.get(f"/projects/{job.project_id}/prelabel/").content.decode()  # no worker runs here
    assert "waiting for a worker" in page
    assert prelabel_service.QUEUE == "prelabel"


def test_queue_waiting_counts_the_messages_in_a_redis_queue(settings):
    import uuid

    import redis

    from annotation.worker_presence import queue_waiting

    name = f"test-queue-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        assert queue_waiting(name) == 0
        client.rpush(name, "a", "b", "c")
        assert queue_waiting(name) == 3
    finally:
        client.delete(name)
