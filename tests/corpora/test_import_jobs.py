"""Upload imports as jobs: stored, imported by the task's service, reported on the corpus; safe to run twice."""

import io
import time
import zipfile
from datetime import timedelta

import psycopg
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from corpora.import_jobs import LOCK_NAMESPACE, import_job_create, import_job_retry, import_job_run, import_jobs_reap
from corpora.models import Article, ImportJob
from tests.conftest import client_for
from tests.factories import CorpusFactory, UserFactory
from tests.processes import test_database_url as worker_database_url

pytestmark = pytest.mark.django_db

SAMPLE = (
    "Beijing and Moscow signed a pipeline deal on Tuesday.\n\n"
    "Officials said the agreement would double gas deliveries by 2030.\n"
)


@pytest.fixture
def staff(db):
    return UserFactory(username="boss", is_staff=True)


@pytest.fixture
def uploads_dir(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "up")},
        },
    }
    storages._storages.pop("uploads", None)
    yield tmp_path / "up"
    storages._storages.pop("uploads", None)


def stored(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _members(n: int) -> dict[str, str]:
    return {f"a{i:02d}.txt": f"Article {i}: " + SAMPLE for i in range(n)}


def test_the_upload_is_stored_then_imported_and_its_files_deleted(
    staff, uploads_dir, django_capture_on_commit_callbacks
):
    corpus = CorpusFactory(owner=staff)
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_job_create(corpus=corpus, uploads=[("news.zip", _zip(_members(3)))], user=staff)
    assert len(callbacks) == 1  # the task is enqueued after commit, not before
    assert job.status == "pending" and not corpus.articles.exists()
    assert stored(uploads_dir) == [job.files[0]["path"]]
    job = import_job_run(job_id=job.pk)
    assert job.status == "complete" and job.report["imported"] == 3 and job.report["articles"] == 3
    assert (job.files_done, job.files_total, job.articles) == (3, 3, 3)
    assert [f["name"] for f in job.report["files"]] == ["news.zip/a00.txt", "news.zip/a01.txt", "news.zip/a02.txt"]
    assert stored(uploads_dir) == []  # no leftover upload
    assert import_job_run(job_id=job.pk).report == job.report  # a redelivered message changes nothing
    assert corpus.articles.count() == 3


def test_a_second_upload_of_the_same_files_is_a_no_op_with_a_clear_report(staff, uploads_dir, client):
    corpus = CorpusFactory(owner=staff)
    data = _zip(_members(2))
    first = import_job_run(job_id=import_job_create(corpus=corpus, uploads=[("n.zip", data)], user=staff).pk)
    second = import_job_run(job_id=import_job_create(corpus=corpus, uploads=[("n.zip", data)], user=staff).pk)
    assert first.report["imported"] == 2
    assert second.report["imported"] == 0 and second.report["skipped"] == 2 and second.report["articles"] == 0
    assert {f["reason"] for f in second.report["files"]} == {"already in the corpus (same content)"}
    assert Article.objects.filter(corpus=corpus).count() == 2
    client.force_login(staff)
    page = client.get(reverse("corpora:import", args=[second.pk])).content.decode()
    assert "Nothing new:" in page and "already in the corpus (same content)" in page


def test_a_rerun_leaves_out_the_files_already_recorded(staff, uploads_dir):
    """As after a worker killed between two files: the first two files are done, with their rows."""
    corpus = CorpusFactory(owner=staff)
    job = import_job_create(corpus=corpus, uploads=[("n.zip", _zip(_members(4)))], user=staff)
    import_job_run(job_id=job.pk)
    done = ImportJob.objects.get(pk=job.pk)
    # Pretend the worker died after two files: their results and rows stay, the rest is undone.
    Article.objects.filter(corpus=corpus, source_name__in=["n.zip/a02.txt", "n.zip/a03.txt"]).delete()
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        results=done.results[:2],
        report=None,
        files=[{**job.files[0]}],
        files_done=2,
        articles=2,
        paragraphs=4,
    )
    storages["uploads"].save(job.files[0]["path"], io.BytesIO(_zip(_members(4))))
    rerun = import_job_run(job_id=job.pk)
    assert rerun.status == "complete" and rerun.attempts == 2
    assert [(f["name"], f["status"]) for f in rerun.report["files"]] == [
        (f"n.zip/a0{i}.txt", "imported") for i in range(4)
    ]  # reported once each, none "already there"
    assert corpus.articles.count() == 4 and rerun.articles == 4


def _lock_holders(job_id: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [LOCK_NAMESPACE, job_id],
        )
        return cursor.fetchall()


