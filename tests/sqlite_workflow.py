"""Run in a subprocess by test_sqlite_demo_path.py: the annotator's hot path on the demo's SQLite.

The test suite runs on PostgreSQL, where next-task is one PostgreSQL function call and writes use
PostgreSQL-only SQL; `make demo` runs on SQLite through the Python/portable paths. This script drives
those paths through the API and prints what it saw as one JSON line.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from annotation.models import Actor, Annotation, AnnotationRevision, Assignment, Claim, ProjectMembership, Task  # noqa: E402
from annotation.services.projects import project_create, tasks_sync  # noqa: E402
from corpora.models import Article, Corpus, Paragraph  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
boss = User.objects.create(username="boss", is_staff=True)
corpus = Corpus.objects.create(name="c")
text = "Beijing said the pipeline deal is good."
for i in range(2):
    art = Article.objects.create(corpus=corpus, title=f"A{i}", text=text, language="en", content_hash=f"h{i}")
    for j in range(3):
        Paragraph.objects.create(
            article=art,
            position=j,
            kind="body",
            text=f"{text} ({i}.{j})",
            start=0,
            end=len(text),
            text_hash=f"{i}-{j}",
            language="en",
        )
project = project_create(name="p", created_by=boss, annotators_per_task=2, corpora=[corpus])
tasks_sync(project=project)
actor = Actor.objects.create(project=project, name="China", type="state")
claim = Claim.objects.create(project=project, text="The deal is good", normalized="the deal is good")
users = [User.objects.create(username=f"u{i}") for i in range(3)]
for u in users:
    ProjectMembership.objects.create(project=project, user=u, role="annotator")

seen = {"vendor": connection.vendor}
clients = {u.pk: APIClient() for u in users}
for u in users:
    clients[u.pk].force_authenticate(u)


def next_task(user):
    r = clients[user.pk].post(f"/api/projects/{project.pk}/next-task/")
    return r.status_code, (r.json() if r.status_code == 200 else None)


def submit(user, ws, statements):
    ann = ws["annotation"]
    body = {"revision": ann["revision"], "no_statement": not statements, "statements": statements}
    return clients[user.pk].post(f"/api/annotations/{ann['id']}/submit/", body, format="json")


# Two annotators share the first task (k = 2); the third is sent to the next one.
a, b, c = users
ws_a, ws_b, ws_c = next_task(a)[1], next_task(b)[1], next_task(c)[1]
seen["first_tasks"] = [ws_a["task"]["order"], ws_b["task"]["order"], ws_c["task"]["order"]]
seen["resume_same"] = next_task(a)[1]["assignment"]["id"] == ws_a["assignment"]["id"]
r = submit(
    a,
    ws_a,
    [
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
seen["submit_status"] = r.status_code
seen["submit_statement"] = r.json()["statements"][0] if r.status_code == 200 else r.json()
seen["bad_span"] = submit(
    b,
    ws_b,
    [
        {
            "actor_role": "mention",
            "actor": actor.pk,
            "actor_start": 0,
            "actor_end": 999,
            "claim": claim.pk,
            "stance": "favor",
        }
    ],
).status_code
seen["stale"] = (
    clients[b.pk]
    .post(
        f"/api/annotations/{ws_b['annotation']['id']}/submit/",
        {"revision": 7, "no_statement": True, "statements": []},
        format="json",
    )
    .status_code
)
seen["submit_b"] = submit(b, ws_b, []).status_code

# c's lease expires: c gets the same row and draft back.
Assignment.objects.filter(annotator=c).update(expires_at=timezone.now() - timedelta(seconds=1))
again = next_task(c)[1]
seen["reuse_same_task"] = again["task"]["id"] == ws_c["task"]["id"]
seen["reuse_same_draft"] = again["annotation"]["id"] == ws_c["annotation"]["id"]

# Drain the project.
for _ in range(20):
    for u in users:
        status, ws = next_task(u)
        if status == 200:
            assert submit(u, ws, []).status_code == 200
seen["left"] = [next_task(u)[0] for u in users]
seen["over_k"] = Task.objects.filter(project=project, submitted_count__gt=2).count()
seen["incomplete"] = Task.objects.filter(project=project, is_complete=False).count()
seen["submitted"] = Annotation.objects.filter(status="submitted").count()
seen["revisions"] = AnnotationRevision.objects.filter(action="submit").count()
print(json.dumps(seen))
