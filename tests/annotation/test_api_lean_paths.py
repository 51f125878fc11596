"""Next task and submit run on a lean dispatch (annotation.api.lean) and plain-SQL payloads
(annotation.payloads). These tests hold them to DRF's rules and to the documented serializers."""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from annotation.api.serializers import AnnotationOut, PredictionOut, StatementOut, WorkspaceOut
from annotation.models import Annotation, Assignment, Prediction, PredictionSet, Statement
from annotation.payloads import predictions_payload, workspace_payload
from annotation.selectors import annotation_list, predictions_for
from annotation.services.registry import actor_merge
from tests.conftest import client_for
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def _drf_json(data) -> object:
    """What DRF's own renderer makes of serializer output, parsed back."""
    return json.loads(JSONRenderer().render(data))


def test_workspace_payload_matches_the_documented_serializer(project, tasks, annotator, actor, claim):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    pset = PredictionSet.objects.create(task_id=ws["task"]["id"], model_name="kw", model_version="1")
    Prediction.objects.create(prediction_set=pset, task_id=ws["task"]["id"], kind="actor", model_name="kw",
                              model_version="1", score=0.7, actor=actor, start=0, end=7, surface="Beijing")
    Prediction.objects.create(prediction_set=pset, task_id=ws["task"]["id"], kind="claim", model_name="kw",
                              model_version="1", score=0.4, claim=claim)
    saved = client.put(f"/api/annotations/{ws['annotation']['id']}/", {"revision": 0, "statements": [
        {"actor_role": "author", "claim": claim.pk, "stance": "against", "note": "n"}]}, format="json")
    assert saved.json() == _drf_json(AnnotationOut(annotation_list(user=None).get(pk=ws["annotation"]["id"])).data)
    again = client.post(f"/api/projects/{project.pk}/next-task/").json()  # resumes: statements and suggestions

    assignment = Assignment.objects.get(pk=again["assignment"]["id"])
    payload = workspace_payload(assignment=assignment, user=annotator)
    assert again == json.loads(JSONRenderer().render(payload))
    # The documented serializers give the same JSON: the workspace around the statements and suggestions, and
    # the statements and suggestions themselves (StatementOut and PredictionOut read model instances).
    def bare(ws):
        return {**ws, "annotation": {**ws["annotation"], "statements": []}, "predictions": []}
    assert bare(again) == _drf_json(WorkspaceOut(bare(payload)).data)
    predictions = predictions_for(task_id=again["task"]["id"], user=annotator)
    assert again["predictions"] == _drf_json(PredictionOut(predictions, many=True).data)
    stored = Statement.objects.filter(annotation_id=again["annotation"]["id"]).select_related("actor", "claim", "stance")
    assert again["annotation"]["statements"] == _drf_json(StatementOut(stored.order_by("position"), many=True).data)
    assert len(again["predictions"]) == 2 and again["annotation"]["statements"][0]["stance"] == "against"
    assert again["assignment"]["expires_at"].endswith("Z")


def test_predictions_payload_matches_the_serializer_with_the_users_own_decision(project, tasks, annotator, actor):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    pset = PredictionSet.objects.create(task_id=ws["task"]["id"], model_name="kw", model_version="1")
    pred = Prediction.objects.create(prediction_set=pset, task_id=ws["task"]["id"], kind="actor", model_name="kw",
                                     model_version="1", score=0.7, actor=actor, start=0, end=7, surface="Beijing")
    client.post(f"/api/predictions/{pred.pk}/decision/", {"decision": "rejected"}, format="json")
    lean = predictions_payload(task_id=ws["task"]["id"], user=annotator)
    assert lean == _drf_json(PredictionOut(predictions_for(task_id=ws["task"]["id"], user=annotator), many=True).data)
    assert lean[0]["decision"] == "rejected"


def test_submit_response_matches_the_annotation_serializer_even_for_a_merged_actor(project, tasks, annotator,
                                                                                   actor, claim):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    old = ActorFactory(project=project, name="Beijing government")
    actor_merge(source=old, into_id=actor.pk, user=None)
    body = {"revision": 0, "statements": [
        {"actor_role": "mention", "actor": old.pk, "actor_start": 0, "actor_end": 7, "claim": claim.pk,
         "stance": "favor", "evidence_start": 0, "evidence_end": 20},
        {"actor_role": "author", "claim": claim.pk, "stance": "neutral"}]}
    response = client.post(f"/api/annotations/{ws['annotation']['id']}/submit/", body, format="json")
    assert response.status_code == 200, response.content
    stored = _drf_json(AnnotationOut(annotation_list(user=None).get(pk=ws["annotation"]["id"])).data)
    assert response.json() == stored
    assert [s["actor_name"] for s in stored["statements"]] == ["China", None]  # stored as the surviving actor


def test_token_session_and_csrf_rules_are_drfs(project, tasks, annotator):
    url = f"/api/projects/{project.pk}/next-task/"
    token = Token.objects.create(user=annotator)
    assert APIClient().post(url, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    bad = APIClient().post(url, HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 403 and bad.json() == {"detail": "Invalid token."}
    anonymous = APIClient().post(url)
    assert anonymous.status_code == 403
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    annotator.is_active = False
    annotator.save()
    assert APIClient().post(url, HTTP_AUTHORIZATION=f"Token {token.key}").json() == {
        "detail": "User inactive or deleted."}
    annotator.is_active = True
    annotator.save()

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(annotator)
    refused = browser.post(url)
    assert refused.status_code == 403 and refused.json()["detail"].startswith("CSRF Failed")
    browser.get("/")  # sets the csrftoken cookie, as the page does
    ok = browser.post(url, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert ok.status_code == 200 and ok.json()["task"]["id"] == tasks[0].pk


def test_bad_bodies_get_clear_errors_and_change_nothing(project, tasks, annotator):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    url = f"/api/annotations/{ws['annotation']['id']}/submit/"
    broken = client.post(url, "{not json", content_type="application/json")
    assert broken.status_code == 400 and "JSON parse error" in broken.json()["detail"]
    form = client.post(url, {"revision": 0}, format="multipart")
    assert form.status_code == 415
    coerced = client.post(url, {"revision": "0", "no_statement": "true", "statements": []}, format="json")
    assert coerced.status_code == 200  # what DRF coerces is still accepted (through AnnotationIn)
    padded = Annotation.objects.get(pk=ws["annotation"]["id"])
    assert padded.status == "submitted" and padded.no_statement is True
    assert client.get(url).status_code == 405


def test_a_token_lookup_is_remembered_briefly_and_forgotten_when_the_token_goes(project, tasks, annotator,
                                                                                 monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotation.api import authentication

    url = f"/api/projects/{project.pk}/"
    token = Token.objects.create(user=annotator)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries if "authtoken_token" in q["sql"]]  # remembered

    # Deleted by another process (no signal here): still accepted until the entry expires.
    with connection.cursor() as cur:
        cur.execute("DELETE FROM authtoken_token WHERE key = %s", [token.key])
    assert client.get(url).status_code == 200
    later = authentication.time.monotonic() + authentication.settings.API_TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(authentication.time, "monotonic", lambda: later)
    assert client.get(url).json() == {"detail": "Invalid token."}

    # Deleted in this process: refused at once.
    monkeypatch.undo()
    fresh = Token.objects.create(user=annotator)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {fresh.key}")
    assert client.get(url).status_code == 200
    fresh.delete()
    assert client.get(url).json() == {"detail": "Invalid token."}
