"""Benchmark: pre-labelling quality on the development gold, leave-one-article-out.

Setup: a scratch database ``sp_bench_prelabel_quality`` (dropped at the end) is migrated; the three
gold articles of ../shared/corpus are imported with the normal corpus import, a project is created
with ``project_create`` and its tasks synced; the starter gazetteer is loaded; the 40 codebook claims
are created by a manager (approved); the gold's actors that the gazetteer lacks are created as an
annotator would propose them (proposed, so they count as new actors, not registry actors); every
gold paragraph's statements are stored as adjudicated gold with ``adjudication_save`` (paragraphs
with none as "no statement").

Measured: ``prelabel_evaluation_compute`` (the service behind ``manage.py evaluate_prelabels`` and
the page) on that project: train on two articles' labels, predict the third, for each article. The
reference in the same run is each figure's baseline (majority stance label; codebook similarity of
the whole paragraph; always suggesting the author). Timed: the whole evaluation (median of 3 runs;
every run also fits the stance candidates of each fold, which bounds the training time).
Targets (issue 13): stance accuracy >= baseline and macro-F1 >= baseline + 0.15; claims top-3
>= 0.70; registry actor recall >= 0.95; author recall >= 0.6 at precision >= 0.5; actor-span
precision >= 0.5; whole statements top-5 >= 0.40.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sp_bench_prelabel_quality" + os.environ.get("BENCH_DB_SUFFIX", "")  # a suffix keeps parallel runs apart
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
GOLD = ROOT.parent / "shared" / "gold" / "dev_statements.json"
CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = int(os.environ.get("PRELABEL_QUALITY_RUNS", 3))
ACTOR_TYPES = {
    "person": "person",
    "state": "state",
    "organisation": "organisation",
    "group": "group",
    "government": "organisation",
    "media": "organisation",
}


def log(msg: str) -> None:
    print(f"[prelabel_quality] {msg}", file=sys.stderr, flush=True)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("STANDPOINT_PRELABEL_EMBEDDER", "minilm")
    import django

    django.setup()


def recreate_db(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def load_gold(*, gold: dict, corpus_dir: Path, manager, annotator, name: str = "dev gold"):
    """The gold as a project through the normal services; returns the project."""
    from annotation.models import Actor, Task
    from annotation.models.project import Role
    from annotation.services.adjudication import adjudication_save
    from annotation.services.gazetteer import gazetteer_load
    from annotation.services.projects import project_create, tasks_sync
    from annotation.services.registry import actor_create, claim_create
    from corpora.services.imports import corpus_import

    with tempfile.TemporaryDirectory() as tmp:
        for file in gold["files"]:
            shutil.copy(corpus_dir / file, Path(tmp) / file)
        report = corpus_import(path=tmp, corpus_name=f"{name} corpus", user=manager)
    failed = [f"{f.name}: {f.reason}" for f in report.files if f.status == "failed"]
    if failed:
        raise RuntimeError(f"corpus import failed: {failed}")
    project = project_create(name=name, created_by=manager, corpora=[report.corpus_id])
    tasks_sync(project=project)
    gazetteer_load(project=project, user=manager)
    claims = {
        text: claim_create(project=project, text=text, user=manager, role=Role.MANAGER).pk for text in gold["claims"]
    }
    actors = {a.name.lower(): a.pk for a in Actor.objects.filter(project=project)}
    types = {a["name"]: a.get("type", "other") for a in gold["actors"]}
    for triple in gold["triples"]:
        holder = triple["actor"]
        if holder != "AUTHOR" and holder.lower() not in actors:
            actors[holder.lower()] = actor_create(
                project=project,
                name=holder,
                user=annotator,
                role=Role.ANNOTATOR,
                type=ACTOR_TYPES.get(types.get(holder, ""), "other"),
            ).pk
    by_file: dict[str, list] = {}
    for task in Task.objects.filter(project=project).select_related("paragraph__article"):
        by_file.setdefault(Path(task.paragraph.article.source_name).name, []).append(task)
    by_paragraph: dict[tuple, list] = {}
    for t in gold["triples"]:
        by_paragraph.setdefault((t["file"], t["paragraph_index"]), []).append(t)
    missing = 0
    for p in gold["paragraphs"]:
        # the task whose paragraph overlaps the gold paragraph's offsets most (the import may
        # normalise a little markup, so the texts need not be identical)
        overlap = [
            (min(t.paragraph.end, p["end"]) - max(t.paragraph.start, p["start"]), t) for t in by_file.get(p["file"], [])
        ]
        best = max(overlap, key=lambda o: o[0], default=(0, None))
        task = best[1] if best[0] > 0 else None
        if task is None:
            missing += 1
            log(f"no task for {p['file']} paragraph {p['index']}: {p['text'][:80]!r}")
            continue
        text = task.paragraph.text
        statements = []
        for t in by_paragraph.get((p["file"], p["index"]), []):
            if t["actor"] == "AUTHOR":
                statements.append({"actor_role": "author", "claim": claims[t["claim"]], "stance": t["stance"]})
                continue
            expected = text.find(p["text"].strip()[:40]) + t["actor_span_start"]
            found = [i for i in range(len(text)) if text.startswith(t["actor_span"], i)]
            if not found:
                raise RuntimeError(f"span {t['actor_span']!r} not in task {task.pk}'s paragraph")
            start = min(found, key=lambda i: abs(i - expected))
            statements.append(
                {
                    "actor_role": "mention",
                    "actor": actors[t["actor"].lower()],
                    "actor_start": start,
                    "actor_end": start + len(t["actor_span"]),
                    "claim": claims[t["claim"]],
                    "stance": t["stance"],
                }
            )
        adjudication_save(task=task, adjudicator=manager, statements=statements, no_statement=not statements)
    if missing:
        raise RuntimeError(f"{missing} gold paragraphs have no task (the corpus split differs from the gold's)")
    return project


def targets_met(report: dict) -> dict:
    actors, claims, stance = report["actors"], report["claims"], report["stance"]
    model, base = stance["model"], stance["baseline"]
    return {
        "stance_accuracy_at_least_baseline": model["accuracy"] >= base["accuracy"],
        "stance_macro_f1_baseline_plus_0.15": model["macro_f1"] >= base["macro_f1"] + 0.15,
        "claims_top3_0.70": (claims["top3_recall"] or 0) >= 0.70,
        "registry_actor_recall_0.95": (actors["registry_recall"] or 0) >= 0.95,
        "author_recall_0.6_at_precision_0.5": (actors["author_recall"] or 0) >= 0.6
        and (actors["author_precision"] or 0) >= 0.5,
        "actor_span_precision_0.5": (actors["span_precision_exact"] or 0) >= 0.5,
        "whole_statements_top5_0.40": (report["whole_statements"]["top5_recall"] or 0) >= 0.40,
    }


def main() -> int:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    recreate_db()
    try:
        setup_django()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from annotation.services.evaluation import prelabel_evaluation_compute

        call_command("migrate", verbosity=0)
        users = get_user_model().objects
        project = load_gold(
            gold=gold,
            corpus_dir=CORPUS,
            manager=users.create(username="bench-manager"),
            annotator=users.create(username="bench-annotator"),
        )
        log(f"project {project.pk}: {project.tasks.count()} tasks")
        times, report = [], None
        for _ in range(RUNS):
            start = time.perf_counter()
            report = prelabel_evaluation_compute(project=project)
            times.append(time.perf_counter() - start)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_db(drop_only=True)
    met = targets_met(report)
    figures = {
        "statements": report["statements"],
        "folds": report["folds"],
        "stance_accuracy": report["stance"]["model"]["accuracy"],
        "stance_macro_f1": report["stance"]["model"]["macro_f1"],
        "stance_baseline_accuracy": report["stance"]["baseline"]["accuracy"],
        "stance_baseline_macro_f1": report["stance"]["baseline"]["macro_f1"],
        "stance_served": report["stance"]["served"],
        "stance_chosen_per_fold": [s["chosen"] for s in report["stance_selection"]],
        "claims_top1": report["claims"]["top1_recall"],
        "claims_top3": report["claims"]["top3_recall"],
        "claims_baseline_top1": report["claims"]["baseline"]["top1_recall"],
        "claims_baseline_top3": report["claims"]["baseline"]["top3_recall"],
        "actor_registry_recall": report["actors"]["registry_recall"],
        "actor_new_recall": report["actors"]["new_actor_recall"],
        "author_recall": report["actors"]["author_recall"],
        "author_precision": report["actors"]["author_precision"],
        "author_baseline_precision": report["actors"]["author_baseline"]["precision"],
        "actor_span_precision_exact": report["actors"]["span_precision_exact"],
        "actor_span_precision_overlap": report["actors"]["span_precision_overlap"],
        "actor_tagger_only": {
            k: report["actors"]["tagger_only"][k]
            for k in ("registry_recall", "span_precision_exact", "span_precision_overlap")
        },
        "coverage_all_suggested": report["coverage"]["all_suggested"],
        "whole_statements_top5": report["whole_statements"]["top5_recall"],
        "whole_statements_top5_actor_claim": report["whole_statements"]["top5_actor_claim_recall"],
        "evaluation_seconds_median": round(statistics.median(times), 2),
    }
    print(json.dumps(report, indent=1, sort_keys=True), file=sys.stderr)
    print(json.dumps({"benchmark": "prelabel_quality", "figures": figures, "targets": met, "ok": all(met.values())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
