"""Benchmark: the managers' task browser API on 100,000 tasks (issue 16 point 3).

Builds sp_bench_task_list (dropped afterwards): 1,000 articles x 100 paragraphs of ~60 words, one
task each, ~150,000 annotations by 10 annotators (some skipped, some drafts with live leases), pre-label
sets on half the tasks, gold on 5%, a stored disagreement on tasks with two or more submissions,
all COPYed. Then GET /api/projects/N/task-browser/ through the
Django test client (a manager's session), REPEAT times for each of a mix of filters and sorts, on the
first page and on a deep page (a cursor 50,000 rows in). Target: p95 <= 150 ms per page.
Reference in the same run: the same deep page of the unfiltered list fetched with OFFSET 50,000
instead of a keyset cursor (selector-level, both timed the same way).
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sp_bench_task_list" + os.environ.get("BENCH_DB_SUFFIX", "")  # a suffix keeps parallel runs apart
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

N_ARTICLES, PER_ARTICLE, N_USERS, REPEAT, DEEP = 1000, 100, 10, 8, 50_000
TARGET_P95_MS = 150.0


def build():
    import numpy as np
    import pandas as pd
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from annotation.models import Project
    from corpora.models import Article, Corpus

    rng = np.random.default_rng(7)
    project = Project.objects.create(name="bench", annotators_per_task=3)
    users = [get_user_model().objects.create(username=f"ann{i}") for i in range(N_USERS)]
    manager = get_user_model().objects.create(username="boss", is_superuser=True, is_staff=True)
    corpus = Corpus.objects.create(name="bench")
    arts = Article.objects.bulk_create(
        Article(corpus=corpus, title=f"Article {i}", text="x", content_hash=f"{i:064d}") for i in range(N_ARTICLES)
    )
    n = N_ARTICLES * PER_ARTICLE
    vocab = np.array([f"w{i}" for i in range(3000)] + ["pipeline", "election", "sanctions"] * 30)
    words = rng.choice(vocab, size=(n, 60))
    texts = [" ".join(row) for row in words]
    for i in rng.choice(n, size=100, replace=False):
        texts[i] += " zeppelin"
    now = timezone.now()
    stamp = now.isoformat()
    raw = connection.cursor().cursor

    def copy(table, frame):
        with raw.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN") as cp:
            cp.write(frame.to_csv(sep="\t", header=False, index=False, na_rep="\\N"))

    ids = np.arange(1, n + 1)
    kinds = rng.choice(["body", "comment", "noise", "title"], size=n, p=[0.7, 0.2, 0.05, 0.05])
    copy(
        "corpora_paragraph",
        pd.DataFrame(
            {
                "id": ids,
                "article_id": [arts[i // PER_ARTICLE].pk for i in range(n)],
                "position": (ids - 1) % PER_ARTICLE,
                "kind": kinds,
                "kind_source": "auto",
                "kind_reason": "",
                "text": texts,
                "start": 0,
                '"end"': 400,
                "text_hash": "h",
                "language": "en",
                "is_repeated": "f",
            }
        ),
    )
    submitted = rng.choice([0, 1, 2, 3], size=n, p=[0.35, 0.2, 0.15, 0.3])
    copy(
        "annotation_task",
        pd.DataFrame(
            {
                "id": ids,
                "project_id": project.pk,
                "paragraph_id": ids,
                '"order"': ids,
                "submitted_count": submitted,
                "is_complete": np.where(submitted >= 3, "t", "f"),
                "created_at": stamp,
                "adjudication_requested_at": np.where(rng.random(n) < 0.01, stamp, None),
                # stored per task from two submissions on (annotation.services.disagreement)
                "disagreement": np.where(
                    submitted >= 2,
                    rng.choice([0.0, 0.3333, 0.5, 0.6667, 1.0], size=n, p=[0.4, 0.2, 0.2, 0.1, 0.1]),
                    None,
                ),
            }
        ),
    )
    rows = []
    for t, s in zip(ids, submitted, strict=True):
        who = rng.choice(N_USERS, size=min(N_USERS, s + 1), replace=False)
        for j, u in enumerate(who):
            status = "submitted" if j < s else ("skipped" if rng.random() < 0.1 else None)
            if status:
                rows.append((t, users[u].pk, status))
    ann = pd.DataFrame(rows, columns=["task_id", "annotator_id", "status"])
    ann.insert(0, "id", np.arange(1, len(ann) + 1))
    ann = ann.assign(no_statement="f", time_spent_ms=0, revision=1, created_at=stamp, updated_at=stamp)
    copy("annotation_annotation", ann)
    open_tasks = ids[submitted < 3]
    leased = rng.choice(open_tasks, size=1000, replace=False)
    copy(
        "annotation_assignment",
        pd.DataFrame(
            {
                "id": np.arange(1, 1001),
                "task_id": leased,
                "annotator_id": users[0].pk,
                "status": "active",
                "leased_at": stamp,
                "expires_at": (now + timedelta(hours=2)).isoformat(),
            }
        ).drop_duplicates("task_id"),
    )
    pre = ids[rng.random(n) < 0.5]
    copy(
        "annotation_predictionset",
        pd.DataFrame(
            {
                "id": np.arange(1, len(pre) + 1),
                "task_id": pre,
                "model_name": "gazetteer",
                "model_version": "1",
                "created_at": stamp,
            }
        ),
    )
    gold = ids[rng.random(n) < 0.05]
    copy(
        "annotation_adjudication",
        pd.DataFrame(
            {
                "id": np.arange(1, len(gold) + 1),
                "task_id": gold,
                "adjudicator_id": manager.pk,
                "no_statement": "f",
                "reason": "",
                "created_at": stamp,
                "updated_at": stamp,
            }
        ),
    )
    with connection.cursor() as cur:
        for table in (
            "corpora_paragraph",
            "annotation_task",
            "annotation_annotation",
            "annotation_assignment",
            "annotation_predictionset",
            "annotation_adjudication",
        ):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("ANALYZE")
    return project, manager, users, arts, len(ann)


def measure(project, manager, users, arts):
    from django.test import Client

    from annotation.models import Task
    from annotation.selectors.task_browser import SORTS, TaskQuery, encode_cursor, task_page

    client = Client()
    client.force_login(manager)
    url = f"/api/projects/{project.pk}/task-browser/"

    def deep_cursor(sort):
        from django.db.models import F

        column = SORTS[sort.lstrip("-")]
        desc = sort.startswith("-")
        by = F(column).desc(nulls_last=True) if desc else F(column).asc(nulls_last=True)  # the browser's order
        row = (
            Task.objects.filter(project=project)
            .order_by(by, F("id").desc() if desc else F("id").asc())
            .values(column, "id")[DEEP]
        )
        return encode_cursor(row[column], row["id"])

    mix = [
        ("unfiltered, order", {}),
        ("unfiltered, -submitted", {"sort": "-submitted"}),
        ("unfiltered, -id", {"sort": "-id"}),
        ("status=open", {"status": "open"}),
        ("status=in_progress", {"status": "in_progress"}),
        ("status=complete, -order", {"status": "complete", "sort": "-order"}),
        ("annotator", {"annotator": users[3].pk}),
        ("skipped=1", {"skipped": "1"}),
        ("prelabels=0", {"prelabels": "0"}),
        ("adjudicated=1", {"adjudicated": "1"}),
        ("sent_to_adjudication=1", {"sent_to_adjudication": "1"}),
        ("article", {"article": arts[500].pk}),
        ("kind=comment, -order", {"kind": "comment", "sort": "-order"}),
        ("submissions=2 skipped=0, submitted", {"submissions": "2", "skipped": "0", "sort": "submitted"}),
        ("q=pipeline (common)", {"q": "pipeline"}),
        ("q=zeppelin (100 rows)", {"q": "zeppelin"}),
        ("disagreement_min=0.5", {"disagreement_min": "0.5"}),
        ("disagreement_min=1, -order", {"disagreement_min": "1", "sort": "-order"}),
        ("disagreement_max=0, submitted", {"disagreement_max": "0", "sort": "submitted"}),
        ("unfiltered, -disagreement", {"sort": "-disagreement"}),
        ("unfiltered, disagreement", {"sort": "disagreement"}),
        ("status=complete, -disagreement", {"status": "complete", "sort": "-disagreement"}),
        ("kind=comment, -disagreement", {"kind": "comment", "sort": "-disagreement"}),
    ]
    for sort in ("order", "-submitted", "-id", "-disagreement"):
        mix.append((f"deep page (cursor at {DEEP:,}), {sort}", {"sort": sort, "cursor": deep_cursor(sort)}))
    per, all_ms = {}, []
    for name, params in mix:
        client.get(url, params)  # warm
        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (name, response.content[:300])
        per[name] = round(statistics.median(times), 1)
        all_ms += times
    # reference: the same deep page, OFFSET vs keyset, selector level
    cursor = deep_cursor("order")
    from annotation.selectors.task_browser import task_filtered

    offset_ms, keyset_ms = [], []
    cols = ("id", "order", "submitted_count", "paragraph__article__title")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        everything = task_filtered(project=project, query=TaskQuery()).order_by("order", "id")
        list(everything.values(*cols)[DEEP + 1 : DEEP + 51])
        offset_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        task_page(project=project, query=TaskQuery(cursor=cursor))
        keyset_ms.append((time.perf_counter() - t0) * 1000)
    all_ms.sort()
    return {
        "requests": len(all_ms),
        "median_ms": round(statistics.median(all_ms), 1),
        "p95_ms": round(all_ms[int(0.95 * (len(all_ms) - 1))], 1),
        "max_ms": round(all_ms[-1], 1),
        "median_ms_by_query": per,
        "slowest_query": max(per, key=per.get),
        "reference_offset_deep_page_median_ms": round(statistics.median(offset_ms), 1),
        "keyset_deep_page_selector_median_ms": round(statistics.median(keyset_ms), 1),
    }


def drop_database():
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def main():
    load_before = os.getloadavg()[0]
    try:
        t0 = time.perf_counter()
        project, manager, users, arts, n_ann = build()
        build_s = time.perf_counter() - t0
        figures = measure(project, manager, users, arts)
    finally:
        drop_database()
    figures = {
        "tasks": N_ARTICLES * PER_ARTICLE,
        "annotations": n_ann,
        "build_s": round(build_s, 1),
        **figures,
        "load_average_at_start": round(load_before, 2),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }
    ok = figures["p95_ms"] <= TARGET_P95_MS
    print(
        json.dumps({"benchmark": "task_list", "figures": figures, "targets": {"p95_ms": TARGET_P95_MS}, "ok": bool(ok)})
    )


if __name__ == "__main__":
    main()
