import pytest

from annotation.models import Annotation, Prediction, PredictionDecision, PredictionSet
from tests.conftest import client_for
from tests.factories import ActorAliasFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann_client(annotator):
    return client_for(annotator)


def _next(client, project):
    response = client.post(f"/api/projects/{project.pk}/next-task/")
    assert response.status_code == 200, response.content
    return response.json()


def test_next_task_returns_the_workspace_shape(project, tasks, ann_client):
    ws = _next(ann_client, project)
    assert set(ws) >= {"assignment", "task", "article", "paragraph", "context", "annotation", "predictions", "progress"}
    assert ws["task"]["id"] == tasks[0].pk
    assert ws["paragraph"]["text"] == tasks[0].paragraph.text
    assert ws["context"] == {"previous": None, "next": tasks[1].paragraph.text}
    assert ws["annotation"]["status"] == "draft" and ws["annotation"]["revision"] == 0
    assert ws["progress"] == {"done": 0, "skipped": 0, "remaining": 10}
    assert set(ws["assignment"]) >= {"id", "expires_at"}


def test_submit_moves_to_the_next_task_and_counts_progress(project, tasks, ann_client, actor, claim):
    ws = _next(ann_client, project)
    body = {
        "revision": 0,
        "time_spent_ms": 1500,
        "statements": [
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "favor",
                "note": "clear",
            }
        ],
    }
    response = ann_client.post(f"/api/annotations/{ws['annotation']['id']}/submit/", body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["status"] == "submitted" and out["revision"] == 1
    assert out["statements"][0] | {"id": 0} == {
        "id": 0,
        "annotation": ws["annotation"]["id"],
        "position": 0,
        "actor_role": "mention",
        "actor": actor.pk,
        "actor_name": "China",
        "actor_start": 0,
        "actor_end": 7,
        "claim": claim.pk,
        "claim_text": claim.text,
        "stance": "favor",
        "evidence_start": None,
        "evidence_end": None,
        "note": "clear",
        "from_prediction": None,
    }
    nxt = _next(ann_client, project)
    assert nxt["task"]["id"] == tasks[1].pk and nxt["progress"]["done"] == 1


def test_stale_revision_gets_409_with_the_current_revision(project, tasks, ann_client):
    ws = _next(ann_client, project)
    url = f"/api/annotations/{ws['annotation']['id']}/"
    assert ann_client.put(url, {"revision": 0, "statements": []}, format="json").status_code == 200
    response = ann_client.put(url, {"revision": 0, "statements": []}, format="json")
    assert response.status_code == 409 and response.json()["revision"] == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"revision": "x", "statements": []},
        {"revision": 0, "statements": "nope"},
        {"revision": 0, "statements": [{}]},
        {"revision": 0, "statements": [None]},
        {"revision": 0, "statements": [{"claim": "abc", "stance": 5}]},
        {"revision": -1, "statements": []},
        {"revision": 0, "statements": [{"actor_start": -5, "claim": 1, "stance": "favor"}]},
        {"revision": 0, "statements": [{"actor_role": "boss", "claim": 1, "stance": "favor"}]},
        {
            "revision": 0,
            "statements": [{"actor": 10**12, "actor_start": 0, "actor_end": 3, "claim": 10**12, "stance": "favor"}],
        },
        {"revision": 0, "no_statement": "maybe", "statements": []},
    ],
)
def test_garbage_payloads_get_400_never_500(project, tasks, ann_client, payload):
    ws = _next(ann_client, project)
    response = ann_client.put(f"/api/annotations/{ws['annotation']['id']}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)


def test_span_outside_the_paragraph_gets_a_field_level_message(project, tasks, ann_client, actor, claim):
    ws = _next(ann_client, project)
    body = {
        "revision": 0,
        "statements": [
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 5,
                "actor_end": 9999,
                "claim": claim.pk,
                "stance": "favor",
            }
        ],
    }
    response = ann_client.put(f"/api/annotations/{ws['annotation']['id']}/", body, format="json")
    assert response.status_code == 400
    assert "outside the paragraph" in response.json()["statements"][0]["actor_start"][0]


