"""Benchmark: importing a Label Studio JSON export of 10,000 tasks, 3 annotations and 1 prediction each.

Input: a project of 10,000 paragraphs (100 articles of 100 paragraphs, 60 actors, 25 claims, the
default stance labels, 3 annotators), and a generated Label Studio JSON file made with our config:
per task 3 annotations (1 or 2 statements each, by e-mail, some with an evidence span and a
relation, one in ten marked 'no statement') and 1 prediction (model version "bench@1", 1 or 2
regions, one of them paragraph-level). Imported with ``call_command("label_studio", "import", ...)``:
the same code path as ``manage.py label_studio import``.

Figures (median of RUNS runs, each into emptied annotation and prediction tables of a fresh
database ``sp_bench_ls_import``, dropped at the end): tasks/s and annotations/s end to end (reading
the file, parsing, checks, writes), peak resident memory of this process (psutil, sampled every
20 ms); reference in the same run: a raw PostgreSQL ``COPY ... FROM STDIN`` of the resulting
statement rows into a table like ``annotation_statement``, rows/s. Also tasks per CPU second
(this process and its PostgreSQL backend), what the import costs whatever else runs on the machine.
Targets (issue 15): >= 700 tasks/s and >= 2,100 annotations/s with predictions, peak RSS < 500 MB.
"""

import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path

from support.scratch_db import copy_reference, scratch_database, use_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = use_database("sp_bench_ls_import")  # $BENCH_DB_SUFFIX keeps parallel runs apart

TASKS, ARTICLES, ANNOTATORS, RUNS = 10_000, 100, 3, 3
TARGET_TPS, TARGET_APS, TARGET_MB = 700.0, 2100.0, 500.0
STATEMENT_COLUMNS = [
    "annotation_id",
    "position",
    "actor_role",
    "actor_id",
    "actor_start",
    "actor_end",
    "claim_id",
    "stance_id",
    "evidence_start",
    "evidence_end",
    "note",
    "from_prediction_id",
    "created_at",
]
WORDS = (
    "the",
    "minister",
    "said",
    "talks",
    "on",
    "the",
    "pipeline",
    "deal",
    "would",
    "continue",
    "while",
    "critics",
    "warned",
    "that",
    "sanctions",
    "had",
    "failed",
    "and",
    "trade",
    "figures",
    "showed",
    "a",
    "sharp",
    "fall",
    "in",
    "exports",
)


class PeakRss:
    """Peak resident memory of this process, sampled every 20 ms."""

    def __init__(self):
        import psutil

        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()

    def __enter__(self):
        self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def build_project():
    """The project, its registries, members and 10,000 tasks; returns (project, [(task_id, text, actor names)])."""
    from django.contrib.auth import get_user_model

    from annotation.models import Actor, Claim, ProjectMembership, Task
    from annotation.services.projects import project_create
    from corpora.models import Article, Corpus, Paragraph

    rng = random.Random(15)
    User = get_user_model()
    owner = User.objects.create(username="owner", email="owner@example.org")
    users = [
        User.objects.create(username=f"annotator{i}", email=f"annotator{i}@example.org") for i in range(ANNOTATORS)
    ]
    corpus = Corpus.objects.create(name="bench")
    project = project_create(name="ls-import-bench", created_by=owner, corpora=[corpus])
    ProjectMembership.objects.bulk_create(ProjectMembership(project=project, user=u, role="annotator") for u in users)
    actors = [f"Actor {i:02d}" for i in range(60)]
    Actor.objects.bulk_create(Actor(project=project, name=n) for n in actors)
    Claim.objects.bulk_create(
        Claim(project=project, text=f"Claim number {i}", normalized=f"claim number {i}") for i in range(25)
    )
    per_article = TASKS // ARTICLES
    paragraphs = []
    for a in range(ARTICLES):
        texts = []
        for p in range(per_article):
            names = rng.sample(actors, 2)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
            texts.append((f"{names[0]} and {names[1]} disagree: {words} (paragraph {a}.{p}).", names))
        body = "\n\n".join(t for t, _ in texts)
        article = Article.objects.create(
            corpus=corpus, title=f"Article {a}", text=body, content_hash=hashlib.sha256(body.encode()).hexdigest()
        )
        offset = 0
        for p, (text, names) in enumerate(texts):
            paragraphs.append(
                (
                    Paragraph(
                        article=article,
                        position=p,
                        text=text,
                        start=offset,
                        end=offset + len(text),
                        text_hash=hashlib.sha256(text.encode()).hexdigest(),
                    ),
                    names,
                )
            )
            offset += len(text) + 2
    Paragraph.objects.bulk_create([p for p, _ in paragraphs], batch_size=2000)
    tasks = Task.objects.bulk_create(
        [Task(project=project, paragraph=p, order=i) for i, (p, _) in enumerate(paragraphs)], batch_size=2000
    )
    return project, [(t.pk, p.text, names) for t, (p, names) in zip(tasks, paragraphs, strict=True)]


