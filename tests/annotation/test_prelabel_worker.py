"""End to end with a real Celery worker (prefork, 2 processes) on the Redis broker and the test
PostgreSQL database, running the real all-MiniLM-L6-v2 model over the shared articles."""

import re
import time

import pytest
from django.db.models import Count

from annotation.models import Assignment, PredictionSet, PrelabelJob, Task
from annotation.prelabel.pipeline import PIPELINE_NAME
from annotation.services.prelabel import prelabel_job_create
from tests.conftest import client_for

from .prelabel_support import CeleryWorker, build_corpus_project, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]


def wait_for(predicate, *, timeout: float, worker: CeleryWorker | None = None, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    log = worker.log()[-4000:] if worker else ""
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.\n{log}")


def job_state(job_id):
    return PrelabelJob.objects.values("status", "done", "total").get(pk=job_id)


@pytest.fixture
def worker_logs(artifacts_dir):
    path = artifacts_dir / "prelabel-workers"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def worker(worker_logs):
    purge_broker()
    w = CeleryWorker(worker_logs).start()
    yield w
    w.stop()


def test_a_prelabel_job_over_the_shared_articles_completes_and_the_annotator_sees_suggestions(
        worker, project, manager, annotator):
    project.claim_threshold = 0.35
    project.save()
    build_corpus_project(project)
    response = client_for(manager).post(f"/api/projects/{project.pk}/prelabel-jobs/", {"batch_size": 32},
                                        format="json")
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    wait_for(lambda: job_state(job_id)["status"] == "complete", timeout=240, worker=worker, what="the job")
    state = job_state(job_id)
    assert state["done"] == state["total"] == 154
    assert PredictionSet.objects.filter(task__project=project, model_name=PIPELINE_NAME).count() == 154

    progress = client_for(manager).get(f"/api/prelabel-jobs/{job_id}/").json()["progress"]
    assert progress["done"] == 154 and progress["percent"] == 100.0 and progress["rate"] > 0

    # the annotator's workspace (next task, then the assignment) carries the suggestions
    client = client_for(annotator)
    workspace = client.post(f"/api/projects/{project.pk}/next-task/")
    assert workspace.status_code == 200, workspace.content
    body = client.get(f"/api/assignments/{workspace.json()['assignment']['id']}/").json()
    kinds = {p["kind"] for p in body["predictions"]}
    assert "actor" in kinds
    for p in body["predictions"]:
        assert p["model_name"] and p["model_version"] and 0 <= p["score"] <= 1
        if p["kind"] == "actor":
            assert body["paragraph"]["text"][p["start"]:p["end"]] == p["surface"]
    # somewhere in the project the metonyms were linked: "the Kremlin" -> Russia
    assignment = Assignment.objects.get(pk=workspace.json()["assignment"]["id"])
    assert assignment.task.predictions.exists()
    from annotation.models import Prediction
    kremlin = Prediction.objects.get(task__project=project, kind="actor", surface="the Kremlin")
    assert kremlin.actor.name == "Russia"
    claims = Prediction.objects.filter(task__project=project, kind="claim")
    assert claims.exists() and claims.filter(model_name="claims-cosine", model_version__startswith="all-minilm").exists()


def celery_ids(log: str, event: str) -> set[str]:
    return set(re.findall(r"Task annotation\.prelabel_batch\[([0-9a-f-]+)\] " + event, log))


def test_a_worker_killed_mid_job_is_replaced_and_every_paragraph_is_prelabelled_exactly_once(
        worker_logs, project, settings):
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    build_corpus_project(project, copies=2)
    total = Task.objects.filter(project=project).count()
    assert total == 308
    purge_broker()
    env = {"CELERY_VISIBILITY_TIMEOUT": "6"}
    first = CeleryWorker(worker_logs, env=env).start()
    try:
        job = prelabel_job_create(project=project, batch_size=16)
        wait_for(lambda: job_state(job.pk)["done"] >= 32, timeout=240, worker=first, what="the first batches")
        first.kill()
    finally:
        first.stop()
    done_at_kill = job_state(job.pk)["done"]
    assert job_state(job.pk)["status"] == "running" and done_at_kill < total, "the kill came too late"
    interrupted = celery_ids(first.log(), "received") - celery_ids(first.log(), "succeeded")
    assert interrupted, "the killed worker was running no batch"
    assert broker.hlen("unacked") >= len(interrupted)  # not acknowledged: the broker still holds them
    time.sleep(7)  # past the visibility timeout: the killed worker's batches are due again
    second = CeleryWorker(worker_logs, env=env).start()
    try:
        wait_for(lambda: job_state(job.pk)["status"] == "complete", timeout=300, worker=second, what="the job")
        wait_for(lambda: broker.hlen("unacked") == 0, timeout=30, worker=second, what="the last acknowledgements")
    finally:
        second.stop()
    # the batches interrupted by the kill were redelivered to the new worker and ran there
    assert interrupted <= celery_ids(second.log(), "succeeded")
    state = job_state(job.pk)
    assert state["done"] == state["total"] == total
    per_task = (PredictionSet.objects.filter(task__project=project, model_name=PIPELINE_NAME)
                .values("task").annotate(n=Count("pk")))
    assert len(per_task) == total and {row["n"] for row in per_task} == {1}
