"""Test settings: real PostgreSQL and Redis, a fast password hasher, in-memory email."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/standpoint")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("STANDPOINT_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from .base import *  # noqa: E402,F403
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("Tests run on PostgreSQL only: set DATABASE_URL=postgresql://...")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["*"]
STORAGES = {
    **STORAGES,  # noqa: F405  (base's named storages: uploads, ...)
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Generous log-in limits, so the suite's many log-ins never trip them; tests/test_login_throttling.py
# sets tight ones with the settings fixture.
LOGIN_THROTTLE_RATE = "10000/m"
LOGIN_THROTTLE_ADDRESS_RATE = "10000/m"
