"""Many annotators drawing and submitting at once, each thread on its own PostgreSQL connection."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from annotation.models import Annotation, Assignment, Task
from annotation.services import assignment as assignment_service
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.exceptions import ConflictError
from annotation.services.projects import tasks_sync
from tests.annotation.conftest import build_corpus
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WORKERS = 16
K = 3
TASKS = 200


def _run_workers(project, users, *, per_worker_limit: int, deadline_s: float = 120.0):
    """Each thread: next task -> submit, until nothing is left. Returns (submitted pairs, errors)."""
    submitted: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(users))
    stop_at = time.monotonic() + deadline_s

    def work(user):
        try:
            start.wait()
            for _ in range(per_worker_limit):
                if time.monotonic() > stop_at:
                    break
                assignment = assignment_claim_next(user=user, project=project)
                if assignment is None:
                    break
                annotation = Annotation.objects.get(task_id=assignment.task_id, annotator=user)
                annotation_submit(
                    annotation=annotation, user=user, revision=annotation.revision, statements=[], no_statement=True
                )
                with lock:
                    submitted.append((assignment.task_id, user.pk))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=deadline_s + 30)
    return submitted, errors


def assert_invariants(project, submitted):
    k = project.annotators_per_task
    real = dict(
        Annotation.objects.filter(task__project=project, status="submitted")
        .values("task_id")
        .annotate(n=Count("pk"))
        .values_list("task_id", "n")
    )
    tasks = list(Task.objects.filter(project=project).values("pk", "submitted_count", "is_complete"))
    assert max(real.values(), default=0) <= k, "a task got more than k submissions"
    for t in tasks:
        assert t["submitted_count"] == real.get(t["pk"], 0), f"submitted_count drifted on task {t['pk']}"
        assert t["is_complete"] == (t["submitted_count"] >= k)
    pairs = Counter(submitted)
    assert max(pairs.values(), default=0) == 1, "an annotator submitted twice on one task"
    stored = set(
        Annotation.objects.filter(task__project=project, status="submitted").values_list("task_id", "annotator_id")
    )
    assert stored == set(pairs), "a submission was lost (or appeared from nowhere)"
    assert (
        not Assignment.objects.filter(task__project=project)
        .values("task", "annotator")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )


@pytest.fixture(params=["sql_function", "orm"])
def claim_path(request, monkeypatch):
    """Both implementations of the claim, on PostgreSQL: the function of migration 0002 (what
    PostgreSQL deployments use) and the ORM path (what the SQLite demo uses)."""
    assert connection.vendor == "postgresql"
    path = {"sql_function": assignment_service._claim_sql, "orm": assignment_service._claim_orm}[request.param]
    monkeypatch.setattr(assignment_service, "_claim_path", lambda: path)
    return request.param


def test_the_claim_function_is_generated_from_one_candidate_template():
    from importlib import import_module

    migration = import_module("annotation.migrations.0002_claim_task_function")
    body = migration.CLAIM_FUNCTION
    assert "@" not in body and body.count("SELECT t.id INTO cand FROM annotation_task t") == 4
    assert body.count("FOR UPDATE OF t SKIP LOCKED;") == 2
    # the waiting pass locks its candidate by id (no re-checked WHERE over a stale snapshot of the leases)
    assert body.count("PERFORM 1 FROM annotation_task t WHERE t.id = cand FOR UPDATE OF t;") == 2
    assert body.count("FOR UPDATE OF t;") == 2


def test_sixteen_workers_fill_a_200_task_project_to_exactly_k_without_breaking_an_invariant(claim_path):
    project = ProjectFactory(annotators_per_task=K)
    build_corpus(project=project, articles=40, per_article=5)
    tasks_sync(project=project)
    assert project.tasks.count() == TASKS
    users = [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(WORKERS)]

    submitted, errors = _run_workers(project, users, per_worker_limit=TASKS + 1)

    assert errors == []
    assert_invariants(project, submitted)
    # Every task was filled: 16 annotators and k = 3 is enough for all 200 tasks.
    assert len(submitted) == TASKS * K
    assert not Task.objects.filter(project=project, is_complete=False).exists()
    # Work was shared: no annotator sat idle.
    per_user = Counter(u for _, u in submitted)
    assert len(per_user) == WORKERS and min(per_user.values()) > 0


def test_abandoned_leases_expire_and_the_tasks_are_finished_by_others(claim_path):
    project = ProjectFactory(annotators_per_task=K, lease_minutes=1)
    build_corpus(project=project, articles=4, per_article=5)
    tasks_sync(project=project)
    quitters = [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(K)]
    abandoned = {assignment_claim_next(user=u, project=project).task_id for u in quitters}
    assert len(abandoned) == 1  # k live leases on the first task
    first = abandoned.pop()
    workers = [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(8)]

    # While the quitters' leases are live, nobody else is sent to that task.
    submitted, errors = _run_workers(project, workers[:2], per_worker_limit=3)
    assert errors == [] and first not in {t for t, _ in submitted}

    # The leases lapse: the task is back in the pool and gets finished.
    Assignment.objects.filter(annotator__in=quitters).update(expires_at=timezone.now() - timedelta(seconds=1))
    more, errors = _run_workers(project, workers, per_worker_limit=40)
    assert errors == []
    submitted += more
    assert_invariants(project, submitted)
    assert Task.objects.get(pk=first).submitted_count == K
    assert not Task.objects.filter(project=project, is_complete=False).exists()

    # A quitter who comes back late cannot push the task over k; their draft stays.
    late = Annotation.objects.get(task_id=first, annotator=quitters[0])
    with pytest.raises(ConflictError):
        annotation_submit(annotation=late, user=quitters[0], revision=late.revision, statements=[], no_statement=True)
    assert Annotation.objects.filter(task_id=first, status="submitted").count() == K
    assert Annotation.objects.filter(Q(task_id=first) & Q(status="draft")).count() == K


def test_a_claim_that_waited_for_a_submit_still_finds_the_room_it_left(claim_path):
    """The last task with room is locked by a submit (k = 3: one submitted, the submitter's lease live).
    An annotator who asks now skips the locked row, then waits for it; when the submit commits, the
    task has 2 of 3 and the annotator must get it. (A waiting FOR UPDATE re-checks its WHERE on the new
    row against its old snapshot of the leases, which counted the submitter twice and answered None.)"""
    project = ProjectFactory(annotators_per_task=K)
    build_corpus(project=project, articles=1, per_article=1)
    tasks_sync(project=project)
    first_user, submitter, waiter = (
        MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(3)
    )
    task_id = assignment_claim_next(user=first_user, project=project).task_id
    done = Annotation.objects.get(task_id=task_id, annotator=first_user)
    annotation_submit(annotation=done, user=first_user, revision=done.revision, statements=[], no_statement=True)
    assert assignment_claim_next(user=submitter, project=project).task_id == task_id

    submit_locked, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def submit_and_hold():
        try:
            with transaction.atomic():
                mine = Annotation.objects.get(task_id=task_id, annotator=submitter)
                annotation_submit(
                    annotation=mine, user=submitter, revision=mine.revision, statements=[], no_statement=True
                )
                submit_locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    def claim():
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cur.fetchone()[0]
            outcome["assignment"] = assignment_claim_next(user=waiter, project=project)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc
        finally:
            connections.close_all()

    holder = threading.Thread(target=submit_and_hold)
    holder.start()
    assert submit_locked.wait(30)
    claimer = threading.Thread(target=claim)
    claimer.start()
    deadline = time.monotonic() + 30
    waiting = False
    while time.monotonic() < deadline and not waiting:  # until the claim waits for the task's row lock
        time.sleep(0.02)
        if "pid" in outcome:
            with connection.cursor() as cur:
                cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [outcome["pid"]])
                row = cur.fetchone()
            waiting = row is not None and row[0] == "Lock"
    release.set()
    holder.join(30)
    claimer.join(30)
    assert waiting, "the claim never waited for the submit's lock"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["assignment"] is not None and outcome["assignment"].task_id == task_id
    assert Task.objects.get(pk=task_id).submitted_count == 2
