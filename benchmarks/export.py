"""Benchmark: dataset export of 1,000,000 gold statements (~300,000 paragraphs) to JSONL and Parquet.

Setup (timed, not a target): a fresh database ``sp_bench_export`` (dropped at the end) is migrated,
then bulk-loaded with PostgreSQL ``COPY FROM STDIN``: 30,000 articles, 300,000 paragraphs and
tasks, one adjudication per task and 1,000,000 gold statements (2-5 per paragraph, seeded random
actors, claims and stances).

Measured, each in a fresh child process so its peak resident memory (ru_maxrss) is its own:
* reference: ``COPY (SELECT <one row per gold statement with its paragraph text>) TO STDOUT``,
  streamed to Python and discarded: the database's own export rate, statements/s (median of 3);
* ``exports.services.export.dataset_version_build`` with formats ["jsonl"] and with ["parquet"],
  gold strategy "adjudicated": the real service (snapshot transaction, split planning, COPY-streamed
  rows, row building, incremental writing, hashing), statements/s and peak RSS of the whole
  process (Django included) up to the manifest (median of 2 runs each). The manifest's agreement
  summary (the agreement issue's code, exports.services.agreement, with its report stored during
  setup as the agreement page would) is timed apart and reported as the whole-build figures.
Targets (issue 6): JSONL >= 25% of the COPY rate; peak memory <= 300 MB.
"""

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sp_bench_export" + os.environ.get("BENCH_DB_SUFFIX", "")  # a suffix keeps parallel runs apart
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ARTICLES, PARAGRAPHS_PER_ARTICLE, STATEMENTS = 30_000, 10, 1_000_000
ACTORS, CLAIMS = 200, 100
COPY_RUNS, EXPORT_RUNS = 3, 2
TARGET_SHARE, TARGET_MB = 0.25, 300.0
WORDS = (
    "government minister said the deal would bring jobs and growth while critics warned about costs "
    "sanctions pipeline energy prices border security talks summit agreement reform"
).split()