def test_statement_on_someone_elses_annotation_is_a_400_on_the_annotation_field(
    project, tasks, ann_client, second_annotator, claim
):
    ws = _next(ann_client, project)
    response = client_for(second_annotator).post(
        "/api/statements/",
        {"annotation": ws["annotation"]["id"], "actor_role": "author", "claim": claim.pk, "stance": "favor"},
        format="json",
    )
    assert response.status_code == 400 and "annotation" in response.json()


def test_annotators_never_see_each_others_labels(project, tasks, ann_client, second_annotator, manager, claim):
    mine = _next(ann_client, project)
    theirs = _next(client_for(second_annotator), project)
    assert mine["task"]["id"] == theirs["task"]["id"]  # same paragraph, blind to each other
    listed = ann_client.get(f"/api/annotations/?project={project.pk}").json()["results"]
    assert [a["id"] for a in listed] == [mine["annotation"]["id"]]
    assert ann_client.get(f"/api/annotations/{theirs['annotation']['id']}/").status_code == 404
    assert ann_client.get(f"/api/annotations/?task={theirs['task']['id']}").json()["count"] == 1
    everyone = client_for(manager).get(f"/api/annotations/?project={project.pk}").json()
    assert everyone["count"] == 2


def test_prediction_decisions_are_recorded_and_shown_only_to_their_author(
    project, tasks, ann_client, second_annotator, actor
):
    ws = _next(ann_client, project)
    pset = PredictionSet.objects.create(task_id=ws["task"]["id"], model_name="kw", model_version="1")
    pred = Prediction.objects.create(
        prediction_set=pset,
        task_id=ws["task"]["id"],
        kind="actor",
        model_name="kw",
        model_version="1",
        score=0.7,
        actor=actor,
        start=0,
        end=7,
        surface="Beijing",
    )
    response = ann_client.post(f"/api/predictions/{pred.pk}/decision/", {"decision": "accepted"}, format="json")
    assert response.status_code == 200 and response.json()["decision"] == "accepted"
    assert PredictionDecision.objects.get(prediction=pred).decision == "accepted"
    other = _next(client_for(second_annotator), project)
    assert other["predictions"][0]["decision"] is None  # blind to the first annotator's choice
    assert (
        ann_client.post(f"/api/predictions/{pred.pk}/decision/", {"decision": "meh"}, format="json").status_code == 400
    )
    assert ann_client.delete(f"/api/predictions/{pred.pk}/decision/").json()["decision"] is None


def test_nothing_left_gives_204(project, ann_client):
    assert ann_client.post(f"/api/projects/{project.pk}/next-task/").status_code == 204


def test_annotation_history_lists_submit_then_edit(project, tasks, ann_client, claim):
    ws = _next(ann_client, project)
    aid = ws["annotation"]["id"]
    stmt = {"actor_role": "author", "claim": claim.pk, "stance": "favor"}
    ann_client.post(f"/api/annotations/{aid}/submit/", {"revision": 0, "statements": [stmt]}, format="json")
    ann_client.put(
        f"/api/annotations/{aid}/", {"revision": 1, "statements": [{**stmt, "stance": "against"}]}, format="json"
    )
    history = ann_client.get(f"/api/annotations/{aid}/history/").json()["results"]
    assert [h["action"] for h in history] == ["submit", "edit"]
    assert history[1]["before"]["statements"][0]["stance"] == "favor"
    assert Annotation.objects.get(pk=aid).status == "submitted"


def test_actor_search_matches_aliases_and_hides_merged(project, manager, actor):
    ActorAliasFactory(actor=actor, alias="Beijing", normalized="beijing")
    client = client_for(manager)
    found = client.get(f"/api/projects/{project.pk}/actors/?search=BEIJ").json()["results"]
    assert [a["name"] for a in found] == ["China"] and found[0]["aliases"] == ["Beijing"]
    dup = client.post(f"/api/projects/{project.pk}/actors/", {"name": "PRC"}, format="json").json()
    client.post(f"/api/actors/{dup['id']}/merge/", {"into": actor.pk}, format="json")
    names = [a["name"] for a in client.get(f"/api/projects/{project.pk}/actors/").json()["results"]]
    assert names == ["China"]
    merged = client.get(f"/api/projects/{project.pk}/actors/?status=merged").json()["results"]
    assert merged[0]["merged_into"] == actor.pk


