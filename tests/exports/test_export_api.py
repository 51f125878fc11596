"""API and pages: who may create, list, download and compare dataset versions."""

import json

import pytest
from rest_framework.test import APIClient

from annotation.services.tokens import api_token_create
from exports.models import DatasetVersion
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete_version(project, annotated, build):
    return build(formats=["jsonl", "csv"])


def test_an_ml_engineer_with_a_token_lists_and_downloads_files(complete_version, ml_engineer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=ml_engineer)[1]}")
    listing = client.get(f"/api/projects/{complete_version.project_id}/dataset-versions/")
    assert listing.status_code == 200 and listing.json()["results"][0]["status"] == "complete"
    files = {f["name"]: f for f in listing.json()["results"][0]["files"]}
    assert {"train.jsonl", "manifest.json", "README.md"} <= set(files)
    response = client.get(files["manifest.json"]["url"])
    assert response.status_code == 200
    manifest = json.loads(b"".join(response.streaming_content))
    assert manifest["version"] == complete_version.number
    train = client.get(f"/api/dataset-versions/{complete_version.pk}/files/train.jsonl")
    assert train.status_code == 200 and b'"statements"' in b"".join(train.streaming_content)


def test_annotators_cannot_list_or_download_and_outsiders_get_404(complete_version, annotator, outsider):
    url = f"/api/dataset-versions/{complete_version.pk}/files/train.jsonl"
    assert client_for(annotator).get(url).status_code == 403
    assert (
        client_for(annotator).get(f"/api/projects/{complete_version.project_id}/dataset-versions/").status_code == 403
    )
    assert client_for(outsider).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)


def test_files_outside_the_manifest_are_refused(complete_version, manager):
    client = client_for(manager)
    assert client.get(f"/api/dataset-versions/{complete_version.pk}/files/../../etc/passwd").status_code in (400, 404)
    assert client.get(f"/api/dataset-versions/{complete_version.pk}/files/secret.txt").status_code == 400


def test_a_manager_creates_a_version_through_the_api(project, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(manager).post(
            f"/api/projects/{project.pk}/dataset-versions/",
            {"formats": ["parquet"], "seed": 5, "split_ratios": [0.6, 0.2, 0.2]},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["params"]["formats"] == ["jsonl", "parquet"]
    assert body["params"]["split_ratios"] == [0.6, 0.2, 0.2] and len(callbacks) == 1
    bad = client_for(manager).post(f"/api/projects/{project.pk}/dataset-versions/", {"formats": ["xlsx"]})
    assert bad.status_code == 400 and "formats" in bad.json()


def test_diff_endpoint_compares_two_versions(project, annotated, build, ml_engineer):
    a, b = build(formats=["jsonl"]), build(formats=["jsonl"])
    response = client_for(ml_engineer).get(f"/api/dataset-versions/{a.pk}/diff/{b.pk}/")
    assert response.status_code == 200 and response.json()["counts"]["paragraphs_changed"] == 0


def test_the_page_lists_versions_with_status_and_a_failed_versions_error(client, project, manager, complete_version):
    DatasetVersion.objects.create(project=project, number=99, status="failed", error="ValueError: disk full")
    client.force_login(manager)
    page = client.get(f"/exports/projects/{project.pk}/datasets/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "v1" in html and "Complete" in html and "ValueError: disk full" in html and "Build version" in html
    detail = client.get(f"/exports/datasets/{complete_version.pk}/")
    assert "Dataset card" in detail.content.decode()
    download = client.get(f"/exports/datasets/{complete_version.pk}/files/train.csv")
    assert download.status_code == 200


def test_the_page_form_queues_a_version(client, project, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/exports/projects/{project.pk}/datasets/",
            {
                "formats": ["jsonl", "graphml"],
                "gold_strategy": "adjudicated",
                "train": 0.8,
                "dev": 0.1,
                "test": 0.1,
                "seed": 4,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = DatasetVersion.objects.get(project=project)
    assert version.params["gold_strategy"] == "adjudicated" and version.params["formats"] == ["jsonl", "graphml"]
    assert len(callbacks) == 1


def test_annotators_do_not_see_the_page(client, project, annotator):
    client.force_login(annotator)
    assert client.get(f"/exports/projects/{project.pk}/datasets/").status_code == 403


def test_the_versions_page_is_paginated_and_compare_still_offers_the_newest(client, project, manager):
    for n in range(1, 31):
        DatasetVersion.objects.create(project=project, number=n, status="complete" if n % 2 else "failed")
    client.force_login(manager)
    first = client.get(f"/exports/projects/{project.pk}/datasets/").content.decode()
    assert "Page 1 of 2 (30 versions)" in first and "Older" in first
    assert "v30<" in first.split('<table class="table ds-versions">')[1].split("</table>")[0]
    second = client.get(f"/exports/projects/{project.pk}/datasets/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and "Newer" in second
    rows = second.split('<table class="table ds-versions">')[1].split("</table>")[0]
    assert "v1<" in rows and "v30<" not in rows  # the oldest five are on page 2
    menu = second.split('name="old"')[1].split("</select>")[0]
    assert ">v29<" in menu  # compare offers the newest complete versions on every page
