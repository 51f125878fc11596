"""Uploads in tests: post them, then run the import job the way a worker would.

pytest-django's tests run in a transaction that never commits, so the job's task (enqueued on
commit) is never sent; these helpers run it by calling the service, as the task does. The tests with
a real worker (tests.processes.celery_worker) upload `articles_zip` and follow the job with the rest.
"""

import io
import re
import zipfile

from django.urls import reverse

from corpora.import_jobs import import_job_run
from corpora.models import ImportJob


def run_pending_jobs() -> list[ImportJob]:
    jobs = list(ImportJob.objects.filter(status=ImportJob.Status.PENDING).order_by("id"))
    return [import_job_run(job_id=job.pk) for job in jobs]


def upload_and_import(client, corpus, *files, **fields):
    """POST the files to the upload API (asserting 202), run the job; (the job's JSON, the post's response)."""
    response = client.post(
        reverse("corpora-api:corpus-upload", args=[corpus.pk]), {"file": list(files), **fields}, format="multipart"
    )
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    import_job_run(job_id=response.json()["id"])
    return client.get(response["Location"]).json(), response


def articles_zip(count: int, *, tag: str = "") -> bytes:
    """A zip of `count` small articles: an import of many files, so a kill lands between two of them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(
                f"wire/{i:04d}.txt",
                f"Wire {tag} {i}: Beijing and Moscow discussed the pipeline again.\n\n"
                f"Officials said talk number {i} covered prices and volumes.\n\n"
                f"Analysts were not convinced that deal {i} would be signed soon.\n",
            )
    return buffer.getvalue()


def job_state(job_id: int) -> dict:
    return ImportJob.objects.values("status", "files_done", "files_total", "attempts", "error").get(pk=job_id)


def job_pids(worker_log: str, job_id: int) -> list[int]:
    """Processes that started the job, in order, from the service's log line in a worker's log."""
    return [int(p) for p in re.findall(rf"Import job {job_id}: attempt \d+ in process (\d+)", worker_log)]
