"""Kill -9 during a pre-labelling job, with real worker processes on the Redis broker: of one pool
child (its batch is redelivered at once) and of the whole worker (its batches stay unacknowledged
for the visibility timeout, an hour: the reaper on beat re-queues them once the job's heartbeat is
stale, and meanwhile the job says "waiting for a worker"). Each ends complete with exactly one
prediction set per task. Intervals are set small for the test (env below)."""

import pytest
import redis
from django.core.cache import cache
from django.db.models import Count

from annotation.models import PredictionSet, PrelabelJob, Task
from annotation.prelabel.pipeline import PIPELINE_NAME
from annotation.services.prelabel import prelabel_job_create
from annotation.worker_presence import queue_consumers
from tests.conftest import client_for
from tests.processes import celery_beat, celery_worker, purge_broker, wait_for

from .prelabel_support import build_corpus_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
QUEUES = ("default", "prelabel")
BATCH = 16


@pytest.fixture
def env():
    purge_broker(*QUEUES)
    yield {
        "STANDPOINT_PRELABEL_EMBEDDER": "hashing",
        "FAULT_BATCH_DELAY_S": "0.8",
        "PRELABEL_HEARTBEAT_S": "0.3",
        "PRELABEL_STALE_AFTER_S": "3",
        "PRELABEL_REAPER_INTERVAL_S": "1",
    }
    purge_broker(*QUEUES)


@pytest.fixture
def job(project):
    build_corpus_project(project)
    return project


def state(job_id):
    return PrelabelJob.objects.get(pk=job_id)


def assert_one_set_per_task(project):
    total = Task.objects.filter(project=project).count()
    per_task = (
        PredictionSet.objects.filter(task__project=project, model_name=PIPELINE_NAME)
        .values("task")
        .annotate(n=Count("pk"))
    )
    assert len(per_task) == total and {row["n"] for row in per_task} == {1}
    return total


def test_a_killed_pool_child_has_its_batch_redelivered(job, env, worker_logs):
    project = job
    w = celery_worker(worker_logs, ",".join(QUEUES), env, concurrency=2, slowable=True)
    try:
        created = prelabel_job_create(project=project, batch_size=16)
        wait_for(
            lambda: state(created.pk).status == "running" and state(created.pk).done >= 16,
            timeout=40,
            what="the first batch",
            log=w,
        )
        w.pool_children()[0].kill()
        wait_for(lambda: state(created.pk).status != "running", timeout=40, what="the job to end", log=w)
    finally:
        w.stop()
    assert state(created.pk).status == "complete", state(created.pk).error
    assert state(created.pk).done == assert_one_set_per_task(project)
    assert "signal 9 (SIGKILL)" in w.log()


def test_a_worker_killed_as_a_whole_is_noticed_and_its_batches_requeued_by_the_reaper(
    job, env, worker_logs, settings, manager
):
    project = job
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def work_only_the_dead_worker_holds():
        # What is stored plus all that is still queued (each batch at most BATCH tasks) falls short of
        # the total: the worker holds batches it has not stored. Killing it before would let its
        # already-stored batches' late acks be all that is lost, and the queue alone finish the job.
        job_now = state(created.pk)
        return job_now.done >= BATCH and job_now.done + BATCH * broker.llen("prelabel") < job_now.total

    first = celery_worker(worker_logs, ",".join(QUEUES), env, concurrency=2, slowable=True)
    try:
        created = prelabel_job_create(project=project, batch_size=BATCH)
        wait_for(work_only_the_dead_worker_holds, timeout=40, what="batches held by the worker", log=first)
        first.kill()
    finally:
        first.stop()
    assert state(created.pk).status == "running" and work_only_the_dead_worker_holds()
    assert broker.hlen("unacked") >= 1  # the dead worker's batches: back only after the visibility timeout
    cache.delete("worker-presence:prelabel")
    assert queue_consumers("prelabel") == 0
    progress = client_for(manager).get(f"/api/prelabel-jobs/{created.pk}/").json()["progress"]
    assert progress["waiting_for_worker"] is True and progress["eta_seconds"] is None

    second = celery_worker(worker_logs, ",".join(QUEUES), env, concurrency=2, slowable=True, wait=False)
    ticker = celery_beat(worker_logs, env, wait=False)
    try:
        second.wait_ready(), ticker.wait_ready()
        cache.delete("worker-presence:prelabel")
        assert queue_consumers("prelabel") == 1
        wait_for(
            lambda: state(created.pk).status != "running", timeout=60, what="the reaper and the new worker", log=second
        )
    finally:
        ticker.stop()
        second.stop()
    done = state(created.pk)
    assert done.status == "complete", done.error
    assert done.requeues >= 1 and done.done == assert_one_set_per_task(project)
    assert "annotation.reap_stalled_prelabel_jobs" in ticker.log()
