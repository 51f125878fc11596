"""STORAGES: a local folder per named storage by default, S3 (django-storages) when asked, and a clear
error at start-up when the S3 settings are incomplete. Read from a fresh interpreter each time."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRINT = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({k: settings.STORAGES[k] for k in ('uploads', 'datasets')}))"
)


def _storages(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STANDPOINT_")}
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SECRET_KEY": "x",
            "STANDPOINT_VAR_DIR": "/tmp/sp-var",
            **env,
        },
    )


def test_named_storages_are_local_folders_by_default():
    run = _storages(STANDPOINT_UPLOAD_DIR="/srv/shared/uploads")
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["uploads"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/shared/uploads", "base_url": None},
    }
    assert found["datasets"]["OPTIONS"]["location"] == "/tmp/sp-var/media/exports"


def test_s3_is_configured_from_the_environment_with_secrets_from_files(tmp_path):
    (tmp_path / "key").write_text("AKIA-TEST\n")
    run = _storages(
        STANDPOINT_UPLOADS_STORAGE="s3",
        STANDPOINT_S3_BUCKET="standpoint",
        STANDPOINT_S3_ENDPOINT_URL="http://minio:9000",
        STANDPOINT_S3_ACCESS_KEY_FILE=str(tmp_path / "key"),
        STANDPOINT_S3_SECRET_KEY="s3cr3t",
    )
    assert run.returncode == 0, run.stderr
    uploads = json.loads(run.stdout)["uploads"]
    assert uploads["BACKEND"] == "storages.backends.s3.S3Storage"
    assert uploads["OPTIONS"] == {
        "bucket_name": "standpoint",
        "endpoint_url": "http://minio:9000",
        "access_key": "AKIA-TEST",
        "secret_key": "s3cr3t",
        "location": "uploads",
        "file_overwrite": False,
        "default_acl": None,
    }


def test_s3_without_a_bucket_fails_at_start_up_naming_the_setting():
    run = _storages(STANDPOINT_UPLOADS_STORAGE="s3")
    assert run.returncode != 0 and "STANDPOINT_UPLOADS_STORAGE=s3 needs STANDPOINT_S3_BUCKET" in run.stderr
