"""Benchmark: corpus ingestion of >= 100,000 paragraphs into PostgreSQL, end to end.

Input: the four shared articles (../shared/corpus), repeated with variations until there are at
least 100,000 paragraphs: each copy appends a numbered sentence to about half of its long
paragraphs, so every article has its own content hash and about half of the paragraphs repeat
across articles (which exercises the repeated-paragraph flag). The copies are written as files
(JSONL files of 100 articles, plus a folder of .txt files) and imported with
``corpora.services.imports.corpus_import(path=...)``: the same code path as ``manage.py import_corpus``
(reading, charset detection, splitting, kind and language detection, dedup, bulk inserts), with
the command's default of one worker process reading and classifying the next file while the main
process writes.

Figures (median of RUNS runs, each into emptied tables of a fresh database ``sp_bench_ingest``,
dropped at the end):
* end-to-end paragraphs/s (wall clock) and peak resident memory of this process (psutil, sampled
  every 20 ms); also paragraphs per CPU second, counting this process, its worker processes and
  its PostgreSQL backend, less the memory sampler's own thread, which is what the import costs when
  other jobs share the two cores (the load average is printed);
* the same documents through ``article_prepare`` only (no database): the cost of detection;
* reference limit: a raw PostgreSQL ``COPY ... FROM STDIN`` of the resulting paragraph rows into a
  table like ``corpora_paragraph`` (same indexes and constraints), rows/s.
Targets (issue 2): >= 3,000 paragraphs/s end to end, peak memory < 500 MB.
"""

import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from support.scratch_db import copy_reference, scratch_database, use_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = use_database("sp_bench_ingest")  # $BENCH_DB_SUFFIX keeps parallel runs apart

SHARED = ROOT.parent / "shared" / "corpus"
MIN_PARAGRAPHS, RUNS, ARTICLES_PER_JSONL, TXT_COPIES = 100_000, 3, 100, 25
WORKERS = int(os.environ.get("INGEST_WORKERS", "1"))  # 1: the default of `manage.py import_corpus`
TARGET_PPS, TARGET_MB = 3000.0, 500.0
COLUMNS = [
    "id",
    "article_id",
    "position",
    "kind",
    "kind_source",
    "kind_reason",
    "text",
    "start",
    '"end"',
    "text_hash",
    "language",
    "is_repeated",
]
ADDED = [
    "Analysts counted {k} such cases this year.",
    "The ministry declined to comment on report {k}.",
    "Trade figures for quarter {k} were not yet available.",
    "Officials met {k} times before the deal.",
    "A source close to the talks spoke of {k} open points.",
]


class PeakRss:
    """Samples the resident memory of this process plus its children (the import's worker
    processes) every 20 ms; ``peak_mb`` after the block. ``cpu_s``: the CPU the sampling thread
    itself used (listing children reads /proc: several seconds over a run on a busy machine),
    which the CPU figure leaves out, since it is the benchmark's and not the import's."""

    def __init__(self):
        import psutil

        self.proc, self.peak, self._stop, self.cpu_s = psutil.Process(), 0, threading.Event(), 0.0

    def __enter__(self):
        self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _total(self) -> int:
        import psutil

        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a child that exited meanwhile
                total += child.memory_info().rss
        return total

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._total())
        self.cpu_s = time.thread_time()  # this thread's CPU time, all of it spent sampling

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())

    @property
    def peak_mb(self) -> float:
        return self.peak / 1e6