def write_file(path: Path, rows) -> tuple[int, int]:
    """The Label Studio JSON export (our config) for these tasks; returns (annotations, predictions)."""
    from annotation.label_studio_format import prediction_results, result_for_statements

    rng = random.Random(1515)
    claims = [f"Claim number {i}" for i in range(25)]
    stances = ["favor", "against", "neutral", "unclear"]
    n_ann = n_pred = 0
    ann_id = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        for i, (task_id, text, names) in enumerate(rows):
            second = text.index(names[1], len(names[0]))
            spans = [(0, len(names[0]), names[0]), (second, second + len(names[1]), names[1])]
            annotations = []
            for a in range(ANNOTATORS):
                ann_id += 1
                no_statement = rng.random() < 0.1
                statements = (
                    []
                    if no_statement
                    else [
                        {
                            "actor_role": "mention",
                            "actor": name,
                            "actor_start": s,
                            "actor_end": e,
                            "claim": rng.choice(claims),
                            "stance": rng.choice(stances),
                            "evidence_start": e + 1 if k == 0 and rng.random() < 0.3 else None,
                            "evidence_end": e + 10 if k == 0 else None,
                            "note": "",
                        }
                        for k, (s, e, name) in enumerate(spans[: rng.randint(1, 2)])
                    ]
                )
                for st in statements:
                    if st["evidence_start"] is None:
                        st["evidence_end"] = None
                annotations.append(
                    {
                        "id": ann_id,
                        "completed_by": {"email": f"annotator{a}@example.org"},
                        "was_cancelled": False,
                        "ground_truth": False,
                        "lead_time": 12.5,
                        "result": result_for_statements(text, statements, no_statement),
                    }
                )
            preds = [
                {
                    "model": "bench",
                    "model_version": "1",
                    "score": 0.8,
                    "actor": spans[0][2],
                    "start": spans[0][0],
                    "end": spans[0][1],
                    "claim": None,
                    "stance": None,
                }
            ]
            if rng.random() < 0.5:
                preds.append(
                    {
                        "model": "bench",
                        "model_version": "1",
                        "score": 0.6,
                        "actor": None,
                        "start": None,
                        "end": None,
                        "claim": rng.choice(claims),
                        "stance": None,
                    }
                )
            task = {
                "id": i + 1,
                "data": {"text": text, "task_id": task_id},
                "annotations": annotations,
                "predictions": prediction_results(text, preds),
            }
            n_ann += len(annotations)
            n_pred += 1
            f.write(("\n" if i == 0 else ",\n") + json.dumps(task))
        f.write("\n]\n")
    return n_ann, n_pred


def empty(project) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE annotation_annotationrevision, annotation_statement, annotation_annotation, "
            "annotation_prediction, annotation_predictionset RESTART IDENTITY CASCADE"
        )
        cur.execute("UPDATE annotation_task SET submitted_count = 0, is_complete = false")
        cur.execute("VACUUM ANALYZE annotation_statement")
        cur.execute("VACUUM ANALYZE annotation_annotation")


