"""The demo's embedded default (SQLite, no broker) runs the annotator's hot path through its portable
code; the rest of the suite runs on PostgreSQL, so this drives that path in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        STANDPOINT_VAR_DIR=str(tmp_path_factory.mktemp("sqlite-var")),
        DEBUG="1",
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="testserver",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "sqlite_workflow.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_it_really_ran_on_sqlite(seen):
    assert seen["vendor"] == "sqlite"


def test_next_task_shares_tasks_k_ways_and_resumes_the_lease(seen):
    first, second, third = seen["first_tasks"]  # task orders: k = 2 annotators on the first, then the next
    assert first == second < third
    assert seen["resume_same"] is True


def test_submit_stores_the_statement_and_rejects_bad_input(seen):
    assert seen["submit_status"] == 200
    statement = seen["submit_statement"]
    assert (statement["actor_name"], statement["actor_start"], statement["actor_end"], statement["stance"]) == (
        "China",
        0,
        7,
        "favor",
    )
    assert seen["bad_span"] == 400
    assert seen["stale"] == 409
    assert seen["submit_b"] == 200


def test_an_expired_lease_gives_the_same_row_and_draft_back(seen):
    assert seen["reuse_same_task"] is True and seen["reuse_same_draft"] is True


def test_the_project_drains_to_exactly_k(seen):
    assert seen["left"] == [204, 204, 204]
    assert seen["over_k"] == 0 and seen["incomplete"] == 0
    assert seen["submitted"] == 6 * 2 == seen["revisions"]
