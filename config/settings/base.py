"""Every Standpoint setting, read from the environment.

Unset DATABASE_URL: a SQLite file under var/ (the demo). Unset CELERY_BROKER_URL: Celery tasks run
in-process (eagerly), and the app says so at start. Real deployments set both, plus SECRET_KEY.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("STANDPOINT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    # Local demo only: a key generated once and kept in the git-ignored var/ folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "corpora",
    "annotation",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotation.context_processors.standpoint",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "standpoint.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
# The annotator's hot path (annotation/db.py) prepares its statements on PostgreSQL; turn this off
# behind a pooler in transaction mode (PgBouncer before 1.21).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
# Seconds an API token's lookup is remembered per process (annotation/api/authentication.py); 0: off.
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotation:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("STANDPOINT_STORAGE_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
EXPORT_ROOT = Path(env_str("STANDPOINT_EXPORT_DIR", str(MEDIA_ROOT / "exports")))

# Corpus import limits (bytes). A file, or a zip's uncompressed total, over this is refused.
STANDPOINT_MAX_UPLOAD_BYTES = env_int("STANDPOINT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Pre-labelling: an optional local Hugging Face model directory may be set per project; this is
# the folder such paths must live under (no arbitrary file-system reads from the web UI).
STANDPOINT_MODEL_DIR = Path(env_str("STANDPOINT_MODEL_DIR", str(VAR_DIR / "models")))
# Sentence embedder of the pre-labelling pipeline: "minilm" (all-MiniLM-L6-v2) or "hashing" (tiny, for tests).
STANDPOINT_PRELABEL_EMBEDDER = env_str("STANDPOINT_PRELABEL_EMBEDDER", "minilm")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "annotation.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "annotation.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "annotation.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Standpoint API",
    "DESCRIPTION": "Actor–claim–stance annotation: corpora, projects, registries, tasks, "
    "annotations, pre-labels, agreement and dataset exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RegistryStatusEnum": "annotation.models.registry.RegistryStatus",
        "AnnotationStatusEnum": "annotation.models.work.Annotation.Status",
        "AssignmentStatusEnum": "annotation.models.work.Assignment.Status",
        "PredictionKindEnum": "annotation.models.prediction.Prediction.Kind",
    },
}

# Label Studio server for `manage.py label_studio push|pull` (optional; both unset: no server).
LABEL_STUDIO_URL = env_str("LABEL_STUDIO_URL")
LABEL_STUDIO_API_KEY = env_secret("LABEL_STUDIO_API_KEY")

# Celery. Unset broker: run tasks in-process, eagerly (the demo default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_IN_PROCESS = CELERY_BROKER_URL is None
if CELERY_IN_PROCESS:
    CELERY_BROKER_URL = "memory://"  # never contacted: tasks run eagerly
CELERY_TASK_ALWAYS_EAGER = CELERY_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "annotation.prelabel_*": {"queue": "prelabel"},
    "exports.*": {"queue": "exports"},
}
# With acks_late, a message whose worker died unannounced comes back after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# `celery -A config beat` (or a worker with -B) retrains stance models that have enough new labels.
CELERY_BEAT_SCHEDULE = {
    "prelabel-stance-retrain-check": {"task": "annotation.prelabel_stance_retrain_check",
                                      "schedule": env_int("STANCE_RETRAIN_CHECK_SECONDS", 600)},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
