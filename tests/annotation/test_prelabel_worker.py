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
from tests.processes import celery_worker, purge_broker, wait_for

from .prelabel_support import build_corpus_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
QUEUES = ("default", "prelabel")


def job_state(job_id):
    return PrelabelJob.objects.values("status", "done", "total").get(pk=job_id)


@pytest.fixture
def worker(worker_logs):
    purge_broker(*QUEUES)
    w = celery_worker(worker_logs, ",".join(QUEUES), concurrency=2)
    yield w
    w.stop()


def test_a_prelabel_job_over_the_shared_articles_completes_and_the_annotator_sees_suggestions(
    worker, project, manager, annotator
):
    project.claim_threshold = 0.35
    project.save()
    build_corpus_project(project)
    response = client_for(manager).post(f"/api/projects/{project.pk}/prelabel-jobs/", {"batch_size": 32}, format="json")
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    wait_for(lambda: job_state(job_id)["status"] == "complete", timeout=240, log=worker, what="the job")
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
            assert body["paragraph"]["text"][p["start"] : p["end"]] == p["surface"]
    # somewhere in the project the metonyms were linked: "the Kremlin" -> Russia
    assignment = Assignment.objects.get(pk=workspace.json()["assignment"]["id"])
    assert assignment.task.predictions.exists()
    from annotation.models import Prediction

    kremlin = Prediction.objects.get(task__project=project, kind="actor", surface="the Kremlin")
    assert kremlin.actor.name == "Russia"
    claims = Prediction.objects.filter(task__project=project, kind="claim")
    assert (
        claims.exists() and claims.filter(model_name="claims-cosine", model_version__startswith="all-minilm").exists()
    )


def celery_ids(log: str, event: str) -> set[str]:
    return set(re.findall(r"Task annotation\.prelabel_batch\[([0-9a-f-]+)\] " + event, log))


def test_a_worker_killed_mid_job_is_replaced_and_every_paragraph_is_prelabelled_exactly_once(
    worker_logs, project, settings
):
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    build_corpus_project(project, copies=2)
    total = Task.objects.filter(project=project).count()
    assert total == 308
    purge_broker(*QUEUES)
    env = {"CELERY_VISIBILITY_TIMEOUT": "6"}
    first = celery_worker(worker_logs, ",".join(QUEUES), env, concurrency=2)
    try:
        job = prelabel_job_create(project=project, batch_size=16)
        # kill while a batch is received and not finished (not between a batch's end and the next one)
        wait_for(
            lambda: (
                job_state(job.pk)["done"] >= 32
                and celery_ids(first.log(), "received") - celery_ids(first.log(), "succeeded")
            ),
            timeout=240,
            log=first,
            what="the first batches and one in flight",
        )
        first.kill()
    finally:
        first.stop()
    done_at_kill = job_state(job.pk)["done"]
    assert job_state(job.pk)["status"] == "running" and done_at_kill < total, "the kill came too late"
    interrupted = celery_ids(first.log(), "received") - celery_ids(first.log(), "succeeded")
    assert interrupted, "the killed worker was running no batch"
    assert broker.hlen("unacked") >= len(interrupted)  # not acknowledged: the broker still holds them
    time.sleep(7)  # past the visibility timeout: the killed worker's batches are due again
    second = celery_worker(worker_logs, ",".join(QUEUES), env, concurrency=2)
    try:
        wait_for(lambda: job_state(job.pk)["status"] == "complete", timeout=300, log=second, what="the job")
        wait_for(lambda: broker.hlen("unacked") == 0, timeout=30, log=second, what="the last acknowledgements")
    finally:
        second.stop()
    # the batches interrupted by the kill were redelivered to the new worker and ran there
    assert interrupted <= celery_ids(second.log(), "succeeded")
    state = job_state(job.pk)
    assert state["done"] == state["total"] == total
    per_task = (
        PredictionSet.objects.filter(task__project=project, model_name=PIPELINE_NAME)
        .values("task")
        .annotate(n=Count("pk"))
    )
    assert len(per_task) == total and {row["n"] for row in per_task} == {1}
