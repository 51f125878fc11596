"""Benchmark: pre-labelling throughput (actor + claim + stance) over >= 10,000 paragraphs.

Setup (not timed as a target): a fresh database ``sp_bench_prelabel`` (dropped at the end) is
migrated; the 4 shared articles (../shared/corpus, 154 paragraphs) are stored 65 times as distinct
articles -> 10,010 paragraph tasks; the starter gazetteer (92 actors, ~240 aliases) and 5 claims are
loaded; 60 labelled statements train stance model v1 through the real service.

Measured in this run, all on the packaged all-MiniLM-L6-v2 on CPU with one torch thread per process:
* reference, raw model: ``encode`` of 1,000 of the same paragraphs, sorted batches of 32, in one
  process (median of 3), and 2 processes encoding 1,000 each at the same time (the practical limit
  for 2 workers on this 2-core machine);
* (a) the whole pipeline in one process through the real services (job start, then every batch:
  read paragraphs, embed once, tag actors, score claims, predict stance, write prediction sets);
* (b) the same job through Celery: ``celery -A config worker -Q default,prelabel -c 2 -P prefork``
  on Redis, from ``prelabel_job_create`` to the job's status "complete" (workers warmed up first on
  128 tasks, whose predictions are then deleted), with the worker tree's peak RSS sampled by psutil.
Each reference is measured right before and right after the run it is compared with and the higher
figure kept, since the machine is shared and its load changes within minutes.
Target (issue 4): (b) reaches >= 70% of the raw 2-process model throughput.
"""

import hashlib
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sp_bench_prelabel" + os.environ.get("BENCH_DB_SUFFIX", "")  # a suffix keeps parallel runs apart
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
BROKER = os.environ.get("PRELABEL_BENCH_BROKER", "redis://127.0.0.1:6379/12")
os.environ["DATABASE_URL"] = DB_URL
os.environ["CELERY_BROKER_URL"] = BROKER
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STANDPOINT_PRELABEL_EMBEDDER", "minilm")

COPIES = int(os.environ.get("PRELABEL_BENCH_COPIES", 65))  # smaller only for a smoke run
RAW_SAMPLE, RAW_RUNS = min(1000, COPIES * 154), 3
BATCH_SIZE = 64
TARGET_SHARE = 0.70
CORPUS = ROOT.parent / "shared" / "corpus"
CLAIMS = [
    "Russia and China are forming a close strategic partnership",
    "US foreign policy toward Russia and China has failed",
    "The Power of Siberia 2 pipeline deepens Russia's energy dependence on China",
    "India and China are improving their relations",
    "The United States wants to separate Russia from China",
]


def log(msg: str) -> None:
    print(f"[prelabel bench] {msg}", file=sys.stderr, flush=True)


def recreate_db(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def corpus_files_and_splitter():
    from corpora.splitting import split_paragraphs

    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))], split_paragraphs


def build_project():
    from django.contrib.auth import get_user_model

    from annotation.models import Annotation, Claim, Project, StanceLabel, Statement, Task
    from annotation.models.project import DEFAULT_STANCE_LABELS
    from annotation.services.gazetteer import gazetteer_load
    from annotation.services.stance_model import stance_model_train
    from corpora.models import Article, Corpus, Paragraph

    files, split = corpus_files_and_splitter()
    project = Project.objects.create(name="bench", claim_threshold=0.4, stance_min_labels=30)
    StanceLabel.objects.bulk_create(
        StanceLabel(project=project, value=v, name=n, key=k, order=i)
        for i, (v, n, k) in enumerate(DEFAULT_STANCE_LABELS)
    )
    corpus = Corpus.objects.create(name="bench")
    paragraphs = []
    for copy in range(COPIES):
        for name, text in files:
            article = Article.objects.create(
                corpus=corpus,
                title=f"{name} #{copy}",
                text=text,
                language="en",
                content_hash=hashlib.sha256(f"{copy}{text}".encode()).hexdigest(),
            )
            paragraphs += [
                Paragraph(
                    article=article,
                    position=i,
                    text=s.text,
                    start=s.start,
                    end=s.end,
                    text_hash=hashlib.sha256(s.text.encode()).hexdigest(),
                    language="en",
                )
                for i, s in enumerate(split(text))
            ]
    Paragraph.objects.bulk_create(paragraphs, batch_size=2000)
    Task.objects.bulk_create(
        (Task(project=project, paragraph=p, order=i) for i, p in enumerate(paragraphs)), batch_size=2000
    )
    gazetteer_load(project=project)
    claims = [Claim.objects.create(project=project, text=t, normalized=t.lower()) for t in CLAIMS]
    # 60 labelled statements (author stance on a claim) train the stance model through the service
    user = get_user_model().objects.create(username="bench-annotator")
    labels = list(project.stance_labels.all())
    for i, task in enumerate(Task.objects.filter(project=project).order_by("order")[:60]):
        annotation = Annotation.objects.create(task=task, annotator=user, status=Annotation.Status.SUBMITTED)
        Statement.objects.create(
            annotation=annotation, actor_role="author", claim=claims[i % len(claims)], stance=labels[i % 3]
        )
    version = stance_model_train(project=project)
    log(f"stance model v{version.version}: cv accuracy {version.cv_accuracy}")
    return project


def _raw_worker(texts, barrier, out):
    import torch

    from annotation.prelabel.embeddings import MiniLMEmbedder

    torch.set_num_threads(1)
    embedder = MiniLMEmbedder(threads=1)
    embedder.load()
    embedder.encode(texts[:32])
    barrier.wait()
    start = time.perf_counter()
    embedder.encode(texts)
    out.put(time.perf_counter() - start)


