"""Writes of upload imports: uploads are stored, then imported by the ``corpora.import_upload`` task.

The web request only stores the files (``STORAGES["uploads"]``) and creates an ``ImportJob``; a
Celery worker on the ``default`` queue, on any host that reaches the same storage, imports them
with ``corpus_import`` (the same per-file transactions and report as ``manage.py import_corpus``).

Faults (README "Background work that survives faults"):

* a worker runs a job only while it holds a PostgreSQL advisory lock on it, a session lock that
  the database drops the moment the worker's connection dies (kill -9 included), so a redelivered
  message takes over a job whose worker is gone and a duplicate one does nothing;
* each file's result is written in the same transaction as its articles, and a rerun leaves out
  the files already recorded: every article is imported once and reported once;
* a running job's ``heartbeat_at`` moves every ``IMPORT_HEARTBEAT_S``; the periodic
  ``corpora.import_jobs_reap`` re-enqueues running jobs whose heartbeat is older than
  ``IMPORT_STALE_AFTER_S`` (their worker died with the message unacknowledged);
* after ``IMPORT_MAX_ATTEMPTS`` starts the job fails, keeping its files for a retry; a complete
  job deletes them.
"""

import codecs
import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePath

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from .import_report import FileResult, ImportProgress, ImportReport
from .models import Corpus, ImportJob
from .readers import ReadError, check_size
from .services.imports import corpus_import

log = logging.getLogger(__name__)
IMPORT_TASK = "corpora.import_upload"
LOCK_NAMESPACE = 7401  # pg_advisory_lock(namespace, job id): other apps' locks use other namespaces


def upload_storage():
    return storages["uploads"]


def encoding_check(encoding: str) -> str:
    """The encoding name as given (stripped), or ValidationError when Python knows no such codec."""
    encoding = (encoding or "").strip()
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValidationError(
                {
                    "encoding": [
                        f"Unknown encoding {encoding!r}; use a name such as utf-8, cp1252, "
                        f"latin-1, utf-16, shift_jis or gb18030, or leave it empty to "
                        f"detect it."
                    ]
                }
            ) from None
    return encoding


def _enqueue(job_id: int) -> None:
    """Send corpora.import_upload by name: corpora.tasks imports this module, never the reverse."""
    if IMPORT_TASK not in current_app.tasks:  # the app imports the apps' task modules on first need
        current_app.loader.import_default_modules()
    try:
        current_app.tasks[IMPORT_TASK].delay(job_id)
    except Exception:  # the broker is down: the job stays pending and the reaper enqueues it later
        log.exception("Could not enqueue import job %s", job_id)


