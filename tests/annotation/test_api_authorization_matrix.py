"""Every role against every endpoint: anonymous, outsider, the annotator who owns the work, another
annotator, the manager and the ML engineer. 404 where the thing is not visible, 403 where it is
visible but the role may not do this."""

import pytest
from rest_framework.test import APIClient

from annotation.models import Prediction, PredictionSet, Statement
from annotation.services.annotations import annotation_save
from annotation.services.assignment import assignment_claim_next
from tests.factories import ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "annotator", "other_annotator", "manager", "ml_engineer"]


@pytest.fixture
def world(project, tasks, annotator, second_annotator, manager, ml_engineer, outsider):
    actor = ActorFactory(project=project, name="China")
    claim = ClaimFactory(project=project, text="The deal is good")
    spare_actor = ActorFactory(project=project, name="PRC", status="proposed")
    spare_claim = ClaimFactory(project=project, text="Deal good", status="proposed")
    assignment = assignment_claim_next(user=annotator, project=project)
    annotation = assignment.annotation
    annotation_save(
        annotation=annotation,
        user=annotator,
        revision=0,
        statements=[
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "favor",
            }
        ],
    )
    pset = PredictionSet.objects.create(task=assignment.task, model_name="kw", model_version="1")
    prediction = Prediction.objects.create(
        prediction_set=pset,
        task=assignment.task,
        kind="actor",
        model_name="kw",
        model_version="1",
        score=0.8,
        actor=actor,
        start=0,
        end=7,
    )
    users = {
        "anonymous": None,
        "outsider": outsider,
        "annotator": annotator,
        "other_annotator": second_annotator,
        "manager": manager,
        "ml_engineer": ml_engineer,
    }
    return {
        "project": project,
        "actor": actor,
        "claim": claim,
        "spare_actor": spare_actor,
        "spare_claim": spare_claim,
        "assignment": assignment,
        "annotation": annotation,
        "statement": Statement.objects.get(annotation=annotation),
        "prediction": prediction,
        "users": users,
    }


def _stmt(w, **extra):
    return {"actor_role": "author", "claim": w["claim"].pk, "stance": "against", **extra}


