"""Bad input to the annotation API is a 400 with the documented shape, never a 500."""

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(project, tasks, annotator):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    return client, ws["annotation"]["id"]


BAD_STATEMENTS = [
    ({"claim": "abc", "stance": "favor"}, "claim"),
    ({"actor_role": [], "claim": 1, "stance": "favor"}, "actor_role"),
    ({"actor_role": {}, "claim": 1, "stance": "favor"}, "actor_role"),
    ({"actor_role": "author", "claim": 2**64 - 1, "stance": "favor"}, "claim"),
    (
        {"actor_role": "mention", "actor": 1, "actor_start": 0, "actor_end": 2**31, "claim": 1, "stance": "favor"},
        "actor_end",
    ),
]


@pytest.mark.parametrize(("statement", "field"), BAD_STATEMENTS)
def test_a_bad_statement_is_the_same_list_shaped_400_on_submit_and_on_draft_save(workspace, claim, statement, field):
    client, annotation_id = workspace
    body = {"revision": 0, "statements": [{"actor_role": "author", "claim": claim.pk, "stance": "favor"}, statement]}
    submitted = client.post(f"/api/annotations/{annotation_id}/submit/", body, format="json")
    saved = client.put(f"/api/annotations/{annotation_id}/", body, format="json")
    assert submitted.status_code == saved.status_code == 400, (submitted.content, saved.content)
    errors = submitted.json()["statements"]
    assert isinstance(errors, list) and errors[0] == {} and list(errors[1]) == [field], errors
    assert saved.json() == submitted.json()


def test_statement_errors_found_against_the_paragraph_keep_the_same_shape(workspace, claim):
    client, annotation_id = workspace
    body = {
        "revision": 0,
        "statements": [
            {"actor_role": "author", "claim": claim.pk, "stance": "favor"},
            {"actor_role": "author", "claim": claim.pk + 1000, "stance": "favor"},
        ],
    }
    for response in (
        client.post(f"/api/annotations/{annotation_id}/submit/", body, format="json"),
        client.put(f"/api/annotations/{annotation_id}/", body, format="json"),
    ):
        assert response.status_code == 400
        assert response.json()["statements"][0] == {} and "claim" in response.json()["statements"][1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"revision": 2**31, "statements": []}, "revision"),
        ({"revision": 0, "time_spent_ms": 2**63, "no_statement": True, "statements": []}, "time_spent_ms"),
    ],
)
def test_numbers_beyond_the_columns_range_are_a_400(workspace, body, field):
    client, annotation_id = workspace
    for response in (
        client.post(f"/api/annotations/{annotation_id}/submit/", body, format="json"),
        client.put(f"/api/annotations/{annotation_id}/", body, format="json"),
    ):
        assert response.status_code == 400, response.content
        assert list(response.json()) == [field]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "not a date"])
def test_an_out_of_range_date_filter_is_a_400_on_the_field(annotator, value):
    response = client_for(annotator).get("/api/annotations/", {"submitted_after": value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["submitted_after"]


@pytest.mark.parametrize("value", ["5392-08-24T01:47:33-19:30", "2020-01-01T00:00:00+23:59"])
def test_a_date_with_an_offset_postgresql_does_not_take_is_filtered_in_utc(annotator, value):
    """PostgreSQL refuses offsets beyond +-15:59; the filter sends the same instant in UTC."""
    response = client_for(annotator).get("/api/annotations/", {"submitted_after": value})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_nul_byte_in_any_query_parameter_is_a_400_on_pages_and_api(project, manager, annotator):
    page = Client()
    page.force_login(manager)
    for url in (f"/projects/{project.pk}/actors/?q=a%00b", f"/projects/{project.pk}/claims/?q=%00", "/corpora/?q=x%00"):
        response = page.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()
    response = client_for(annotator).get("/api/annotations/?status=draft&x%00=1")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert client_for(annotator).get("/api/annotations/?status=draft").status_code == 200