def import_job_create(*, corpus: Corpus, uploads, user=None, encoding: str = "") -> ImportJob:
    """Store ``uploads`` (Django UploadedFiles, or ``(name, bytes)``) and enqueue their import.

    Side effects: writes the files to ``STORAGES["uploads"]`` (all of them, or none: a failure
    deletes those already stored), creates the job and enqueues ``corpora.import_upload`` after
    commit. Without a broker the task runs in this process on commit, so the returned job (read
    back from the database) is already complete.
    """
    encoding = encoding_check(encoding)
    storage = upload_storage()
    prefix = f"imports/{uuid.uuid4().hex}"
    stored: list[dict] = []
    try:
        for number, upload in enumerate(uploads):
            name, content = upload if isinstance(upload, tuple) else (upload.name, upload)
            if isinstance(content, bytes | bytearray):
                content = ContentFile(bytes(content))
            if content.size > settings.STANDPOINT_MAX_UPLOAD_BYTES:  # reported by the job, never stored
                stored.append({"name": name, "path": "", "size": content.size})
                continue
            safe = get_valid_filename(PurePath(name).name)[:80] or "upload"
            path = storage.save(f"{prefix}-{number:04d}-{safe}", content)
            stored.append({"name": name, "path": path, "size": content.size})
        with transaction.atomic():
            job = ImportJob.objects.create(
                corpus=corpus,
                files=stored,
                files_total=len(stored),
                encoding=encoding,
                created_by=user if user and user.pk else None,
                in_process=settings.CELERY_IN_PROCESS,
            )
            transaction.on_commit(partial(_enqueue, job.pk))
    except BaseException:
        for entry in stored:
            if entry["path"]:
                storage.delete(entry["path"])
        raise
    job.refresh_from_db()
    return job


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Start a failed job again (its files are kept); files it finished stay done. Else ValidationError."""
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).update(
            status=ImportJob.Status.PENDING, attempts=0, error="", finished_at=None
        ):
            raise ValidationError("Only a failed import can be retried.")
        transaction.on_commit(partial(_enqueue, job.pk))
    job.refresh_from_db()
    return job


def import_jobs_reap(*, now: datetime | None = None) -> list[int]:
    """Re-enqueue running jobs whose heartbeat is older than IMPORT_STALE_AFTER_S. Returns their ids.

    Harmless when the worker is alive after all: the new message finds the job's lock held and
    does nothing.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_AFTER_S)
    ids = list(
        ImportJob.objects.filter(status=ImportJob.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for job_id in ids:
        log.warning("Import job %s: no heartbeat since %s; enqueued again", job_id, stale)
        _enqueue(job_id)
    return ids


@contextmanager
def _job_lock(job_id: int):
    """True while this process holds the job's session-level advisory lock (always True off PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, job_id])


class _Heartbeat(threading.Thread):
    """Moves the job's heartbeat_at every IMPORT_HEARTBEAT_S on its own connection."""

    def __init__(self, job_id: int):
        super().__init__(name=f"import-heartbeat-{job_id}", daemon=True)
        self.job_id, self.stopped = job_id, threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.IMPORT_HEARTBEAT_S):
                ImportJob.objects.filter(pk=self.job_id, status=ImportJob.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connections.close_all()


def _record(job_id: int, result: FileResult) -> None:
    """Add one file's result (inside that file's transaction when it wrote rows)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.results.append(asdict(result))
        job.files_done = len(job.results)
        job.articles += result.articles
        job.paragraphs += result.paragraphs
        job.save(update_fields=["results", "files_done", "articles", "paragraphs"])


def _progress(job_id: int, done_before: int, event: ImportProgress) -> None:
    """Files known so far (a zip's members count once it is opened), the current file, the heartbeat."""
    if connection.in_atomic_block:  # inside a file's transaction nobody else would see it
        return
    ImportJob.objects.filter(pk=job_id).update(
        current=event.current[-500:], heartbeat_at=timezone.now(), files_total=done_before + event.files_total
    )


def _uploads(job: ImportJob, done: set[str]):
    storage = upload_storage()
    for entry in job.files:
        if entry["name"] in done:
            continue
        if not entry["path"]:
            try:
                check_size(entry["name"], entry["size"], settings.STANDPOINT_MAX_UPLOAD_BYTES)
            except ReadError as exc:
                _record(job.pk, FileResult(entry["name"], "failed", exc.reason))
            continue
        if not storage.exists(entry["path"]):
            _record(
                job.pk,
                FileResult(
                    entry["name"],
                    "failed",
                    "the stored upload is missing from the upload storage (STORAGES['uploads']); upload it again",
                ),
            )
            continue
        yield entry["name"], storage.open(entry["path"], "rb")


def _start(job_id: int) -> ImportJob | None:
    """Mark the job running (one more attempt), or None when there is nothing to do."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not job.is_active:
        return None
    job.attempts += 1
    if job.attempts > settings.IMPORT_MAX_ATTEMPTS:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            error=f"The import was started {job.attempts - 1} times and its worker stopped each time (killed, or "
            f"out of memory?); the files are kept: retry it.",
        )
        return None
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, attempts=job.attempts, started_at=job.started_at or now, heartbeat_at=now
    )
    job.refresh_from_db()
    log.info("Import job %s: attempt %s in process %s", job.pk, job.attempts, os.getpid())
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import a job's stored files; a no-op for a finished job or one another worker is running.

    Steps: 1. take the job's advisory lock (else return None); 2. count the start (fail past
    IMPORT_MAX_ATTEMPTS); 3. import the files not yet recorded, each result written with its
    rows; 4. store the report, mark the job complete and delete its files. An unexpected error
    marks the job failed and keeps its files for a retry.
    """
    with _job_lock(job_id) as held:
        if not held:
            log.info("Import job %s is being run by another worker", job_id)
            return None
        job = _start(job_id)
        if job is None:
            return ImportJob.objects.filter(pk=job_id).first()
        heartbeat = _Heartbeat(job.pk) if connection.vendor == "postgresql" else None
        if heartbeat:
            heartbeat.start()
        started = time.perf_counter()
        try:
            done = {r["name"] for r in job.results}
            corpus_import(
                uploads=_uploads(job, done),
                corpus=job.corpus,
                encoding=job.encoding or None,
                done=done,
                on_file=partial(_record, job.pk),
                progress=partial(_progress, job.pk, len(job.results)),
            )
            _finish(job, time.perf_counter() - started)
        except Exception as exc:
            log.exception("Import job %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED,
                finished_at=timezone.now(),
                error=f"The import stopped ({type(exc).__name__}: {str(exc)[:300]}); files finished before that "
                f"are kept, the others can be retried.",
            )
        finally:
            if heartbeat:
                heartbeat.stopped.set()
                heartbeat.join(timeout=5)
    return ImportJob.objects.filter(pk=job_id).first()


def _finish(job: ImportJob, seconds: float) -> None:
    job.refresh_from_db()
    elapsed = (timezone.now() - job.started_at).total_seconds() if job.started_at else seconds
    report = ImportReport(
        corpus_id=job.corpus_id,
        corpus_name=job.corpus.name,
        seconds=elapsed,
        files=[FileResult(**r) for r in job.results],
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.COMPLETE,
        report=report.as_dict(),
        files_done=len(job.results),
        files_total=len(job.results),
        current="",
        finished_at=timezone.now(),
    )
    storage = upload_storage()
    for entry in job.files:
        if entry["path"]:
            storage.delete(entry["path"])