REFERENCE_SQL = """COPY (
  SELECT g.id, t.id, p.id, p.article_id, p.text, g.actor_role, g.actor_id, g.actor_start, g.actor_end,
         g.claim_id, g.stance_id, g.evidence_start, g.evidence_end
  FROM annotation_goldstatement g JOIN annotation_adjudication adj ON adj.id = g.adjudication_id
  JOIN annotation_task t ON t.id = adj.task_id JOIN corpora_paragraph p ON p.id = t.paragraph_id
  ORDER BY p.article_id, p.position, g.position, g.id) TO STDOUT"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recreate_db():
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_db():
    import psycopg

    if os.environ.get("BENCH_KEEP_DB"):  # for profiling by hand
        return
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def load() -> dict:
    """Migrate, then COPY the synthetic project in. Returns ids and counts."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from annotation.models import Actor, Claim, Project, StanceLabel
    from annotation.models.project import DEFAULT_STANCE_LABELS
    from corpora.models import Corpus

    corpus = Corpus.objects.create(name="bench")
    project = Project.objects.create(name="export-bench", annotators_per_task=3)
    project.corpora.add(corpus)
    StanceLabel.objects.bulk_create(
        StanceLabel(project=project, value=v, name=n, key=k, order=i)
        for i, (v, n, k) in enumerate(DEFAULT_STANCE_LABELS)
    )
    Actor.objects.bulk_create(Actor(project=project, name=f"Actor {i:03d}") for i in range(ACTORS))
    Claim.objects.bulk_create(
        Claim(project=project, text=f"Claim {i:03d} holds", normalized=f"claim {i:03d} holds") for i in range(CLAIMS)
    )
    actor_ids = list(Actor.objects.filter(project=project).values_list("id", flat=True))
    claim_ids = list(Claim.objects.filter(project=project).values_list("id", flat=True))
    stance_ids = list(StanceLabel.objects.filter(project=project).values_list("id", flat=True))
    rng = random.Random(6)
    now = "2026-01-01 00:00:00+00"
    n_par = ARTICLES * PARAGRAPHS_PER_ARTICLE
    # statements per paragraph: 2-5, adjusted so the total is exactly STATEMENTS
    per = [rng.randint(2, 4) for _ in range(n_par)]
    diff = STATEMENTS - sum(per)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        if 2 <= per[i] + step <= 5:
            per[i] += step
            diff -= step
        i = (i + 1) % n_par
    raw = connection.connection
    t0 = time.perf_counter()
    with raw.cursor() as cur:
        # A bulk load of rows that are consistent by construction: skip the per-row FK triggers.
        cur.execute("SET session_replication_role = replica")
        with cur.copy(
            "COPY corpora_article (id, corpus_id, title, author, published, source_url, source_name, format, "
            "text, content_hash, language, encoding, created_at) FROM STDIN"
        ) as cp:
            for a in range(1, ARTICLES + 1):
                cp.write_row(
                    (
                        a,
                        corpus.pk,
                        f"Article {a}",
                        "Desk",
                        f"2025-{1 + a % 12:02d}-{1 + a % 28:02d}",
                        "",
                        f"bench-{a}.txt",
                        "txt",
                        "(body in paragraphs)",
                        f"{a:064x}",
                        "en",
                        "utf-8",
                        now,
                    )
                )
        texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 40))).capitalize() + "." for _ in range(997)]
        with cur.copy(
            'COPY corpora_paragraph (id, article_id, position, kind, kind_source, kind_reason, text, start, '
            '"end", text_hash, language, is_repeated) FROM STDIN'
        ) as cp:
            for p in range(1, n_par + 1):
                text = texts[p % 997]
                cp.write_row(
                    (
                        p,
                        (p - 1) // PARAGRAPHS_PER_ARTICLE + 1,
                        (p - 1) % PARAGRAPHS_PER_ARTICLE,
                        "body",
                        "auto",
                        "",
                        text,
                        0,
                        len(text),
                        f"{p % 997:064x}",
                        "en",
                        False,
                    )
                )
        with cur.copy(
            'COPY annotation_task (id, project_id, paragraph_id, "order", submitted_count, is_complete, '
            "created_at) FROM STDIN"
        ) as cp:
            for p in range(1, n_par + 1):
                cp.write_row((p, project.pk, p, p, 0, False, now))
        with cur.copy(
            "COPY annotation_adjudication (id, task_id, no_statement, reason, created_at, updated_at) FROM STDIN"
        ) as cp:
            for p in range(1, n_par + 1):
                cp.write_row((p, p, False, "", now, now))
        with cur.copy(
            "COPY annotation_goldstatement (adjudication_id, position, actor_role, actor_id, actor_start, "
            "actor_end, claim_id, stance_id, evidence_start, evidence_end, reason, source_statement_ids) "
            "FROM STDIN"
        ) as cp:
            # Text format written in blocks: the load is setup, not the thing measured.
            actor_pick = [rng.choice(actor_ids) for _ in range(4099)]
            claim_pick = [rng.choice(claim_ids) for _ in range(4111)]
            stance_pick = [rng.choice(stance_ids) for _ in range(4127)]
            lines, n = [], 0
            for p in range(1, n_par + 1):
                for k in range(per[p - 1]):
                    start = (p * 7 + k * 13) % 60
                    lines.append(
                        f"{p}\t{k}\tmention\t{actor_pick[n % 4099]}\t{start}\t{start + 3 + n % 9}\t"
                        f"{claim_pick[n % 4111]}\t{stance_pick[n % 4127]}\t\\N\t\\N\t\t[]\n"
                    )
                    n += 1
                if len(lines) >= 50_000:
                    cp.write("".join(lines))
                    lines = []
            cp.write("".join(lines))
        cur.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    for table in ("corpora_article", "corpora_paragraph", "annotation_task", "annotation_adjudication"):
        with connection.cursor() as cur:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE") if connection.connection.autocommit else cur.execute("ANALYZE")
    return {
        "project_id": project.pk,
        "paragraphs": n_par,
        "statements": STATEMENTS,
        "load_s": round(time.perf_counter() - t0, 1),
    }


def child_copy():
    import psycopg

    n, t0 = 0, time.perf_counter()
    with psycopg.connect(DB_URL) as conn, conn.cursor() as cur, cur.copy(REFERENCE_SQL) as cp:
        for block in cp:
            n += bytes(block).count(b"\n")
    print(json.dumps({"rows": n, "seconds": time.perf_counter() - t0, "peak_mb": peak_mb()}))


