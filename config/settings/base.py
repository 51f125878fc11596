"""Every Standpoint setting, read from the environment.

Unset DATABASE_URL: a SQLite file under var/ (the demo). Unset CELERY_BROKER_URL: Celery tasks run
in-process (eagerly), and the app says so at start. Real deployments set both, plus SECRET_KEY.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from .env import env_bool, env_float, env_int, env_list, env_secret, env_str

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
    "config.middleware.RejectNulQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
                "django.template.context_processors.csp",
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
# Days a new API token stays valid (annotation.models.ApiToken); unset or 0: tokens never expire.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 0) or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
# Dataset versions are built in EXPORT_ROOT/.build on the worker's host, then published to the
# `datasets` storage (below); by default that storage is this same folder on the local disk.
EXPORT_ROOT = Path(env_str("STANDPOINT_EXPORT_DIR", str(MEDIA_ROOT / "exports")))
UPLOAD_ROOT = Path(env_str("STANDPOINT_UPLOAD_DIR", str(MEDIA_ROOT / "uploads")))
# The `datasets` storage's folder when it is local: EXPORT_ROOT itself, or a folder shared by the
# web and worker hosts (STANDPOINT_DATASETS_DIR) while each builds in its own EXPORT_ROOT/.build.
DATASETS_ROOT = Path(env_str("STANDPOINT_DATASETS_DIR", str(EXPORT_ROOT)))


def _file_storage(kind: str, local: Path) -> dict:
    """STORAGES entry for ``kind`` ("UPLOADS", ...): a local folder, or an S3-compatible bucket when
    STANDPOINT_<KIND>_STORAGE=s3 (django-storages; README "Several hosts"). Several hosts must share it."""
    if env_str(f"STANDPOINT_{kind}_STORAGE", "local") != "s3":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(local), "base_url": None},
        }
    given = {
        "bucket_name": env_str("STANDPOINT_S3_BUCKET"),
        "endpoint_url": env_str("STANDPOINT_S3_ENDPOINT_URL"),
        "region_name": env_str("STANDPOINT_S3_REGION"),
        "access_key": env_secret("STANDPOINT_S3_ACCESS_KEY"),
        "secret_key": env_secret("STANDPOINT_S3_SECRET_KEY"),
    }
    if not given["bucket_name"]:
        raise ImproperlyConfigured(f"STANDPOINT_{kind}_STORAGE=s3 needs STANDPOINT_S3_BUCKET.")
    options = {k: v for k, v in given.items() if v} | {
        "location": kind.lower(),
        "file_overwrite": False,
        "default_acl": None,
    }  # private objects, never overwritten
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# File storages (django.core.files.storage.storages): files that outlive a request and may be read
# on another host. Where web and workers run on several hosts, these must be shared (README
# "Several hosts": a shared folder, or S3 through django-storages).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "uploads": _file_storage("UPLOADS", UPLOAD_ROOT),  # uploads waiting for their import job (corpora)
    "datasets": _file_storage("DATASETS", DATASETS_ROOT),  # built dataset versions (exports)
}

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
    "DEFAULT_SCHEMA_CLASS": "annotation.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "annotation.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The client address for throttling is REMOTE_ADDR, or, behind this many reverse proxies, the
    # address they put in X-Forwarded-For (0: the header is ignored, so it cannot be forged).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

# Log-in throttling (annotation.throttling), on POST /api/auth/token/ and the log-in page alike:
# attempts per username and per client address, as "<count>/<window>" with the window in s, m, h
# or d, optionally with a number ("10/15m"). Counts live in the cache below.
LOGIN_THROTTLE_RATE = env_str("LOGIN_THROTTLE_RATE", "10/15m")
LOGIN_THROTTLE_ADDRESS_RATE = env_str("LOGIN_THROTTLE_ADDRESS_RATE", "50/15m")

# E-mail (invitations) goes through Django's mailer "default". EMAIL_BACKEND=console (the default)
# prints each mail to the web process's output (the demo); EMAIL_BACKEND=smtp sends it through
# EMAIL_HOST:EMAIL_PORT with EMAIL_HOST_USER / EMAIL_HOST_PASSWORD (or EMAIL_HOST_PASSWORD_FILE) and
# EMAIL_USE_TLS; any other value is a backend's dotted path.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND", "console")
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS.get(_email_backend, _email_backend)}}
if MAILERS["default"]["BACKEND"] == _EMAIL_BACKENDS["smtp"]:
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD") or "",
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Standpoint <standpoint@localhost>")
# Days an invitation link stays valid unless the manager picks another expiry.
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7)

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
        "MyAnnotationStatusEnum": "annotation.selectors.my_annotations.STATUSES",
    },
}

# Label Studio server for `manage.py label_studio push|pull` (optional; both unset: no server).
LABEL_STUDIO_URL = env_str("LABEL_STUDIO_URL")
LABEL_STUDIO_API_KEY = env_secret("LABEL_STUDIO_API_KEY")

# Celery. Unset broker: run tasks in-process, eagerly (the demo default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")

# The cache holds the log-in throttle's counts, so every web worker must share it: Redis (CACHE_URL,
# else the Celery broker when that is Redis); local memory, per process, only for the demo.
CACHE_URL = env_str("CACHE_URL") or (
    CELERY_BROKER_URL if (CELERY_BROKER_URL or "").startswith(("redis://", "rediss://")) else None
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "standpoint"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
CELERY_TASK_ROUTES = {  # first match wins; the reapers run on `default`, never behind the work they watch
    "exports.reap_*": {"queue": "default"},
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
    "prelabel-stance-retrain-check": {
        "task": "annotation.prelabel_stance_retrain_check",
        "schedule": env_int("STANCE_RETRAIN_CHECK_SECONDS", 600),
    },
    "leases-expire": {"task": "annotation.leases_expire", "schedule": env_int("LEASE_EXPIRE_CHECK_SECONDS", 300)},
    "imports-reap": {"task": "corpora.import_jobs_reap", "schedule": env_int("IMPORT_REAPER_INTERVAL_S", 60)},
}
# Upload imports (corpora/import_jobs.py): a running job's heartbeat interval, the age at which a
# silent one is enqueued again by the reaper above, and how many starts it gets before it fails.
IMPORT_HEARTBEAT_S = env_int("IMPORT_HEARTBEAT_S", 10)
IMPORT_STALE_AFTER_S = env_int("IMPORT_STALE_AFTER_S", 60)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3)

# Stuck work (README: "Stuck work: how it is detected and recovered"). A build or pre-labelling
# job whose worker shows no sign of life for STALE_AFTER seconds is taken over / re-queued by the
# reapers on beat, which run every REAPER_INTERVAL seconds.
EXPORT_HEARTBEAT_S = env_float("EXPORT_HEARTBEAT_S", 2.0)
EXPORT_STALE_AFTER_S = env_float("EXPORT_STALE_AFTER_S", 60.0)
EXPORT_MAX_ATTEMPTS = env_int("EXPORT_MAX_ATTEMPTS", 3)
EXPORT_REAPER_INTERVAL_S = env_float("EXPORT_REAPER_INTERVAL_S", 60.0)
PRELABEL_HEARTBEAT_S = env_float("PRELABEL_HEARTBEAT_S", 10.0)
PRELABEL_STALE_AFTER_S = env_float("PRELABEL_STALE_AFTER_S", 120.0)
PRELABEL_REAPER_INTERVAL_S = env_float("PRELABEL_REAPER_INTERVAL_S", 60.0)
# "Waiting for a worker": who consumes a queue is asked of the workers (Celery inspect), waiting
# TIMEOUT seconds for replies, and the answer is cached for CACHE seconds.
WORKER_PRESENCE_TIMEOUT_S = env_float("WORKER_PRESENCE_TIMEOUT_S", 1.0)
WORKER_PRESENCE_CACHE_S = env_int("WORKER_PRESENCE_CACHE_S", 5)
CELERY_BEAT_SCHEDULE["exports-reap-stale-builds"] = {
    "task": "exports.reap_stale_builds",
    "schedule": EXPORT_REAPER_INTERVAL_S,
    "options": {"expires": EXPORT_REAPER_INTERVAL_S},
}  # a reap nobody ran in time is dropped, not piled up
CELERY_BEAT_SCHEDULE["prelabel-reap-stalled-jobs"] = {
    "task": "annotation.reap_stalled_prelabel_jobs",
    "schedule": PRELABEL_REAPER_INTERVAL_S,
    "options": {"expires": PRELABEL_REAPER_INTERVAL_S},
}

# Stored agreement reports: refreshed on the exports queue once no submission has come for
# DEBOUNCE seconds, and at the latest MAX_WAIT seconds after the first unreported submission.
AGREEMENT_REFRESH_DEBOUNCE_S = env_int("AGREEMENT_REFRESH_DEBOUNCE_S", 60)
AGREEMENT_REFRESH_MAX_WAIT_S = env_int("AGREEMENT_REFRESH_MAX_WAIT_S", 600)

SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy on every response: scripts only from our own static files (no inline
# script, no eval), nothing framed, no plugins. Styles allow inline `style=` attributes and blocks
# (progress-bar widths, the report's and the API docs' styles); CSS cannot run script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# HTTPS (README "Running behind HTTPS"): all off by default, so `make demo` and `make up` work on
# plain http://127.0.0.1; a deployment behind TLS turns them on.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)


def _proxy_ssl_header() -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (value "https"), or "Header-Name=value"."""
    value = env_str("SECURE_PROXY_SSL_HEADER")
    if not value:
        return None
    name, _, expected = value.partition("=")
    return "HTTP_" + name.strip().upper().replace("-", "_"), (expected.strip() or "https")


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