def variant(text: str, k: int, rng: random.Random) -> str:
    """Copy k of an article: about half of the long paragraphs get one extra, numbered sentence."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if len(line) > 200 and line.rstrip()[-1:] in ".”\"" and rng.random() < 0.5:
            lines[i] = f"{line.rstrip()} {rng.choice(ADDED).format(k=k)}"
    return "\n".join(lines)


def write_input(folder: Path) -> tuple[int, int]:
    """Files in ``folder`` holding >= MIN_PARAGRAPHS paragraphs; returns (articles, paragraphs)."""
    from corpora.splitting import normalize_newlines, split_paragraphs

    originals = [normalize_newlines(p.read_text(encoding="utf-8")) for p in sorted(SHARED.glob("*.txt"))]
    per_set = sum(len(split_paragraphs(t)) for t in originals)
    sets = -(-MIN_PARAGRAPHS // per_set)
    rng = random.Random(20261122)
    texts = [variant(t, k, rng) for k in range(sets) for t in originals]
    (folder / "txt").mkdir()
    for i, text in enumerate(texts[: TXT_COPIES * len(originals)]):
        (folder / "txt" / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    rest = texts[TXT_COPIES * len(originals) :]
    for start in range(0, len(rest), ARTICLES_PER_JSONL):
        with open(folder / f"batch_{start // ARTICLES_PER_JSONL:03d}.jsonl", "w", encoding="utf-8") as out:
            for j, text in enumerate(rest[start : start + ARTICLES_PER_JSONL]):
                out.write(json.dumps({"title": "", "text": text, "url": f"https://example.org/{start + j}"}) + "\n")
    return len(texts), sum(len(split_paragraphs(t)) for t in texts)


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE corpora_paragraph, corpora_article, corpora_corpus RESTART IDENTITY CASCADE")
        cursor.execute("VACUUM ANALYZE corpora_paragraph")


def run_import(folder: Path) -> dict:
    """One import, timed by the wall clock and by CPU: this process, its worker processes and its
    PostgreSQL backend."""
    import psutil
    from django.db import connection

    from corpora.services.imports import corpus_import

    empty_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cursor.fetchone()[0])
    server_before = sum(backend.cpu_times()[:2])
    client_before = os.times()
    with PeakRss() as rss:
        started = time.perf_counter()
        report = corpus_import(path=folder, corpus_name="bench", workers=WORKERS)
        seconds = time.perf_counter() - started
    client_after = os.times()  # children's times count once they have exited (the pool is shut down)
    client = sum(client_after[:4]) - sum(client_before[:4]) - rss.cpu_s
    cpu = client + (sum(backend.cpu_times()[:2]) - server_before)
    assert not report.failed, report.lines()[:5]
    return {
        "seconds": seconds,
        "paragraphs": report.paragraphs,
        "articles": report.articles,
        "pps": report.paragraphs / seconds,
        "peak_mb": rss.peak_mb,
        "cpu_s": cpu,
        "cpu_pps": report.paragraphs / cpu,
        "sampler_cpu_s": rss.cpu_s,
    }


def run_prepare_only(folder: Path) -> float:
    """Paragraphs/s of reading + splitting + kinds + languages, without the database."""
    from corpora.models import Corpus
    from corpora.preparation import article_prepare
    from corpora.readers import read_source, sources_in

    corpus, count = Corpus(name="x"), 0
    started = time.perf_counter()
    for path in sources_in(folder):
        for document in read_source(path.name, path.read_bytes()):
            count += len(article_prepare(corpus=corpus, document=document)[1])
    return count / (time.perf_counter() - started)


def run_copy_reference() -> float:
    """rows/s of COPY FROM STDIN of the imported paragraph rows into an identical table."""
    return copy_reference("corpora_paragraph", COLUMNS)


def main() -> int:
    with scratch_database(DB_NAME):
        with tempfile.TemporaryDirectory(prefix="sp_bench_ingest_") as tmp:
            folder = Path(tmp)
            articles, paragraphs = write_input(folder)
            size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
            print(
                f"input: {articles} articles, {paragraphs} paragraphs, {size_mb:.1f} MB in "
                f"{len(list(folder.rglob('*.*')))} files"
            )
            runs, copies = [], []
            for i in range(RUNS):
                result = run_import(folder)
                copy_rate = run_copy_reference()
                runs.append(result)
                copies.append(copy_rate)
                print(
                    f"run {i + 1}: {result['paragraphs']} paragraphs in {result['seconds']:.1f} s = "
                    f"{result['pps']:,.0f} paragraphs/s, peak RSS {result['peak_mb']:.0f} MB; CPU (Python + "
                    f"PostgreSQL backend) {result['cpu_s']:.1f} s = {result['cpu_pps']:,.0f} paragraphs per CPU "
                    f"second (memory sampler's {result['sampler_cpu_s']:.1f} CPU s left out); raw COPY of the "
                    f"same rows {copy_rate:,.0f} rows/s; load {os.getloadavg()[0]:.1f}"
                )
            prepare = run_prepare_only(folder)
            print(f"without the database (read + split + kinds + languages): {prepare:,.0f} paragraphs/s")

        from corpora.models import Paragraph

        repeated = Paragraph.objects.filter(is_repeated=True).count()
        by_kind = {k: Paragraph.objects.filter(kind=k).count() for k in Paragraph.Kind.values}
        pps = statistics.median(r["pps"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        copy_rate = statistics.median(copies)
        figures = {
            "paragraphs": runs[0]["paragraphs"],
            "articles": runs[0]["articles"],
            "paragraphs_per_s": round(pps),
            "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "peak_rss_mb": round(peak),
            "prepare_only_paragraphs_per_s": round(prepare),
            "copy_reference_rows_per_s": round(copy_rate),
            "share_of_copy_rate": round(pps / copy_rate, 3),
            "paragraphs_per_cpu_s": round(statistics.median(r["cpu_pps"] for r in runs)),
            "workers": WORKERS,
            "load_average_1min": round(os.getloadavg()[0], 1),
            "cpus": os.cpu_count(),
            "repeated_paragraphs": repeated,
            "kinds": by_kind,
        }
        print(
            f"median: {pps:,.0f} paragraphs/s end to end ({pps / copy_rate:.1%} of raw COPY at "
            f"{copy_rate:,.0f} rows/s); peak RSS {peak:.0f} MB"
        )
        ok = pps >= TARGET_PPS and peak < TARGET_MB and runs[0]["paragraphs"] >= MIN_PARAGRAPHS
        print(
            json.dumps(
                {
                    "benchmark": "ingest",
                    "figures": figures,
                    "targets": {
                        "paragraphs_per_s": f">= {TARGET_PPS:.0f}",
                        "peak_rss_mb": f"< {TARGET_MB:.0f}",
                        "paragraphs": f">= {MIN_PARAGRAPHS}",
                    },
                    "ok": ok,
                }
            )
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
