"""The hot path's statements are prepared on PostgreSQL (annotation.db.cursor), and only they are.

Django connects with psycopg's prepare_threshold=None, which turns preparing off for the whole
connection: until annotation.db set it again, the claim and the workspace payload were planned on
every call (~1 ms each, 2.5 ms of PostgreSQL CPU per next-task + submit pair in
benchmarks/workspace.py)."""

import pytest
from django.db import connection
from django.test import override_settings

from annotation import db
from annotation.services.assignment import assignment_claim_next

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares"),
]

HOT = "SELECT count(*) FROM annotation_task WHERE project_id = %s"
DJANGO_OWN = "SELECT count(*) FROM annotation_assignment WHERE annotator_id = %s"


def _prepared(fragment: str) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cur.fetchone()[0]


def test_a_hot_statement_is_prepared_after_a_few_runs_and_djangos_own_are_not(project):
    for _ in range(db.PREPARE_THRESHOLD + 1):
        with db.cursor() as cur:
            cur.execute(HOT, [project.pk])
        with connection.cursor() as cur:
            cur.execute(DJANGO_OWN, [1])
    assert _prepared("FROM annotation_task WHERE project_id = $1") == 1
    assert _prepared("FROM annotation_assignment WHERE annotator_id") == 0  # client-side binding: never


def test_the_claim_call_is_prepared(project, tasks, annotator):
    for _ in range(db.PREPARE_THRESHOLD + 1):
        assignment_claim_next(user=annotator, project=project)
    assert _prepared("FROM standpoint_claim_task(") == 1


@override_settings(DB_PREPARED_STATEMENTS=False)
def test_turned_off_nothing_is_prepared(project):  # behind a pooler in transaction mode
    for _ in range(db.PREPARE_THRESHOLD + 1):
        with db.cursor() as cur:
            cur.execute("SELECT count(*) FROM annotation_task WHERE id = %s", [project.pk])
    assert _prepared("FROM annotation_task WHERE id") == 0
