"""Downloads of a version: each file under its name in the manifest (never the project's name with
its colons and spaces), an empty file as an empty download, and the whole version as one zip
streamed from the stored files."""

import io
import zipfile

import pytest
from django.urls import reverse

from exports.models import DatasetVersion
from tests.exports.conftest import folder_of
from tests.exports.export_data import build_project
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(project, build):
    project.name = "Demo: great-power relations"
    project.save(update_fields=["name"])
    build_project(project, n_articles=2)
    v = build()
    assert v.status == DatasetVersion.Status.COMPLETE, v.error
    return v


@pytest.fixture
def manager_client(client, project):
    client.force_login(MembershipFactory(project=project, user=UserFactory(username="boss"), role="manager").user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("route", ["exports:download", "exports-api:dataset-version-file"])
def test_files_download_under_their_manifest_names_and_an_empty_one_too(version, manager_client, export_root, route):
    folder = folder_of(version, export_root)
    empty = next(iter(version.manifest["empty_splits"]))
    for name, expected in (
        (f"{empty}.jsonl", f"{empty}.jsonl"),
        ("train.parquet", "train.parquet"),
        ("README.md", "README.md"),
        ("spacy/train-000.spacy", "train-000.spacy"),
    ):
        if name not in version.manifest["files"] and name != "README.md":
            continue
        response = manager_client.get(reverse(route, args=[version.pk, name]))
        assert response.status_code == 200, name
        assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
        assert _body(response) == (folder / name).read_bytes()
    assert version.manifest["files"][f"{empty}.jsonl"]["bytes"] == 0
    empty_download = manager_client.get(reverse(route, args=[version.pk, f"{empty}.jsonl"]))
    assert empty_download.status_code == 200 and _body(empty_download) == b""
    assert manager_client.get(reverse(route, args=[version.pk, "../../etc/passwd"])).status_code in (400, 404)


@pytest.mark.parametrize("route", ["exports:zip", "exports-api:dataset-version-zip"])
def test_one_zip_of_the_version_streams_every_stored_file(version, manager_client, export_root, route):
    response = manager_client.get(reverse(route, args=[version.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="demo-great-power-relations-v1.zip"'
    data = _body(response)
    folder = folder_of(version, export_root)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        names = sorted(zf.namelist())
        expected = sorted(
            f"demo-great-power-relations-v1/{n}" for n in [*version.manifest["files"], "manifest.json", "README.md"]
        )
        assert names == expected
        for name in version.manifest["files"]:
            assert zf.read(f"demo-great-power-relations-v1/{name}") == (folder / name).read_bytes(), name


def test_the_zip_of_an_unfinished_or_damaged_version_is_a_clear_4xx(version, manager_client, export_root, project):
    pending = DatasetVersion.objects.create(project=project, number=9, params=version.params)
    assert manager_client.get(reverse("exports-api:dataset-version-zip", args=[pending.pk])).status_code == 400
    (folder_of(version, export_root) / "train.csv").unlink()
    assert manager_client.get(reverse("exports:zip", args=[version.pk])).status_code == 404


def test_the_version_page_offers_the_zip_and_names_the_empty_split(version, manager_client):
    page = manager_client.get(reverse("exports:detail", args=[version.pk])).content.decode()
    assert reverse("exports:zip", args=[version.pk]) in page
    empty, why = next(iter(version.manifest["empty_splits"].items()))
    assert f"{empty}: {why}" in page