def test_a_job_another_worker_holds_is_left_alone(staff, uploads_dir):
    corpus = CorpusFactory(owner=staff)
    job = import_job_create(corpus=corpus, uploads=[("a.txt", SAMPLE.encode())], user=staff)
    other = psycopg.connect(worker_database_url(), autocommit=True)  # another worker's session
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job.pk])
        assert import_job_run(job_id=job.pk) is None
        assert ImportJob.objects.get(pk=job.pk).status == "pending" and not corpus.articles.exists()
    finally:
        other.close()  # the lock goes with the session, as with a killed worker (the backend exits a moment later)
    deadline = time.monotonic() + 10
    while _lock_holders(job.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert import_job_run(job_id=job.pk).status == "complete"


def test_past_the_attempt_limit_the_job_fails_keeps_its_files_and_can_be_retried(staff, uploads_dir, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    corpus = CorpusFactory(owner=staff)
    job = import_job_create(corpus=corpus, uploads=[("a.txt", SAMPLE.encode())], user=staff)
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=2)
    failed = import_job_run(job_id=job.pk)
    assert failed.status == "failed" and "started 2 times" in failed.error and len(stored(uploads_dir)) == 1
    retried = import_job_retry(job=failed)
    assert retried.status == "pending" and retried.attempts == 0 and retried.error == ""
    assert import_job_run(job_id=job.pk).status == "complete" and corpus.articles.count() == 1
    with pytest.raises(Exception, match="Only a failed import can be retried"):
        import_job_retry(job=retried)


def test_the_reaper_enqueues_running_jobs_whose_heartbeat_stopped(
    staff, uploads_dir, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.IMPORT_STALE_AFTER_S = 30
    sent = []
    monkeypatch.setattr("corpora.tasks.import_upload_task.delay", sent.append)
    corpus = CorpusFactory(owner=staff)
    with django_capture_on_commit_callbacks():
        stale, fresh, pending = (
            import_job_create(corpus=corpus, uploads=[("a.txt", SAMPLE.encode())], user=staff) for _ in range(3)
        )
    now = timezone.now()
    ImportJob.objects.filter(pk=stale.pk).update(status="running", heartbeat_at=now - timedelta(seconds=31))
    ImportJob.objects.filter(pk=fresh.pk).update(status="running", heartbeat_at=now - timedelta(seconds=5))
    assert import_jobs_reap(now=now) == [stale.pk] and sent == [stale.pk]


@pytest.mark.django_db(transaction=True)  # commits for real, so the eager task runs inside the request
def test_without_a_broker_the_page_shows_the_finished_report_and_never_says_queued(
    staff, uploads_dir, client, settings
):
    settings.CELERY_IN_PROCESS = True
    corpus = CorpusFactory(owner=staff)
    client.force_login(staff)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # as config/settings/base.py sets it without CELERY_BROKER_URL
    try:
        response = client.post(
            reverse("corpora:upload"),
            {"corpus": str(corpus.pk), "file": [SimpleUploadedFile("a.txt", SAMPLE.encode())]},
        )
    finally:
        celery_app.conf.task_always_eager = eager
    job = ImportJob.objects.get()
    assert job.status == "complete" and job.in_process and response.url == reverse("corpora:import", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Imported: 1 file(s), 1 article(s)" in page and "Import report:" in page
    assert "queued" not in page.lower() and "background worker" not in page and "Waiting for a worker" not in page
    detail = client.get(reverse("corpora:detail", args=[corpus.pk])).content.decode()
    assert "Report of the latest finished import" in detail and "a.txt" in detail


def test_the_upload_page_passes_the_encoding_and_the_article_page_shows_it(staff, uploads_dir, client):
    corpus = CorpusFactory(owner=staff)
    client.force_login(staff)
    french = "Le ministre a déclaré à Genève que l'été serait très chaud.\n\nIl a ajouté: « C'est ça ».\n"
    response = client.post(
        reverse("corpora:upload"),
        {
            "corpus": str(corpus.pk),
            "encoding": "cp1252",
            "file": [SimpleUploadedFile("fr.txt", french.encode("cp1252"))],
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.encoding == "cp1252"
    import_job_run(job_id=job.pk)
    article = corpus.articles.get()
    assert article.encoding == "cp1252" and "Genève" in article.text
    page = client.get(reverse("corpora:article", args=[article.pk])).content.decode()
    assert "encoding cp1252" in page
    refused = client.post(
        reverse("corpora:upload"),
        {"corpus": str(corpus.pk), "encoding": "no-such-codec", "file": [SimpleUploadedFile("fr.txt", b"x")]},
    )
    assert refused.status_code == 200 and "Unknown encoding" in refused.content.decode()
    assert ImportJob.objects.count() == 1


def test_the_issues_zip_of_5000_small_files_is_accepted_at_once_and_imports_nothing_in_the_request(staff, uploads_dir):
    """The upload that hit gunicorn's 30 s timeout (1.1 MB, 5,000 files): the request only stores it."""
    corpus = CorpusFactory(owner=staff)
    data = _zip({f"n/{i:04d}.txt": f"Short wire item number {i} about the pipeline talks." for i in range(5000)})
    client = client_for(staff)
    started = time.perf_counter()
    response = client.post(
        reverse("corpora-api:corpus-upload", args=[corpus.pk]),
        {"file": [SimpleUploadedFile("n.zip", data)]},
        format="multipart",
    )
    took = time.perf_counter() - started
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert took < 10, f"{took:.1f} s in the request"  # the whole import took gunicorn past 30 s
    assert not corpus.articles.exists() and stored(uploads_dir) == [ImportJob.objects.get().files[0]["path"]]


def test_a_failed_import_shows_why_and_a_retry_button_that_starts_it_again(staff, uploads_dir, client, settings):
    settings.IMPORT_MAX_ATTEMPTS = 1
    corpus = CorpusFactory(owner=staff)
    job = import_job_create(corpus=corpus, uploads=[("a.txt", SAMPLE.encode())], user=staff)
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=1)  # its worker died once
    import_job_run(job_id=job.pk)
    client.force_login(staff)
    page = client.get(reverse("corpora:import", args=[job.pk])).content.decode()
    assert "its worker stopped each time" in page and 'id="import-retry"' in page
    response = client.post(reverse("corpora:import", args=[job.pk]), follow=True)
    assert "1 file(s) uploaded; a background worker imports them" in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == "pending"
    again = client.post(reverse("corpora:import", args=[job.pk]), follow=True).content.decode()
    assert "Only a failed import can be retried." in again