def test_task_list_is_paginated_and_filtered(project, tasks, manager):
    client = client_for(manager)
    page = client.get(f"/api/projects/{project.pk}/tasks/?page_size=4").json()
    assert page["count"] == 10 and len(page["results"]) == 4 and page["next"]
    assert client.get(f"/api/projects/{project.pk}/tasks/?is_complete=true").json()["count"] == 0


def test_project_create_via_api_has_default_labels_and_safe_guidelines(manager):
    manager.is_staff = True
    manager.save()
    response = client_for(manager).post(
        "/api/projects/", {"name": "Gas", "guidelines": "**Bold** <script>alert(1)</script>"}, format="json"
    )
    assert response.status_code == 201
    out = response.json()
    assert [s["value"] for s in out["stance_labels"]] == ["favor", "against", "neutral", "unclear"]
    assert "<strong>Bold</strong>" in out["guidelines_html"] and "<script" not in out["guidelines_html"]
    assert out["my_role"] == "manager"


def test_progress_shows_annotators_only_their_own_row(project, tasks, ann_client, manager, second_annotator):
    for client in (ann_client, client_for(second_annotator)):
        ws = _next(client, project)
        client.post(
            f"/api/annotations/{ws['annotation']['id']}/submit/",
            {"revision": 0, "no_statement": True, "statements": []},
            format="json",
        )
    mine = ann_client.get(f"/api/projects/{project.pk}/progress/").json()
    assert [r["username"] for r in mine["per_annotator"]] == ["annotator"]
    everyone = client_for(manager).get(f"/api/projects/{project.pk}/progress/").json()
    assert everyone["submitted_annotations"] == 2 and len(everyone["per_annotator"]) == 2
    assert everyone["needed_annotations"] == 10 * 3 - 2


def test_openapi_schema_and_offline_docs(ann_client):
    schema = ann_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/projects/{project_id}/next-task/",
        "/api/annotations/{annotation_id}/submit/",
        "/api/actors/{actor_id}/merge/",
        "/api/auth/token/",
        "/api/statements/",
    ):
        assert path in paths
    docs = ann_client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content  # served from the sidecar, no internet needed


def test_next_task_and_submit_stay_a_bounded_number_of_queries(
    project, tasks, annotator, actor, claim, django_assert_max_num_queries
):
    """No N+1 on the hot path: the claim is a few statements, the workspace read is one."""
    client = client_for(annotator)
    body = {
        "revision": 0,
        "statements": [
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "favor",
            }
        ],
    }
    for _ in range(2):
        with django_assert_max_num_queries(11):
            ws = _next(client, project)
        with django_assert_max_num_queries(18):
            response = client.post(f"/api/annotations/{ws['annotation']['id']}/submit/", body, format="json")
        assert response.status_code == 200


def test_registry_lists_filter_by_status_and_type_and_refuse_unknown_values(project, manager, actor):
    client = client_for(manager)
    client.post(f"/api/projects/{project.pk}/actors/", {"name": "Greenpeace", "type": "organisation"}, format="json")
    orgs = client.get(f"/api/projects/{project.pk}/actors/?type=organisation").json()["results"]
    assert [a["name"] for a in orgs] == ["Greenpeace"]
    assert client.get(f"/api/projects/{project.pk}/actors/?status=proposed").json()["count"] == 0
    assert client.get(f"/api/projects/{project.pk}/actors/?status=bogus").status_code == 400
    assert client.get(f"/api/projects/{project.pk}/claims/?search=nothing-like-this").json()["count"] == 0


def test_a_removed_member_can_no_longer_write_their_annotation(project, tasks, ann_client, annotator, manager):
    ws = _next(ann_client, project)
    from annotation.services.projects import membership_remove

    membership_remove(project=project, user=annotator)
    response = ann_client.put(
        f"/api/annotations/{ws['annotation']['id']}/", {"revision": 0, "statements": []}, format="json"
    )
    assert response.status_code == 404
