"""Builds never stuck in "building": a stale lease is taken over, leftovers are removed, cancel and
retry work from the API and the page, and the reaper re-queues or fails what its worker left.

In-process (no worker): the heartbeat and the claim run on real PostgreSQL with committed rows
(transactional tests), so the lease is exercised as a worker would use it."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from exports.models import DatasetVersion
from exports.services.dataset.files import scratch_folder, scratch_leftovers
from exports.services.export import (
    dataset_builds_reap,
    dataset_version_build,
    dataset_version_cancel,
    dataset_version_create,
    dataset_version_retry,
    lease_retry_in,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)
Status = DatasetVersion.Status


@pytest.fixture
def short_lease(settings):
    settings.EXPORT_STALE_AFTER_S = 30
    settings.EXPORT_HEARTBEAT_S = 0.2
    settings.EXPORT_MAX_ATTEMPTS = 3


@pytest.fixture
def sent(monkeypatch):
    """The builds the services queue (recorded here; the worker tests send them to a real broker)."""
    import exports.services.dataset.lifecycle as lifecycle

    calls = []
    monkeypatch.setattr(lifecycle, "enqueue_on_commit", lambda name, *args: calls.append((name, *args)))
    return calls


def stuck(version, *, attempt=1, age_s=120, progress=3):
    """What a worker killed mid-build leaves: building, an old heartbeat, a scratch folder with a
    partial file, and possibly a half-published folder in the storage."""
    DatasetVersion.objects.filter(pk=version.pk).update(
        status=Status.BUILDING,
        attempt=attempt,
        progress_done=progress,
        progress_total=12,
        heartbeat_at=timezone.now() - timedelta(seconds=age_s),
    )
    version.refresh_from_db()
    scratch = scratch_folder(version)
    (scratch / "train.jsonl").write_text('{"partial": true}\n')
    return scratch


def jsonl_ids(folder):
    import orjson

    return [
        orjson.loads(line)["id"]
        for split in ("train", "dev", "test")
        for line in (folder / f"{split}.jsonl").read_bytes().splitlines()
    ]


def test_a_build_whose_worker_went_silent_is_taken_over_and_rebuilt_cleanly(
    project, annotated, export_root, short_lease
):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    scratch = stuck(version)
    half_published = export_root / f"project-{project.pk}" / "v0001"
    half_published.mkdir(parents=True)
    (half_published / "train.jsonl").write_text("half\n")
    built = dataset_version_build(version_id=version.pk)
    assert built.status == Status.COMPLETE and built.attempt == 2, built.error
    assert not scratch.exists() and scratch_leftovers(project.pk) == []
    ids = jsonl_ids(export_root / built.folder)
    assert len(ids) == len(set(ids)) == built.row_count == 12  # every row exactly once
    assert lease_retry_in(built) is None


def test_a_build_with_a_live_heartbeat_is_left_alone_and_the_delivery_looks_again_later(
    project, annotated, export_root, short_lease
):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(version, age_s=5)
    again = dataset_version_build(version_id=version.pk)
    assert again.status == Status.BUILDING and again.attempt == 1 and again.progress_done == 3
    assert 20 < lease_retry_in(again) <= 26  # 30 s stale limit, heartbeat 5 s old, +1


def test_cancel_stops_a_build_and_retry_builds_it_again_under_the_same_number(
    project, annotated, export_root, short_lease, sent
):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    scratch = stuck(version, age_s=1)
    cancelled = dataset_version_cancel(version=version)
    assert cancelled.status == Status.CANCELLED and cancelled.attempt == 2 and not scratch.exists()
    with pytest.raises(Exception, match="cannot be cancelled"):
        dataset_version_cancel(version=cancelled)
    # a worker that still thought it held attempt 1 can no longer claim or complete it
    assert dataset_version_build(version_id=version.pk).status == Status.CANCELLED
    retried = dataset_version_retry(version=cancelled)
    assert retried.status == Status.PENDING and retried.error == ""
    assert sent == [("exports.build_dataset_version", version.pk)]
    built = dataset_version_build(version_id=version.pk)
    assert built.status == Status.COMPLETE and built.number == 1 and built.attempt == 4


def test_the_api_offers_cancel_and_retry_only_when_they_apply(
    project, annotated, export_root, short_lease, manager, annotator, sent
):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(version, age_s=120)
    client = client_for(manager)
    body = client.get(f"/api/dataset-versions/{version.pk}/").json()
    assert body["status"] == "building" and body["stale"] is True and body["actions"] == ["cancel", "retry"]
    assert client_for(annotator).post(f"/api/dataset-versions/{version.pk}/cancel/").status_code == 403
    response = client.post(f"/api/dataset-versions/{version.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["actions"] == ["retry"]
    again = client.post(f"/api/dataset-versions/{version.pk}/cancel/")
    assert again.status_code == 400 and "cannot be cancelled" in again.content.decode()
    retry = client.post(f"/api/dataset-versions/{version.pk}/retry/")
    assert retry.status_code == 202 and retry.json()["status"] == "pending" and len(sent) == 1
    assert client.post(f"/api/dataset-versions/{version.pk}/retry/").status_code == 400  # not failed any more
    assert client.post("/api/dataset-versions/999999/retry/").status_code == 404


def test_the_page_shows_a_stale_build_with_retry_and_a_confirmed_cancel(
    project, annotated, export_root, short_lease, manager
):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(version, age_s=120)
    from django.test import Client

    client = Client()
    client.force_login(manager)
    page = client.get(f"/exports/projects/{project.pk}/datasets/").content.decode()
    assert "No sign of life from its worker" in page and 'class="ds-retry"' in page
    assert 'data-confirm="Cancel the build of v1?' in page and "version_actions.js" in page
    response = client.post(f"/exports/datasets/{version.pk}/cancel/", {"next": "detail"})
    assert response.status_code == 302 and response.url == f"/exports/datasets/{version.pk}/"
    detail = client.get(response.url).content.decode()
    assert "Cancelled" in detail and 'class="ds-retry"' in detail and 'class="ds-cancel"' not in detail
    assert client.get(f"/exports/datasets/{version.pk}/cancel/").status_code == 405  # POST only
    assert client.post(f"/exports/datasets/{version.pk}/delete/").status_code == 404


def test_the_reaper_requeues_stale_builds_fails_them_after_the_attempt_limit_and_clears_orphans(
    project, annotated, export_root, short_lease, sent
):
    requeue = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(requeue, attempt=1)
    exhausted = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(exhausted, attempt=3)
    live = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    stuck(live, age_s=2)
    lost = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    DatasetVersion.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=120))
    orphan = scratch_leftovers(project.pk, 1)[0]  # requeue's scratch folder: old, and its version not live
    os.utime(orphan, (0, 0))
    out = dataset_builds_reap()
    assert out["requeued"] == 1 and out["failed"] == 1 and out["pending_requeued"] == 1
    assert sorted(sent) == sorted(
        [("exports.build_dataset_version", requeue.pk), ("exports.build_dataset_version", lost.pk)]
    )
    states = dict(DatasetVersion.objects.values_list("pk", "status"))
    assert states == {requeue.pk: "pending", exhausted.pk: "failed", live.pk: "building", lost.pk: "pending"}
    assert "stopped 3 times" in DatasetVersion.objects.get(pk=exhausted.pk).error
    assert not orphan.exists() and scratch_leftovers(project.pk, 1) == []
    assert scratch_leftovers(project.pk, live.number)  # a live build's scratch folder is kept
    assert dataset_builds_reap()["requeued"] == 0  # requeued once, not on every tick
