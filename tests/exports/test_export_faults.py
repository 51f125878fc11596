"""Kill -9 during a dataset build, with real worker processes on the Redis broker: of the pool
child (the message is redelivered at once and takes the build over once its heartbeat is stale)
and of the whole worker (nothing is redelivered before the visibility timeout, an hour: the
reaper on beat re-queues the build). Each ends complete with every row exactly once and no
scratch folder or half-published file left. Intervals are set small for the test (env below)."""

import time

import orjson
import pytest

from exports.models import DatasetVersion
from exports.services.export import dataset_version_create
from tests.exports.export_data import build_project
from tests.exports.storage_support import point_exports_at
from tests.processes import celery_beat, celery_worker, purge_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
ROWS = 12


@pytest.fixture
def env(settings, tmp_path):
    root = point_exports_at(settings, tmp_path / "exports")
    purge_broker("exports", "default")
    yield {
        "STANDPOINT_EXPORT_DIR": str(root),
        "FAULT_ROW_DELAY_S": "0.4",
        "EXPORT_HEARTBEAT_S": "0.2",
        "EXPORT_STALE_AFTER_S": "2",
        "EXPORT_REAPER_INTERVAL_S": "1",
        "STANDPOINT_PRELABEL_EMBEDDER": "hashing",
    }
    purge_broker("exports", "default")


def state(version_id):
    return DatasetVersion.objects.get(pk=version_id)


def started_building(version_id):
    v = state(version_id)
    return v.status == "building" and 2 <= v.progress_done < ROWS


def assert_complete_once_and_clean(version, root):
    assert version.status == "complete", version.error
    ids = [
        orjson.loads(line)["id"]
        for split in ("train", "dev", "test")
        for line in (root / version.folder / f"{split}.jsonl").read_bytes().splitlines()
    ]
    assert len(ids) == len(set(ids)) == ROWS == version.row_count
    assert [p for p in (root / ".build").rglob("*") if p.is_file() or p.name.startswith(".tmp-v")] == []  # no scratch
    assert sorted(p.name for p in (root / f"project-{version.project_id}").iterdir()) == ["v0001"]


def test_a_killed_pool_child_is_redelivered_and_takes_the_build_over(project, env, worker_logs, settings):
    build_project(project)
    # stale after 6 s: the redelivery (within a second or two) finds the lease still fresh, waits
    # for it to go stale (a retry with a countdown) and then takes the build over
    w = celery_worker(worker_logs, "exports,default", {**env, "EXPORT_STALE_AFTER_S": "6"}, slowable=True)
    try:
        version = dataset_version_create(project=project, params={"formats": ["jsonl"]})
        wait_for(lambda: started_building(version.pk), timeout=30, what="the build to start", log=w)
        w.pool_children()[0].kill()
        t0 = time.monotonic()
        wait_for(
            lambda: state(version.pk).status not in ("pending", "building"), timeout=30, what="the build to end", log=w
        )
        recovered_in = time.monotonic() - t0
    finally:
        w.stop()
    version = state(version.pk)
    assert_complete_once_and_clean(version, settings.EXPORT_ROOT)
    assert version.attempt == 2  # the redelivered message took the lease over
    assert "retry: Retry in" in w.log()  # ... after waiting for it to go stale, not at once
    assert recovered_in < 25


def test_a_worker_killed_as_a_whole_is_reaped_and_the_build_completes_on_another(project, env, worker_logs, settings):
    build_project(project)
    first = celery_worker(worker_logs, "exports,default", env, slowable=True)
    try:
        version = dataset_version_create(project=project, params={"formats": ["jsonl"]})
        wait_for(lambda: started_building(version.pk), timeout=30, what="the build to start", log=first)
        first.kill()
    finally:
        first.stop()
    assert state(version.pk).status == "building"  # stuck, as it used to stay for good
    assert list((settings.EXPORT_ROOT / ".build").rglob(".tmp-v*"))  # the killed build's scratch folder
    second = celery_worker(worker_logs, "exports,default", env, slowable=True, wait=False)
    ticker = celery_beat(worker_logs, env, wait=False)
    try:
        second.wait_ready(), ticker.wait_ready()
        wait_for(
            lambda: state(version.pk).status not in ("pending", "building"),
            timeout=40,
            what="the reaper and the second worker",
            log=second,
        )
    finally:
        ticker.stop()
        second.stop()
    version = state(version.pk)
    assert_complete_once_and_clean(version, settings.EXPORT_ROOT)
    assert version.attempt == 2
    assert "exports.reap_stale_builds" in ticker.log()