def raw_throughput(texts: list[str], processes: int) -> float:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_raw_worker, args=(texts, barrier, out)) for _ in range(processes)]
    for p in procs:
        p.start()
    times = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    return processes * len(texts) / max(times)


def run_in_process(project) -> float:
    from annotation.models import PredictionSet, PrelabelJob
    from annotation.services.prelabel import prelabel_batch_run, prelabel_job_start
    from tests.processes import purge_broker

    job = PrelabelJob.objects.create(project=project, batch_size=BATCH_SIZE, total=project.tasks.count())
    start = time.perf_counter()
    batches = prelabel_job_start(job_id=job.pk)  # its enqueued messages are purged below, never run
    for batch in batches:
        prelabel_batch_run(job_id=job.pk, task_ids=batch)
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == "complete" and job.done == job.total, (job.status, job.done, job.total)
    purge_broker("default", "prelabel")
    PredictionSet.objects.filter(task__project=project).delete()
    return job.total / elapsed


def start_worker(log_dir: Path):
    """The tests' Celery worker (tests.processes), on this benchmark's database and broker and settings."""
    from tests.processes import celery_worker

    return celery_worker(
        log_dir,
        "default,prelabel",
        {"DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"], "DB_CONN_MAX_AGE": "60"},
        concurrency=2,
        name="bench",
    )


class MemorySampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_child, self.stop = pid, 0, 0, threading.Event()

    def run(self):
        import psutil

        root = psutil.Process(self.pid)
        while not self.stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                rss = [p.memory_info().rss for p in procs]
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_child = max([self.peak_child] + rss[1:])
            except Exception:
                pass
            time.sleep(0.25)


def wait_job(job_id: int, timeout: float) -> None:
    from annotation.models import PrelabelJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = PrelabelJob.objects.filter(pk=job_id).values_list("status", flat=True).get()
        if status == "complete":
            return
        if status in ("failed", "cancelled"):
            raise RuntimeError(f"job {job_id} {status}")
        time.sleep(0.2)
    raise RuntimeError(f"job {job_id} did not finish in {timeout} s")


def run_celery(project) -> tuple[float, float, float]:
    from annotation.models import PredictionSet, Task
    from annotation.services.prelabel import prelabel_job_create
    from tests.processes import purge_broker

    purge_broker("default", "prelabel")
    worker = start_worker(Path(tempfile.mkdtemp(prefix="prelabel-bench-")))
    sampler = MemorySampler(worker.pid)
    sampler.start()
    try:
        warm = list(Task.objects.filter(project=project).order_by("order").values_list("pk", flat=True)[:128])
        wait_job(prelabel_job_create(project=project, task_ids=warm, batch_size=8).pk, timeout=600)
        PredictionSet.objects.filter(task__project=project).delete()
        start = time.perf_counter()
        job = prelabel_job_create(project=project, batch_size=BATCH_SIZE)
        wait_job(job.pk, timeout=1800)
        rate = job.total / (time.perf_counter() - start)
    finally:
        sampler.stop.set()
        worker.stop(timeout=60)
    return rate, sampler.peak_total / 2**20, sampler.peak_child / 2**20


def main() -> int:
    recreate_db()
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        project = build_project()
        from annotation.models import Task

        texts = list(Task.objects.filter(project=project).order_by("order").values_list("paragraph__text", flat=True))
        log(f"setup: {len(texts)} paragraph tasks in {time.perf_counter() - t:.1f} s")
        sample = texts[:RAW_SAMPLE]
        from django.db import connection

        connection.close()
        # The machine is shared: each reference is measured right before and right after the run it is
        # compared with, and the higher figure is kept (the stricter comparison).
        raw1_runs = [raw_throughput(sample, 1) for _ in range(RAW_RUNS)]
        in_process = run_in_process(project)
        raw1_runs.append(raw_throughput(sample, 1))
        raw1 = max(statistics.median(raw1_runs[:-1]), raw1_runs[-1])
        log(f"(a) pipeline in one process: {in_process:.1f} paragraphs/s; raw model {raw1_runs} -> {raw1:.1f}")
        raw2_runs = [raw_throughput(sample, 2)]
        celery_rate, peak_total, peak_child = run_celery(project)
        raw2_runs.append(raw_throughput(sample, 2))
        raw2 = max(raw2_runs)
        log(
            f"(b) pipeline through Celery, 2 workers: {celery_rate:.1f} paragraphs/s; raw model 2 processes "
            f"{raw2_runs} -> {raw2:.1f}; peak worker RSS {peak_total:.0f} MiB in all, {peak_child:.0f} MiB per process"
        )
        figures = {
            "paragraphs": len(texts),
            "raw_model_pps_1proc": round(raw1, 1),
            "raw_model_pps_2proc": round(raw2, 1),
            "pipeline_in_process_pps": round(in_process, 1),
            "pipeline_celery_2workers_pps": round(celery_rate, 1),
            "in_process_share_of_raw_1proc": round(in_process / raw1, 3),
            "celery_share_of_raw_2proc": round(celery_rate / raw2, 3),
            "peak_worker_rss_mib_total": round(peak_total),
            "peak_worker_rss_mib_per_process": round(peak_child),
        }
        targets = {"celery_share_of_raw_2proc": f">= {TARGET_SHARE}", "paragraphs": ">= 10000"}
        ok = celery_rate / raw2 >= TARGET_SHARE and len(texts) >= 10_000
        print(json.dumps({"benchmark": "prelabel", "figures": figures, "targets": targets, "ok": ok}))
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        recreate_db(drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