def run_import(project, path: Path) -> dict:
    import psutil
    from django.core.management import call_command
    from django.db import connection

    from annotation.models import Annotation, Prediction, Statement

    empty(project)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cur.fetchone()[0])
    server_before, client_before = sum(backend.cpu_times()[:2]), sum(os.times()[:2])
    out = StringIO()
    with PeakRss() as rss:
        started = time.perf_counter()
        call_command("label_studio", "import", str(project.pk), str(path), stdout=out, stderr=out)
        seconds = time.perf_counter() - started
    cpu = sum(os.times()[:2]) - client_before + sum(backend.cpu_times()[:2]) - server_before
    annotations = Annotation.objects.filter(status="submitted").count()
    return {
        "seconds": seconds,
        "tps": TASKS / seconds,
        "aps": annotations / seconds,
        "annotations": annotations,
        "cpu_s": cpu,
        "cpu_tps": TASKS / cpu,
        "statements": Statement.objects.count(),
        "predictions": Prediction.objects.count(),
        "peak_mb": rss.peak / 1e6,
        "report": out.getvalue().strip(),
    }


def run_copy_reference() -> float:
    """rows/s of COPY FROM STDIN of the imported statement rows into an identical table."""
    return copy_reference(
        "annotation_statement",
        STATEMENT_COLUMNS,
        like="INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES",
    )


def main() -> int:
    with scratch_database(DB_NAME):
        project, rows = build_project()
        with tempfile.TemporaryDirectory(prefix="sp_bench_ls_") as tmp:
            path = Path(tmp) / "label_studio.json"
            n_ann, n_pred = write_file(path, rows)
            print(
                f"input: {TASKS} tasks, {n_ann} annotations, {n_pred} predictions, {path.stat().st_size / 1e6:.1f} MB"
            )
            runs, copies = [], []
            for i in range(RUNS):
                result = run_import(project, path)
                copy_rate = run_copy_reference()
                runs.append(result)
                copies.append(copy_rate)
                print(
                    f"run {i + 1}: {result['seconds']:.1f} s = {result['tps']:,.0f} tasks/s, {result['aps']:,.0f} "
                    f"annotations/s ({result['annotations']} annotations, {result['statements']} statements, "
                    f"{result['predictions']} predictions); CPU (this process + its PostgreSQL backend) "
                    f"{result['cpu_s']:.1f} s = {result['cpu_tps']:,.0f} tasks per CPU second; peak RSS "
                    f"{result['peak_mb']:.0f} MB; raw COPY of the "
                    f"statement rows {copy_rate:,.0f} rows/s; load {os.getloadavg()[0]:.1f}"
                )
            print(runs[-1]["report"])
        tps = statistics.median(r["tps"] for r in runs)
        aps = statistics.median(r["aps"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        copy_rate = statistics.median(copies)
        seconds = statistics.median(r["seconds"] for r in runs)
        figures = {
            "tasks": TASKS,
            "annotations": runs[0]["annotations"],
            "statements": runs[0]["statements"],
            "predictions": runs[0]["predictions"],
            "seconds": round(seconds, 2),
            "tasks_per_s": round(tps),
            "annotations_per_s": round(aps),
            "peak_rss_mb": round(peak),
            "copy_reference_statement_rows_per_s": round(copy_rate),
            "statement_rows_per_s": round(runs[0]["statements"] / seconds),
            "tasks_per_cpu_s": round(statistics.median(r["cpu_tps"] for r in runs)),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "cpus": os.cpu_count(),
        }
        complete = runs[0]["annotations"] == n_ann and runs[0]["predictions"] > 0
        ok = tps >= TARGET_TPS and aps >= TARGET_APS and peak < TARGET_MB and complete
        print(
            json.dumps(
                {
                    "benchmark": "ls_import",
                    "figures": figures,
                    "targets": {
                        "tasks_per_s": f">= {TARGET_TPS:.0f}",
                        "annotations_per_s": f">= {TARGET_APS:.0f}",
                        "peak_rss_mb": f"< {TARGET_MB:.0f}",
                    },
                    "ok": ok,
                }
            )
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
