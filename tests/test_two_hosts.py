"""Several hosts: the web (gunicorn) and a Celery worker, each in its own network namespace with its own
storage folder, reaching PostgreSQL and Redis over the namespaces' addresses; only the configured
storages (STORAGES["uploads"], STORAGES["datasets"]) are shared. An upload made on the web host is
imported by the worker host; a dataset built on the worker host downloads from the web host."""

import hashlib
import io
import os
import time
import uuid
import zipfile
from urllib.parse import urlsplit

import pytest
import requests

from annotation.services.tokens import api_token_create
from corpora.models import Article
from tests.corpora.upload_support import articles_zip
from tests.factories import CorpusFactory, UserFactory
from tests.hosts_support import TwoHosts, namespaces_unavailable
from tests.processes import Proc, celery_worker, purge_broker
from tests.processes import test_database_url as worker_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WHY_NOT = namespaces_unavailable()


def _on(host, url: str) -> str:
    """The same database or broker URL, reached through the host's gateway address."""
    parts = urlsplit(url)
    netloc = parts.netloc.replace(parts.hostname, host.gateway)
    return parts._replace(netloc=netloc).geturl()


def _env(settings, host, own, **shared) -> dict:
    """A host's environment: its own storage folders, the shared ones given, the services through its gateway."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DB_CONN_MAX_AGE": "0",
        "DATABASE_URL": _on(host, worker_database_url()),
        "CELERY_BROKER_URL": _on(host, settings.CELERY_BROKER_URL),
        "STANDPOINT_STORAGE_DIR": str(own),
        "STANDPOINT_VAR_DIR": str(own / "var"),
        **shared,
    }


def _start_web(host, env: dict, logs, headers: dict) -> tuple[Proc, str]:
    web = (
        Proc(
            logs,
            "web",
            host.command(
                f"{REPO}/.venv/bin/gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{host.address}:8000",
                "--workers",
                "1",
                "--timeout",
                "60",
            ),
            env,
            ready="Booting worker",
        )
        .launch()
        .wait_ready()
    )
    base = f"http://{host.address}:8000"
    deadline = time.monotonic() + 60
    while True:  # gunicorn's worker imports Django after "Booting worker"
        try:
            requests.get(f"{base}/api/corpora/", headers=headers, timeout=10)
            return web, base
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                web.stop()
                raise AssertionError(web.log()[-3000:]) from None
            time.sleep(0.5)


def _start_worker(host, queue: str, env: dict, logs) -> Proc:
    return celery_worker(logs, queue, env, name="host2", prefix=host.command())


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.skipif(bool(WHY_NOT), reason=f"two-host test skipped: {WHY_NOT}")
def test_an_upload_made_on_the_web_host_is_imported_by_the_worker_host(tmp_path, settings, artifacts_dir):
    user = UserFactory(username="boss", is_staff=True)
    corpus = CorpusFactory(owner=user)
    _, key = api_token_create(user=user)
    shared, web_own, worker_own = tmp_path / "shared-uploads", tmp_path / "web-media", tmp_path / "worker-media"
    logs = artifacts_dir / f"two-hosts-{uuid.uuid4().hex[:8]}"
    logs.mkdir()
    purge_broker("default")  # earlier tests
    headers = {"Authorization": f"Token {key}"}
    with TwoHosts() as hosts:

        def env(host, own):
            return _env(settings, host, own, STANDPOINT_UPLOAD_DIR=str(shared))

        web, base = _start_web(hosts.web, env(hosts.web, web_own), logs, headers)
        worker = None
        try:
            response = requests.post(
                f"{base}/api/corpora/{corpus.pk}/upload/",
                headers=headers,
                timeout=60,
                files={"file": ("wire.zip", articles_zip(12, tag="hosts"))},
            )
            assert response.status_code == 202, response.text
            job = response.json()
            assert job["status"] == "pending"
            assert len(_files(shared)) == 1 and _files(web_own / "uploads") == []  # stored in the shared storage

            worker = _start_worker(hosts.worker, "default", env(hosts.worker, worker_own), logs)
            deadline = time.monotonic() + 120
            while job["status"] in ("pending", "running"):
                assert time.monotonic() < deadline, worker.log()[-3000:]
                time.sleep(0.5)
                job = requests.get(base + job["url"], headers=headers, timeout=10).json()
        finally:
            if worker is not None:
                worker.stop()
            web.stop()
    assert job["status"] == "complete", job
    assert job["report"]["imported"] == 12 and job["report"]["failed"] == 0
    assert Article.objects.filter(corpus=corpus).count() == 12
    assert f"Import job {job['id']}: attempt 1 in process" in worker.log()
    assert _files(shared) == [] and _files(worker_own) == []  # the worker read the shared storage, then cleaned it


@pytest.mark.skipif(bool(WHY_NOT), reason=f"two-host test skipped: {WHY_NOT}")
def test_a_dataset_built_on_the_worker_host_downloads_from_the_web_host(tmp_path, settings, artifacts_dir):
    from exports.models import DatasetVersion
    from tests.exports.export_data import build_project
    from tests.factories import MembershipFactory, ProjectFactory

    project = ProjectFactory(name="Two hosts: datasets")
    build_project(project, n_articles=3)
    user = MembershipFactory(project=project, user=UserFactory(username="boss"), role="manager").user
    _, key = api_token_create(user=user)
    headers = {"Authorization": f"Token {key}"}
    shared, web_own, worker_own = tmp_path / "shared-datasets", tmp_path / "web-media", tmp_path / "worker-media"
    logs = artifacts_dir / f"two-hosts-datasets-{uuid.uuid4().hex[:8]}"
    logs.mkdir()
    purge_broker("exports")  # earlier tests
    with TwoHosts() as hosts:
        web, base = _start_web(
            hosts.web, _env(settings, hosts.web, web_own, STANDPOINT_DATASETS_DIR=str(shared)), logs, headers
        )
        worker = None
        try:
            response = requests.post(
                f"{base}/api/projects/{project.pk}/dataset-versions/",
                headers=headers,
                json={"formats": ["jsonl", "parquet", "csv"]},
                timeout=60,
            )
            assert response.status_code == 201, response.text
            version = response.json()
            assert version["status"] == "pending"
            worker = _start_worker(
                hosts.worker,
                "exports",
                _env(settings, hosts.worker, worker_own, STANDPOINT_DATASETS_DIR=str(shared)),
                logs,
            )
            deadline = time.monotonic() + 120
            while version["status"] in ("pending", "building"):
                assert time.monotonic() < deadline, worker.log()[-3000:]
                time.sleep(0.5)
                version = requests.get(
                    f"{base}/api/dataset-versions/{version['id']}/", headers=headers, timeout=10
                ).json()
            assert version["status"] == "complete", version
            stored = DatasetVersion.objects.get(pk=version["id"])
            published = shared / stored.folder
            train = requests.get(
                f"{base}/api/dataset-versions/{version['id']}/files/train.jsonl", headers=headers, timeout=30
            )
            archive = requests.get(
                f"{base}/api/dataset-versions/{version['id']}/archive.zip", headers=headers, timeout=60
            )
        finally:
            if worker is not None:
                worker.stop()
            web.stop()
    assert train.status_code == 200 and train.headers["Content-Disposition"] == 'attachment; filename="train.jsonl"'
    assert train.content == (published / "train.jsonl").read_bytes() and train.content
    assert hashlib.sha256(train.content).hexdigest() == stored.manifest["files"]["train.jsonl"]["sha256"]
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        assert zf.read("two-hosts-datasets-v1/manifest.json") == (published / "manifest.json").read_bytes()
    assert "exports.build_dataset_version" in worker.log()
    # built in the worker's own scratch folder (cleaned), published to the shared storage; the web's disk untouched
    assert not any(".tmp-" in f for f in _files(worker_own)) and (worker_own / "exports" / ".build").is_dir()
    assert _files(web_own / "exports") == []
    assert sorted(_files(published)) == sorted([*stored.manifest["files"], "manifest.json", "README.md"])