# (name, method, url, payload, {role: status}); missing roles: anonymous 403, outsider 404.
R = lambda **kw: kw  # noqa: E731
ENDPOINTS = [
    (
        "project list",
        "get",
        lambda w: "/api/projects/",
        None,
        R(outsider=200, annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "project create",
        "post",
        lambda w: "/api/projects/",
        lambda w: {"name": "New one"},
        R(outsider=403, annotator=403, other_annotator=403, manager=201, ml_engineer=403),
    ),
    (
        "project detail",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "project patch",
        "patch",
        lambda w: f"/api/projects/{w['project'].pk}/",
        lambda w: {"lease_minutes": 20},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "member list",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/members/",
        None,  # blind: managers only
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "member add",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/members/",
        lambda w: {"username": "outsider", "role": "annotator"},
        R(annotator=403, other_annotator=403, manager=201, ml_engineer=403),
    ),
    (
        "member role",
        "patch",
        lambda w: f"/api/projects/{w['project'].pk}/members/{w['users']['ml_engineer'].pk}/",
        lambda w: {"role": "annotator"},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "member remove",
        "delete",
        lambda w: f"/api/projects/{w['project'].pk}/members/{w['users']['other_annotator'].pk}/",
        None,
        R(annotator=403, other_annotator=403, manager=204, ml_engineer=403),
    ),
    (
        "task sync",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/tasks/sync/",
        None,
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "task list",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/tasks/",
        None,
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=200),
    ),
    (
        "progress",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/progress/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "actor list",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/actors/?search=chi",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "actor propose",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/actors/",
        lambda w: {"name": "NATO", "type": "organisation"},
        R(annotator=201, other_annotator=201, manager=201, ml_engineer=403),
    ),
    (
        "actor detail",
        "get",
        lambda w: f"/api/actors/{w['actor'].pk}/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "actor edit",
        "patch",
        lambda w: f"/api/actors/{w['actor'].pk}/",
        lambda w: {"external_id": "Q148"},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "actor approve",
        "post",
        lambda w: f"/api/actors/{w['spare_actor'].pk}/approve/",
        None,
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "alias proposals",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/alias-proposals/",
        None,
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "actor alias add",
        "post",
        lambda w: f"/api/actors/{w['actor'].pk}/aliases/",
        lambda w: {"alias": "the Middle Kingdom"},
        R(annotator=403, other_annotator=403, manager=201, ml_engineer=403),
    ),
    (
        "actor merge",
        "post",
        lambda w: f"/api/actors/{w['spare_actor'].pk}/merge/",
        lambda w: {"into": w["actor"].pk},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "claim list",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/claims/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "claim propose",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/claims/",
        lambda w: {"text": "Sanctions work"},
        R(annotator=201, other_annotator=201, manager=201, ml_engineer=403),
    ),
    (
        "claim detail",
        "get",
        lambda w: f"/api/claims/{w['claim'].pk}/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "claim edit",
        "patch",
        lambda w: f"/api/claims/{w['claim'].pk}/",
        lambda w: {"category_code": "ECO"},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "claim approve",
        "post",
        lambda w: f"/api/claims/{w['spare_claim'].pk}/approve/",
        None,
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "claim merge",
        "post",
        lambda w: f"/api/claims/{w['spare_claim'].pk}/merge/",
        lambda w: {"into": w["claim"].pk},
        R(annotator=403, other_annotator=403, manager=200, ml_engineer=403),
    ),
    (
        "next task",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/next-task/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=403),
    ),
    (
        "assignment",
        "get",
        lambda w: f"/api/assignments/{w['assignment'].pk}/",
        None,
        R(annotator=200, other_annotator=404, manager=404, ml_engineer=404),
    ),
    (
        "annotation list",
        "get",
        lambda w: "/api/annotations/",
        None,
        R(outsider=200, annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "annotation detail",
        "get",
        lambda w: f"/api/annotations/{w['annotation'].pk}/",
        None,
        R(annotator=200, other_annotator=404, manager=200, ml_engineer=200),
    ),
    (
        "annotation save",
        "put",
        lambda w: f"/api/annotations/{w['annotation'].pk}/",
        lambda w: {"revision": 1, "statements": [_stmt(w)]},
        R(annotator=200, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "annotation submit",
        "post",
        lambda w: f"/api/annotations/{w['annotation'].pk}/submit/",
        lambda w: {"revision": 1, "statements": [_stmt(w)]},
        R(annotator=200, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "annotation skip",
        "post",
        lambda w: f"/api/annotations/{w['annotation'].pk}/skip/",
        lambda w: {"revision": 1},
        R(annotator=200, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "my annotations",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/my-annotations/",
        None,
        R(annotator=200, other_annotator=200, manager=200, ml_engineer=200),
    ),
    (
        "my annotations of another member",
        "get",
        lambda w: f"/api/projects/{w['project'].pk}/my-annotations/?annotator={w['annotation'].annotator_id}",
        None,
        R(annotator=200, other_annotator=403, manager=200, ml_engineer=200),
    ),
    (
        "annotation reopen",
        "post",
        lambda w: f"/api/annotations/{w['annotation'].pk}/reopen/",
        None,
        R(annotator=200, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "annotation undo skip (not skipped)",
        "post",
        lambda w: f"/api/annotations/{w['annotation'].pk}/undo-skip/",
        None,
        R(annotator=409, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "previous task (nothing finished)",
        "post",
        lambda w: f"/api/projects/{w['project'].pk}/previous-task/",
        None,
        R(annotator=204, other_annotator=204, manager=204, ml_engineer=403),
    ),
    (
        "annotation history",
        "get",
        lambda w: f"/api/annotations/{w['annotation'].pk}/history/",
        None,
        R(annotator=200, other_annotator=404, manager=200, ml_engineer=200),
    ),
    (
        "statement create",
        "post",
        lambda w: "/api/statements/",
        lambda w: {"annotation": w["annotation"].pk, **_stmt(w)},
        R(outsider=400, annotator=201, other_annotator=400, manager=400, ml_engineer=400),
    ),
    (
        "statement detail",
        "get",
        lambda w: f"/api/statements/{w['statement'].pk}/",
        None,
        R(annotator=200, other_annotator=404, manager=200, ml_engineer=200),
    ),
    (
        "statement edit",
        "patch",
        lambda w: f"/api/statements/{w['statement'].pk}/",
        lambda w: {"stance": "neutral"},
        R(annotator=200, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "statement delete",
        "delete",
        lambda w: f"/api/statements/{w['statement'].pk}/",
        None,
        R(annotator=204, other_annotator=404, manager=403, ml_engineer=403),
    ),
    (
        "prediction decision",
        "post",
        lambda w: f"/api/predictions/{w['prediction'].pk}/decision/",
        lambda w: {"decision": "accepted"},
        R(annotator=200, other_annotator=404, manager=200, ml_engineer=403),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, url, payload, expected", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_authorization_matrix(world, role, name, method, url, payload, expected):
    client = APIClient()
    user = world["users"][role]
    if user is not None:
        client.force_authenticate(user=user)
    if name == "project create" and role == "manager":
        user.is_staff = True
        user.save()
    response = getattr(client, method)(url(world), payload(world) if payload else None, format="json")
    want = expected.get(role, {"anonymous": 403, "outsider": 404}.get(role))
    assert response.status_code == want, (
        f"{role} {method.upper()} {name}: {response.status_code} {response.content[:300]!r}"
    )


def test_token_auth_works_for_an_ml_engineer_script(world):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "mleng", "password": "pw"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(f"/api/projects/{world['project'].pk}/tasks/").status_code == 200
    assert client.post(f"/api/projects/{world['project'].pk}/next-task/").status_code == 403


def test_token_with_wrong_password_is_refused(world):
    response = APIClient().post("/api/auth/token/", {"username": "mleng", "password": "nope"}, format="json")
    assert response.status_code == 400


# -- blind annotation: an annotator sees no other annotator's name or work ---------------------------


def _client(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_annotators_see_proposals_without_their_author(world):
    users, project = world["users"], world["project"]
    theirs = _client(users["other_annotator"]).post(
        f"/api/projects/{project.pk}/claims/", {"text": "Sanctions work"}, format="json"
    )
    assert theirs.status_code == 201 and theirs.json()["proposed_by"] == users["other_annotator"].pk  # their own
    mine = _client(users["annotator"]).post(f"/api/projects/{project.pk}/actors/", {"name": "NATO"}, format="json")
    actor_of_theirs = (
        _client(users["other_annotator"])
        .post(f"/api/projects/{project.pk}/actors/", {"name": "EU"}, format="json")
        .json()
    )
    annotator = _client(users["annotator"])
    claims = {c["text"]: c for c in annotator.get(f"/api/projects/{project.pk}/claims/").json()["results"]}
    assert claims["Sanctions work"]["status"] == "proposed" and claims["Sanctions work"]["proposed_by"] is None
    assert annotator.get(f"/api/claims/{theirs.json()['id']}/").json()["proposed_by"] is None
    actors = {a["name"]: a for a in annotator.get(f"/api/projects/{project.pk}/actors/").json()["results"]}
    assert actors["EU"]["proposed_by"] is None and actors["NATO"]["proposed_by"] == users["annotator"].pk
    assert annotator.get(f"/api/actors/{actor_of_theirs['id']}/").json()["proposed_by"] is None
    assert mine.json()["proposed_by"] == users["annotator"].pk
    manager = _client(users["manager"])
    assert manager.get(f"/api/claims/{theirs.json()['id']}/").json()["proposed_by"] == users["other_annotator"].pk
    listed = {c["text"]: c for c in manager.get(f"/api/projects/{project.pk}/claims/").json()["results"]}
    assert listed["Sanctions work"]["proposed_by"] == users["other_annotator"].pk


def test_nothing_an_annotator_reads_names_another_annotator(world, client):
    users, project = world["users"], world["project"]
    other = users["other_annotator"]
    _client(other).post(f"/api/projects/{project.pk}/claims/", {"text": "Sanctions work"}, format="json")
    _client(other).post(f"/api/projects/{project.pk}/next-task/")
    annotator = _client(users["annotator"])
    reads = [
        f"/api/projects/{project.pk}/",
        f"/api/projects/{project.pk}/claims/?search=sanctions",
        f"/api/projects/{project.pk}/actors/",
        f"/api/projects/{project.pk}/progress/",
        "/api/annotations/",
        "/api/projects/",
    ]
    for url in reads:
        body = annotator.get(url).content
        assert other.username.encode() not in body, url
        assert f'"proposed_by":{other.pk}'.encode() not in body.replace(b" ", b""), url
    work = annotator.post(f"/api/projects/{project.pk}/next-task/")
    assert work.status_code == 200 and other.username.encode() not in work.content
    assert annotator.get(f"/api/projects/{project.pk}/members/").status_code == 403
    client.force_login(users["annotator"])
    page = client.get(f"/projects/{project.pk}/annotate/")
    assert page.status_code == 200 and other.username.encode() not in page.content