def child_export(fmt: str, project_id: int):
    import django

    django.setup()
    import shutil
    import tempfile

    from django.conf import settings

    import exports.services.dataset.build as export_service
    from annotation.models import Project
    from exports.services.export import dataset_version_build, dataset_version_create

    settings.EXPORT_ROOT = Path(tempfile.mkdtemp(prefix="sp-bench-export-"))
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.EXPORT_ROOT)},
        },
    }
    baseline = peak_mb()
    # The manifest's agreement summary comes from the agreement issue (exports.services.agreement);
    # it is timed apart so the figures show the row export itself and what the summary adds.
    phase = {}
    summary = export_service._agreement_summary

    def timed_summary(project):
        phase["rows_done"], phase["rows_peak_mb"] = time.perf_counter(), peak_mb()
        out = summary(project)
        phase["summary_s"] = time.perf_counter() - phase["rows_done"]
        return out

    export_service._agreement_summary = timed_summary
    version = dataset_version_create(
        project=Project.objects.get(pk=project_id),
        params={"formats": [fmt], "gold_strategy": "adjudicated"},
        enqueue=False,
    )
    t0 = time.perf_counter()
    version = dataset_version_build(version_id=version.pk)
    seconds = time.perf_counter() - t0
    assert version.status == "complete", version.error
    sizes = {name: f["bytes"] for name, f in version.manifest["files"].items()}
    shutil.rmtree(settings.EXPORT_ROOT, ignore_errors=True)
    print(
        json.dumps(
            {
                "rows": version.manifest["counts"]["statements"],
                "paragraphs": version.row_count,
                "seconds": seconds - phase["summary_s"],
                "build_seconds": seconds,
                "summary_s": phase["summary_s"],
                "peak_mb": phase["rows_peak_mb"],
                "build_peak_mb": peak_mb(),
                "baseline_mb": baseline,
                "bytes": sum(sizes.values()),
            }
        )
    )


def run_child(*args) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)], capture_output=True, text=True, timeout=900, cwd=ROOT
    )
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    recreate_db()
    try:
        info = load()
        print(
            f"loaded {info['paragraphs']:,} paragraphs and {info['statements']:,} gold statements "
            f"by COPY in {info['load_s']} s",
            flush=True,
        )
        # As on a real project, the agreement page has stored its report before anyone exports.
        t0 = time.perf_counter()
        run_child("agreement", info["project_id"])
        print(f"agreement report stored in {time.perf_counter() - t0:.1f} s (setup)", flush=True)
        copies = []
        for _ in range(COPY_RUNS):
            copies.append(run_child("copy"))
            print(f"  COPY TO STDOUT: {copies[-1]['rows'] / copies[-1]['seconds']:,.0f} rows/s", flush=True)
        results = {}
        for fmt in ("jsonl", "parquet"):
            results[fmt] = []
            for _ in range(EXPORT_RUNS):
                r = run_child("export", fmt, info["project_id"])
                results[fmt].append(r)
                print(
                    f"  {fmt}: {r['rows'] / r['seconds']:,.0f} statements/s ({r['paragraphs']:,} paragraphs in "
                    f"{r['seconds']:.1f} s), peak {r['peak_mb']:.0f} MB (Django baseline {r['baseline_mb']:.0f} MB), "
                    f"{r['bytes'] / 1e6:.0f} MB written; + agreement summary {r['summary_s']:.1f} s, whole build "
                    f"{r['build_seconds']:.1f} s, peak {r['build_peak_mb']:.0f} MB",
                    flush=True,
                )
    finally:
        drop_db()
    copy_rate = statistics.median(c["rows"] / c["seconds"] for c in copies)
    figures = {"statements": STATEMENTS, "paragraphs": info["paragraphs"], "copy_rows_per_s": round(copy_rate)}
    for fmt, runs in results.items():
        rate = statistics.median(r["rows"] / r["seconds"] for r in runs)
        figures[f"{fmt}_rows_per_s"] = round(rate)
        figures[f"{fmt}_share_of_copy"] = round(rate / copy_rate, 3)
        figures[f"{fmt}_peak_mb"] = round(max(r["peak_mb"] for r in runs), 1)
        figures[f"{fmt}_seconds"] = round(statistics.median(r["seconds"] for r in runs), 2)
        figures[f"{fmt}_build_seconds_with_agreement_summary"] = round(
            statistics.median(r["build_seconds"] for r in runs), 2
        )
        figures[f"{fmt}_build_peak_mb_with_agreement_summary"] = round(max(r["build_peak_mb"] for r in runs), 1)
    targets = {"jsonl_share_of_copy": f">= {TARGET_SHARE}", "peak_mb": f"<= {TARGET_MB}"}
    ok = (
        figures["jsonl_share_of_copy"] >= TARGET_SHARE
        and max(figures["jsonl_peak_mb"], figures["parquet_peak_mb"]) <= TARGET_MB
    )
    print(json.dumps({"benchmark": "export", "figures": figures, "targets": targets, "ok": ok}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        if sys.argv[2] == "copy":
            child_copy()
        elif sys.argv[2] == "agreement":
            import django

            django.setup()
            from annotation.models import Project
            from exports.services.agreement import agreement_report_store

            agreement_report_store(project=Project.objects.get(pk=int(sys.argv[3])))
            print("{}")
        else:
            child_export(sys.argv[3], int(sys.argv[4]))
    else:
        main()
