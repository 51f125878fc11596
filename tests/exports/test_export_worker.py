"""End to end with a real Celery worker on the Redis broker: a version created through the API is
built by the worker on the `exports` queue, and its files download with a token."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exports.models import DatasetVersion
from tests.annotation.prelabel_support import test_database_url as worker_database_url
from tests.conftest import client_for
from tests.exports.export_data import build_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def export_worker(tmp_path, artifacts_dir, settings):
    settings.EXPORT_ROOT = tmp_path / "exports"
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("exports", "unacked", "unacked_index")
    log_path = artifacts_dir / f"export-worker-{uuid.uuid4().hex[:8]}.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": worker_database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "DB_CONN_MAX_AGE": "0",
           "STANDPOINT_EXPORT_DIR": str(settings.EXPORT_ROOT)}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-Q", "exports",
                                 "-c", "1", "-P", "prefork", "-l", "info", "-n", f"h6-{uuid.uuid4().hex[:8]}@%h",
                                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while " ready." not in log_path.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
        time.sleep(0.3)
    yield log_path
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_a_version_created_through_the_api_is_built_by_the_worker(export_worker, project, manager, ml_engineer):
    build_project(project)
    response = client_for(manager).post(f"/api/projects/{project.pk}/dataset-versions/",
                                        {"formats": ["jsonl", "parquet"], "seed": 2}, format="json")
    assert response.status_code == 201, response.content
    version_id = response.json()["id"]
    deadline = time.monotonic() + 180
    while DatasetVersion.objects.get(pk=version_id).status in ("pending", "building"):
        assert time.monotonic() < deadline, export_worker.read_text()[-4000:]
        time.sleep(0.5)
    version = DatasetVersion.objects.get(pk=version_id)
    assert version.status == "complete", version.error
    assert version.progress_done == version.progress_total == 12
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ml_engineer).key}")
    body = client.get(f"/api/dataset-versions/{version_id}/").json()
    assert body["manifest"]["counts"]["paragraphs"] == 12 and body["progress"]["percent"] == 100
    download = client.get(f"/api/dataset-versions/{version_id}/files/train.parquet")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"PAR1"
    assert (settings.EXPORT_ROOT / version.folder / "train.parquet").exists()
