"""End to end with a real Celery worker on the Redis broker: a version created through the API is
built by the worker on the `exports` queue, and its files download with a token."""

import time

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from annotation.services.tokens import api_token_create
from exports.models import DatasetVersion
from tests.conftest import client_for
from tests.exports.export_data import build_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]


def test_a_version_created_through_the_api_is_built_by_the_worker(export_worker, project, manager, ml_engineer):
    build_project(project)
    response = client_for(manager).post(
        f"/api/projects/{project.pk}/dataset-versions/", {"formats": ["jsonl", "parquet"], "seed": 2}, format="json"
    )
    assert response.status_code == 201, response.content
    version_id = response.json()["id"]
    deadline = time.monotonic() + 180
    while DatasetVersion.objects.get(pk=version_id).status in ("pending", "building"):
        assert time.monotonic() < deadline, export_worker.log()[-4000:]
        time.sleep(0.5)
    version = DatasetVersion.objects.get(pk=version_id)
    assert version.status == "complete", version.error
    assert version.progress_done == version.progress_total == 12
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=ml_engineer)[1]}")
    body = client.get(f"/api/dataset-versions/{version_id}/").json()
    assert body["manifest"]["counts"]["paragraphs"] == 12 and body["progress"]["percent"] == 100
    download = client.get(f"/api/dataset-versions/{version_id}/files/train.parquet")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"PAR1"
    assert (settings.EXPORT_ROOT / version.folder / "train.parquet").exists()
