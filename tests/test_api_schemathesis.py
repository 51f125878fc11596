"""Schema fuzzing: every operation in the OpenAPI schema, as an annotator and as a manager, over HTTP.

Schemathesis generates requests from the schema drf-spectacular serves and sends them to the live test
server with each user's API token. A run fails on any 5xx, on a status code, content type or response
body the schema does not document. Path ids are the ids of real rows (a project with tasks, a
submitted annotation, a statement, a suggestion...), so the generated query strings and bodies reach the
code behind the 404s; a path id with no row made for it is a well-formed id that matches nothing (a
negative or non-numeric one would not match the URL pattern, and the router's HTML 404 is not the API's).
Bounded: a few examples per operation, no shrinking, no example database.

Order: reads first, then writes, deletes last, so the rows the later operations point at exist for as
long as possible (a manager's DELETE of a member or a statement is part of the run; nothing is excluded).
"""

import json

import pytest
import redis
import schemathesis
from django.conf import settings as django_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotation.models import Prediction, PredictionSet
from tests.annotation.conftest import build_corpus
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXAMPLES_PER_OPERATION = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NO_SUCH_ROW = 999_999  # a well-formed id that matches nothing: the API's own JSON 404
METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}


def _openapi() -> dict:
    """The schema /api/schema/ serves, as plain JSON."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def _token(base_url: str, username: str) -> str:
    client = APIClient()
    response = client.post(f"{base_url}/api/auth/token/", {"username": username, "password": "pw"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _world() -> tuple[dict[str, int], list[str]]:
    """Rows for the path ids: a project with tasks, registries, a submitted annotation and a suggestion."""
    from annotation.services.projects import tasks_sync

    project = ProjectFactory()
    manager = MembershipFactory(
        project=project, user=UserFactory(username="fuzz-manager", is_staff=True), role="manager"
    ).user
    annotator = MembershipFactory(project=project, user=UserFactory(username="fuzz-annotator"), role="annotator").user
    corpus = build_corpus(project=project, articles=1, per_article=3)
    tasks_sync(project=project)
    actor, claim = ActorFactory(project=project, name="China"), ClaimFactory(project=project, text="Talks help")
    client = APIClient()
    client.force_authenticate(annotator)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    saved = client.post(
        f"/api/annotations/{ws['annotation']['id']}/submit/",
        {
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
        },
        format="json",
    ).json()
    pset = PredictionSet.objects.create(task_id=ws["task"]["id"], model_name="kw", model_version="1")
    prediction = Prediction.objects.create(
        prediction_set=pset,
        task_id=ws["task"]["id"],
        kind="claim",
        model_name="kw",
        model_version="1",
        score=0.5,
        claim=claim,
    )
    ids = {
        "project_id": project.pk,
        "corpus_id": corpus.pk,
        "article_id": ws["article"]["id"],
        "paragraph_id": ws["paragraph"]["id"],
        "task_id": ws["task"]["id"],
        "assignment_id": ws["assignment"]["id"],
        "annotation_id": saved["id"],
        "statement_id": saved["statements"][0]["id"],
        "actor_id": actor.pk,
        "claim_id": claim.pk,
        "prediction_id": prediction.pk,
        "user_id": annotator.pk,
    }
    return ids, [annotator.username, manager.username]


def _run_operation(operation, *, base_url: str, token: str, ids: dict[str, int]) -> None:
    names = {p.name for p in operation.path_parameters}
    strategy = operation.as_strategy(path_parameters={n: ids.get(n, NO_SUCH_ROW) for n in names} or None)

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def check(case):
        case.call_and_validate(
            base_url=base_url, headers={"Authorization": f"Token {token}"}, checks=CHECKS, timeout=30
        )

    check()


def test_every_operation_answers_as_the_schema_says_for_an_annotator_and_a_manager(live_server):
    ids, usernames = _world()
    schema = schemathesis.openapi.from_dict(_openapi())
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (METHOD_ORDER[op.method.upper()], op.path),
    )
    assert len(operations) > 60
    failures = []
    try:
        for username in usernames:
            token = _token(live_server.url, username)
            for operation in operations:
                try:
                    _run_operation(operation, base_url=live_server.url, token=token, ids=ids)
                except BaseException as exc:  # noqa: BLE001 -- schemathesis' FailureGroup is a BaseExceptionGroup; collect all
                    failures.append(f"{username} {operation.method.upper()} {operation.path}: {exc}"[:1500])
    finally:
        # The jobs and exports the run enqueued sit in the test broker (no worker runs here): empty its db.
        redis.Redis.from_url(django_settings.CELERY_BROKER_URL).flushdb()
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)
