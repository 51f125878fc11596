"""Next task and submit run on a lean dispatch (annotation.api.lean) and plain-SQL payloads
(annotation.payloads). These tests hold them to DRF's rules and to the documented serializers."""

import json

import pytest
from django.test import Client
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from annotation.api.serializers import AnnotationOut, PredictionOut, StatementOut, WorkspaceOut
from annotation.models import Annotation, Assignment, Prediction, PredictionSet, Statement
from annotation.payloads import predictions_payload, workspace_payload
from annotation.selectors.annotations import annotation_list, predictions_for
from annotation.services.registry import actor_merge
from annotation.services.tokens import api_token_create
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
    Prediction.objects.create(
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
    Prediction.objects.create(
        prediction_set=pset,
        task_id=ws["task"]["id"],
        kind="claim",
        model_name="kw",
        model_version="1",
        score=0.4,
        claim=claim,
    )
    saved = client.put(
        f"/api/annotations/{ws['annotation']['id']}/",
        {"revision": 0, "statements": [{"actor_role": "author", "claim": claim.pk, "stance": "against", "note": "n"}]},
        format="json",
    )
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
    stored = Statement.objects.filter(annotation_id=again["annotation"]["id"]).select_related(
        "actor", "claim", "stance"
    )
    assert again["annotation"]["statements"] == _drf_json(StatementOut(stored.order_by("position"), many=True).data)
    assert len(again["predictions"]) == 2 and again["annotation"]["statements"][0]["stance"] == "against"
    assert again["assignment"]["expires_at"].endswith("Z")


def test_predictions_payload_matches_the_serializer_with_the_users_own_decision(project, tasks, annotator, actor):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
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
    client.post(f"/api/predictions/{pred.pk}/decision/", {"decision": "rejected"}, format="json")
    lean = predictions_payload(task_id=ws["task"]["id"], user=annotator)
    assert lean == _drf_json(PredictionOut(predictions_for(task_id=ws["task"]["id"], user=annotator), many=True).data)
    assert lean[0]["decision"] == "rejected"


def test_submit_response_matches_the_annotation_serializer_even_for_a_merged_actor(
    project, tasks, annotator, actor, claim
):
    client = client_for(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    old = ActorFactory(project=project, name="Beijing government")
    actor_merge(source=old, into_id=actor.pk, user=None)
    body = {
        "revision": 0,
        "statements": [
            {
                "actor_role": "mention",
                "actor": old.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "favor",
                "evidence_start": 0,
                "evidence_end": 20,
            },
            {"actor_role": "author", "claim": claim.pk, "stance": "neutral"},
        ],
    }
    response = client.post(f"/api/annotations/{ws['annotation']['id']}/submit/", body, format="json")
    assert response.status_code == 200, response.content
    stored = _drf_json(AnnotationOut(annotation_list(user=None).get(pk=ws["annotation"]["id"])).data)
    assert response.json() == stored
    assert [s["actor_name"] for s in stored["statements"]] == ["China", None]  # stored as the surviving actor


def test_token_session_and_csrf_rules_are_drfs(project, tasks, annotator):
    url = f"/api/projects/{project.pk}/next-task/"
    _token, key = api_token_create(user=annotator)
    assert APIClient().post(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    bad = APIClient().post(url, HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 403 and bad.json() == {"detail": "Invalid token."}
    anonymous = APIClient().post(url)
    assert anonymous.status_code == 403
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    annotator.is_active = False
    annotator.save()
    assert APIClient().post(url, HTTP_AUTHORIZATION=f"Token {key}").json() == {"detail": "User inactive or deleted."}
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


def test_a_token_lookup_is_remembered_briefly_and_forgotten_when_the_token_goes(project, tasks, annotator, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotation.api import authentication

    url = f"/api/projects/{project.pk}/"
    token, key = api_token_create(user=annotator)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries if "annotation_apitoken" in q["sql"]]  # remembered

    # Deleted by another process (no signal here): still accepted until the entry expires.
    with connection.cursor() as cur:
        cur.execute("DELETE FROM annotation_apitoken WHERE id = %s", [token.pk])
    assert client.get(url).status_code == 200
    later = authentication.time.monotonic() + authentication.settings.API_TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(authentication.time, "monotonic", lambda: later)
    assert client.get(url).json() == {"detail": "Invalid token."}

    # Deleted in this process: refused at once.
    monkeypatch.undo()
    fresh, fresh_key = api_token_create(user=annotator)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {fresh_key}")
    assert client.get(url).status_code == 200
    fresh.delete()
    assert client.get(url).json() == {"detail": "Invalid token."}


# ---------------------------------------------------------------- generated statements, every shape


def _random_statements(rng, *, text: str, actors: list[int], claims: list[int], predictions: list[int]) -> list:
    """A valid statement list: every role, spans or none, notes, suggestions; no (actor, span, claim) twice."""
    import re

    words = [m.span() for m in re.finditer(r"\w+", text)]
    out, seen = [], set()
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        role = rng.choice(["mention", "author", "implied", None])
        s = {"claim": rng.choice(claims), "stance": rng.choice(["favor", "against", "neutral"])}
        if role is not None:
            s["actor_role"] = role
        if role in ("mention", None):
            start, end = rng.choice(words)
            s.update(actor=rng.choice(actors), actor_start=start, actor_end=end)
        elif rng.random() < 0.5:
            s["actor"] = rng.choice(actors)
        if rng.random() < 0.5:
            first = rng.randrange(len(words))
            s.update(evidence_start=words[first][0], evidence_end=rng.choice(words[first:])[1])
        if rng.random() < 0.4:
            s["note"] = rng.choice(["", "checked", "ünïcode ✓", "two\nlines"])
        if predictions and rng.random() < 0.3:
            s["from_prediction"] = rng.choice(predictions)
        key = (s.get("actor_role", "mention"), s.get("actor"), s.get("actor_start"), s.get("claim"))
        if key not in seen and not (key[0] == "implied" and key[1] is None and rng.random() < 0.5):
            seen.add(key)
            out.append(s)
    return out


def test_every_lean_statement_shape_matches_the_serializers_over_generated_bodies(project, tasks, annotator):
    """Save and submit seeded random statement lists; what each write returns (built from what it
    validated), the plain-SQL payload, the serializers over the stored rows, and the revision snapshots
    (plain SQL, ORM, and from the validated input) all agree."""
    import random

    from annotation.models import AnnotationRevision
    from annotation.payloads import statements_payload
    from annotation.services.snapshots import annotation_snapshot, snapshot_of, statements_snapshot
    from annotation.shapes import statement_from_model
    from tests.factories import ClaimFactory

    rng = random.Random(11)
    actors = [ActorFactory(project=project, name=f"Actor {i}").pk for i in range(3)]
    merged = ActorFactory(project=project, name="Merged away")
    actor_merge(source=merged, into_id=actors[0], user=None)
    actors.append(merged.pk)
    claims = [ClaimFactory(project=project, text=f"Claim {i}").pk for i in range(3)]
    client = client_for(annotator)
    checked = 0
    for _round in range(6):
        ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
        ann_id, text = ws["annotation"]["id"], ws["paragraph"]["text"]
        pset = PredictionSet.objects.create(task_id=ws["task"]["id"], model_name="kw", model_version="1")
        preds = [
            Prediction.objects.create(
                prediction_set=pset,
                task_id=ws["task"]["id"],
                kind="claim",
                model_name="kw",
                model_version="1",
                score=0.5,
                claim_id=claims[0],
            ).pk
        ]
        revision = 0
        for action in ("save", "save", "submit", "submit"):  # a draft twice, then submit and edit
            body = {
                "revision": revision,
                "statements": _random_statements(rng, text=text, actors=actors, claims=claims, predictions=preds),
            }
            url = f"/api/annotations/{ann_id}/" + ("submit/" if action == "submit" else "")
            response = (client.post if action == "submit" else client.put)(url, body, format="json")
            assert response.status_code == 200, (body, response.content)
            got = response.json()
            stored = annotation_list(user=None).get(pk=ann_id)
            assert got == _drf_json(AnnotationOut(stored).data)
            rows = Statement.objects.filter(annotation_id=ann_id).select_related("actor", "claim", "stance")
            assert (
                statements_payload(ann_id)
                == _drf_json(StatementOut(rows.order_by("position"), many=True).data)
                == got["statements"]
            )
            snap = annotation_snapshot(ann_id)
            assert snap == snapshot_of(stored, statements_snapshot(ann_id))
            assert snap["statements"] == [statement_from_model(s) for s in rows.order_by("position")]
            if action == "submit":  # the revision's after snapshot was built from the validated input
                assert AnnotationRevision.objects.filter(annotation_id=ann_id).latest("id").after == snap
            revision = got["revision"]
            checked += len(got["statements"])
    assert checked > 40


# ---------------------------------------------------------------- authentication


def test_lean_authentication_agrees_with_drfs_on_every_combination(project, annotator, second_annotator):
    """annotation.api.lean.authenticate against DRF's own Request with REST_FRAMEWORK's authenticators,
    over every combination of session cookie, CSRF token, Authorization header and method."""
    from django.conf import settings
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import RequestFactory
    from rest_framework import exceptions
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    from annotation.api.lean import authenticate

    def session_of(user) -> str:
        browser = Client()
        browser.force_login(user)
        return browser.cookies[settings.SESSION_COOKIE_NAME].value

    _t, key = api_token_create(user=annotator)
    _t2, inactive_key = api_token_create(user=second_annotator)
    inactive_session = session_of(second_annotator)
    second_annotator.is_active = False
    second_annotator.save()
    sessions = {"none": None, "active": session_of(annotator), "inactive": inactive_session, "garbage": "x" * 32}
    secret = _get_new_csrf_string()
    csrfs = {
        "none": (None, None),
        "right": (secret, secret),
        "wrong": (secret, _get_new_csrf_string()),
        "header only": (None, secret),
    }
    headers = [
        None,
        f"Token {key}",
        f"token {key}",
        f"Token {inactive_key}",
        "Token nope",
        "Token",
        "Token a b",
        f"Bearer {key}",
        "Token \u00e9t\u00e9",
        "",
    ]

    def request(method, session, csrf, header):
        factory = RequestFactory()
        if session:
            factory.cookies[settings.SESSION_COOKIE_NAME] = session
        cookie, sent = csrf
        if cookie:
            factory.cookies[settings.CSRF_COOKIE_NAME] = cookie
        extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
        if sent:
            extra["HTTP_X_CSRFTOKEN"] = sent
        if method == "post":
            extra.update(data=b"{}", content_type="application/json")
        req = getattr(factory, method)(f"/api/projects/{project.pk}/next-task/", **extra)
        SessionMiddleware(lambda r: None).process_request(req)
        AuthenticationMiddleware(lambda r: None).process_request(req)
        return req

    def outcome(call, req):
        try:
            user = call(req)
        except exceptions.APIException as exc:
            return type(exc).__name__, str(exc.detail)
        return ("user", user.pk) if user is not None and user.is_authenticated else ("NotAuthenticated", None)

    def drf(req):
        user = Request(
            req,
            parsers=[cls() for cls in api_settings.DEFAULT_PARSER_CLASSES],
            authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES],
        ).user
        if not user.is_authenticated:  # IsAuthenticated then refuses: NotAuthenticated, as lean raises
            raise exceptions.NotAuthenticated()
        return user

    seen = set()
    for method in ("get", "post"):
        for session_name, session in sessions.items():
            for csrf_name, csrf in csrfs.items():
                for header in headers:
                    lean_result = outcome(authenticate, request(method, session, csrf, header))
                    drf_result = outcome(drf, request(method, session, csrf, header))
                    assert lean_result == drf_result, (method, session_name, csrf_name, header)
                    seen.add(lean_result[0] if lean_result[0] != "user" else f"user {lean_result[1]}")
    # The combinations reach every answer: the session user, the token user, each refusal.
    assert {f"user {annotator.pk}", "NotAuthenticated", "AuthenticationFailed", "PermissionDenied"} <= seen, seen
