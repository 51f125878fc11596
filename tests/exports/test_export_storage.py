"""Dataset files live behind Django's storage API (storages["datasets"]): a build publishes to any
storage, downloads and the dataset card stream from it, and nothing is read from the local disk."""

import orjson
import pytest
from django.core.files.storage import storages

from exports.models import DatasetVersion
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def object_store(settings, export_root):
    """A storage that is not a local folder (Django's InMemoryStorage stands in for S3): the build
    must upload file by file instead of renaming its scratch folder into place."""
    settings.STORAGES = {**settings.STORAGES, "datasets": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return storages["datasets"]


def test_a_build_publishes_every_file_to_the_storage_and_leaves_no_local_files(
    project, annotated, build, object_store, export_root
):
    version = build(formats=["jsonl", "csv", "spacy"])
    assert version.status == DatasetVersion.Status.COMPLETE, version.error
    names = set(version.manifest["files"]) | {"manifest.json", "README.md"}
    assert {n for n in names if object_store.exists(f"{version.folder}/{n}")} == names
    assert any(n.startswith("spacy/") for n in names)  # nested folders are uploaded too
    assert [p for p in export_root.rglob("*") if p.is_file()] == []  # the scratch folder is gone


def test_downloads_and_the_card_stream_from_the_storage(project, annotated, build, object_store, manager):
    version = build(formats=["jsonl"])
    manifest_name = f"{version.folder}/manifest.json"
    with object_store.open(manifest_name, "rb") as f:
        stored = f.read()
    client = client_for(manager)
    response = client.get(f"/api/dataset-versions/{version.pk}/files/manifest.json")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == stored
    assert orjson.loads(stored)["version"] == version.number
    from django.test import Client

    page = Client()
    page.force_login(manager)
    detail = page.get(f"/exports/datasets/{version.pk}/").content.decode()
    assert "Dataset card" in detail and f"dataset version {version.number}" in detail
    object_store.delete(manifest_name)  # what the web sees is the storage, not a disk of its own
    assert client.get(f"/api/dataset-versions/{version.pk}/files/manifest.json").status_code == 404


def test_a_second_version_is_compared_from_the_storage(project, annotated, build, object_store, manager):
    first, second = build(formats=["jsonl"]), build(formats=["jsonl"], seed=5)
    body = client_for(manager).get(f"/api/dataset-versions/{first.pk}/diff/{second.pk}/").json()
    assert body["counts"]["paragraphs_added"] == body["counts"]["paragraphs_removed"] == 0


def test_an_upload_that_fails_half_way_fails_the_version_and_leaves_nothing_in_the_storage(
    project, annotated, build, settings, export_root
):
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "tests.exports.storage_support.FailingAfterStorage"},
    }
    version = build(formats=["jsonl"])
    assert version.status == DatasetVersion.Status.FAILED and "object store went away" in version.error
    from exports.services.dataset.files import _storage_walk

    storage = storages["datasets"]
    assert storage.listdir("")[0] == [f"project-{project.pk}"]
    assert list(_storage_walk(storage, f"project-{project.pk}")) == []  # the files it did upload were removed
    assert [p for p in export_root.rglob("*") if p.is_file()] == []
