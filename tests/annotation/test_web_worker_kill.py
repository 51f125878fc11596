"""A web worker killed in the middle of annotators' work loses no acknowledged submit (issue 12, point 5).

16 annotators loop next-task -> submit over HTTP (token auth) against a real gunicorn with two sync
workers on the test database; once 40 submits are acknowledged, one worker is SIGKILLed (whatever it
was doing is cut off) and gunicorn's master starts another. Afterwards, in the database: every submit
that was answered 200 is stored as submitted, no task has more than k submitted annotations, and each
task's submitted_count equals its submitted annotations. Bounded: 90 s at most, every request 20 s.
"""

import os
import signal
import threading
import time

import psutil
import pytest
import requests
from django.db.models import Count, Q

from annotation.models import Annotation, Task
from annotation.services.tokens import api_token_create
from tests.annotation.browser.builders import build_scene
from tests.factories import MembershipFactory, UserFactory
from tests.processes import free_port, gunicorn_web, wait_for

pytestmark = pytest.mark.slow

ANNOTATORS = 16
TASKS = 90
K = 2
KILL_AFTER_ACKS = 40
RUN_SECONDS = 90


def _annotate(base: str, project_id: int, key: str, deadline: float, out: dict, lock: threading.Lock) -> None:
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {key}", "Content-Type": "application/json"})
    while time.monotonic() < deadline:
        try:
            got = session.post(f"{base}/api/projects/{project_id}/next-task/", timeout=20)
        except requests.RequestException:  # the killed worker's connection: ask again
            session = _fresh(session)
            continue
        if got.status_code == 204:
            return
        if got.status_code != 200:
            with lock:
                out["errors"].append(f"next-task {got.status_code}: {got.text[:200]}")
            return
        annotation = got.json()["annotation"]
        body = {"revision": annotation["revision"], "no_statement": True, "statements": [], "time_spent_ms": 900}
        try:
            sent = session.post(f"{base}/api/annotations/{annotation['id']}/submit/", json=body, timeout=20)
        except requests.RequestException:  # cut off: not acknowledged, so it may or may not be stored
            session = _fresh(session)
            with lock:
                out["cut"] += 1
            continue
        with lock:
            if sent.status_code == 200:
                out["acks"].append(annotation["id"])
                out["acks_after_kill"] += out["killed"] is not None
            elif sent.status_code != 409:  # a 409 (a stale revision after a retry) is a clear answer
                out["errors"].append(f"submit {sent.status_code}: {sent.text[:200]}")


def _fresh(session: requests.Session) -> requests.Session:
    fresh = requests.Session()
    fresh.headers.update(session.headers)
    session.close()
    return fresh


def test_killing_a_web_worker_mid_run_loses_no_acknowledged_submit(transactional_db, tmp_path, worker_logs):
    scene = build_scene(paragraphs=[f"Paragraph {i}: Beijing backs the pipeline deal." for i in range(TASKS)])
    project = scene.project
    project.annotators_per_task = K
    project.save(update_fields=["annotators_per_task"])
    keys = []
    for i in range(ANNOTATORS):
        user = MembershipFactory(project=project, user=UserFactory(username=f"a{i:02d}"), role="annotator").user
        keys.append(api_token_create(user=user, name="load")[1])

    port = free_port()
    web = gunicorn_web(worker_logs, {"STANDPOINT_VAR_DIR": str(tmp_path), "DEBUG": "0"}, port=port, workers=2)
    base = f"http://127.0.0.1:{port}"
    out = {"acks": [], "errors": [], "cut": 0, "killed": None, "acks_after_kill": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + RUN_SECONDS
    try:
        workers_before = {p.pid for p in psutil.Process(web.pid).children()}
        assert len(workers_before) == 2
        threads = [
            threading.Thread(target=_annotate, args=(base, project.pk, key, deadline, out, lock), daemon=True)
            for key in keys
        ]
        for t in threads:
            t.start()
        wait_for(lambda: len(out["acks"]) >= KILL_AFTER_ACKS, timeout=60, what="40 acknowledged submits", log=web)
        victim = sorted(workers_before)[0]
        os.kill(victim, signal.SIGKILL)
        with lock:
            out["killed"] = victim
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic() + 25))
        assert not any(t.is_alive() for t in threads), "an annotator's loop did not end in time"
        workers_after = {p.pid for p in psutil.Process(web.pid).children()}
    finally:
        web.stop()

    assert out["errors"] == [], out["errors"][:5]
    assert victim not in workers_after and len(workers_after) == 2  # the master replaced the killed worker
    assert out["acks_after_kill"] > 0  # the work went on after the kill
    acks = out["acks"]
    assert len(acks) == len(set(acks))
    stored = dict(Annotation.objects.filter(pk__in=acks).values_list("pk", "status"))
    assert {pk: stored.get(pk) for pk in acks} == dict.fromkeys(acks, Annotation.Status.SUBMITTED)  # none lost
    counts = Task.objects.filter(project=project).annotate(
        real=Count("annotations", filter=Q(annotations__status=Annotation.Status.SUBMITTED))
    )
    assert all(t.real <= K and t.submitted_count == t.real for t in counts), [
        (t.pk, t.submitted_count, t.real) for t in counts if t.real > K or t.submitted_count != t.real
    ]
    # every task was finished: the run ended because no task was left, not by the deadline
    assert sum(t.real for t in counts) == TASKS * K
