"""Settings for motcua. Everything comes from environment variables (see README)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MOTCUA_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded default (no DATABASE_URL): SQLite and a file broker on one machine, as
# `make run` starts it. Anything else is a deployment, with production's security
# defaults below.
EMBEDDED = not env.str("DATABASE_URL", default="")
DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production-0123456789abcdef"  # noqa: S105


def _secret_key() -> str:
    """DJANGO_SECRET_KEY; on the embedded default without it, a random key generated
    once under var/ (so `make run` works on a fresh clone and sessions survive a
    restart). A deployment without a key, or with the development key, does not start
    unless DEBUG is on."""
    key = env.str("DJANGO_SECRET_KEY", default="")
    if not key and EMBEDDED:
        path = VAR_DIR / "secret_key"
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key = secrets.token_urlsafe(50)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # web, worker and beat started together
                key = path.read_text().strip()
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(key + "\n")
    if not key:
        key = DEV_SECRET_KEY
    if key == DEV_SECRET_KEY and not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set (or is the development key) and DJANGO_DEBUG is "
            "off: set DJANGO_SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "workflows",
    "notifications",
    "permits",
    "tasks_lifecycle",
    # the registration of task results: a one-stop procedure of the tasks domain
    "tasks_lifecycle.registration",
    "penalties",
    "directives",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workflows.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workflows.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default so that a newcomer needs no server; PostgreSQL in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for a writer instead of failing at once: web, worker and beat share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    # A persistent connection the server dropped is checked (and replaced) before a
    # request or task uses it, instead of failing that request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend whose health check asks the socket first (no round trip
        # while the server has said nothing; workflows/backends/postgresql/base.py)
        DATABASES["default"]["ENGINE"] = "workflows.backends.postgresql"
    # The engine's hot statements (a transition's locking read, its audit, ledger, clock
    # and task writes; the public lookup) are prepared once per connection, so PostgreSQL
    # plans each once instead of on every execution (`workflows.sql.cursor`). Django
    # turns psycopg's prepared statements off by default (for transaction-mode poolers):
    # set DATABASE_PREPARED_STATEMENTS=false behind such a pooler.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    # psycopg server-side binding for every ORM statement (measured: no faster; README)
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workflows.User"
# django-axes first: it refuses a locked-out account or address before any password
# is hashed (see the Security section).
AUTHENTICATION_BACKENDS = [
    "workflows.api_auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/vao/"  # staff → the staff site, applicants → their dossiers
APPLICANT_HOME_URL = "/ho-so/"

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
# Uploaded documents live outside the web root and are served only through views
# that check permissions; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# --- Cache (rate limits) -------------------------------------------------------------
# Shared by every process: files under var/cache by default (one machine), Redis with
# CACHE_REDIS_URL (several machines). Never per process, or each web worker would
# count its own share of the lookup limit.
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
        if CACHE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    )
}

# Applicants' uploads: PDF, JPEG or PNG (checked by content), at most this many bytes.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Generated documents (PDF) use DejaVu Sans (Debian package fonts-dejavu-core).
PDF_FONT_DIR = env.str("PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# Public dossier lookup (/tra-cuu/): attempts allowed per client IP per window.
LOOKUP_RATE_LIMIT = env.int("LOOKUP_RATE_LIMIT", default=10)
LOOKUP_RATE_WINDOW_SECONDS = env.int("LOOKUP_RATE_WINDOW_SECONDS", default=60)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Email and SMS --------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="motcua@skhcn.example.vn")
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.channels.LoggingSmsBackend")

# --- Notifications --------------------------------------------------------------------
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_BACKOFF_SECONDS = env.int("NOTIFY_BACKOFF_SECONDS", default=60)
NOTIFY_BACKOFF_MAX_SECONDS = env.int("NOTIFY_BACKOFF_MAX_SECONDS", default=3600)
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=500)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Ids per delivery task, and rows a delivery claims (status `sending`) at a time.
NOTIFY_TASK_BATCH = env.int("NOTIFY_TASK_BATCH", default=100)
NOTIFY_CLAIM_BATCH = env.int("NOTIFY_CLAIM_BATCH", default=25)
# Each channel has its own queue and time limits: a hung SMTP server holds only e-mail.
NOTIFY_EMAIL_SOFT_TIME_LIMIT = env.float("NOTIFY_EMAIL_SOFT_TIME_LIMIT", default=60)
NOTIFY_EMAIL_TIME_LIMIT = env.float("NOTIFY_EMAIL_TIME_LIMIT", default=75)
NOTIFY_SMS_SOFT_TIME_LIMIT = env.float("NOTIFY_SMS_SOFT_TIME_LIMIT", default=30)
NOTIFY_SMS_TIME_LIMIT = env.float("NOTIFY_SMS_TIME_LIMIT", default=45)
# A claim lasts longer than a delivery task can live (its hard time limit), so a row is
# taken back only from a worker that is gone.
NOTIFY_LEASE_SECONDS = env.float(
    "NOTIFY_LEASE_SECONDS", default=max(NOTIFY_EMAIL_TIME_LIMIT, NOTIFY_SMS_TIME_LIMIT) + 45
)
if max(NOTIFY_EMAIL_TIME_LIMIT, NOTIFY_SMS_TIME_LIMIT) >= NOTIFY_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "NOTIFY_LEASE_SECONDS must exceed NOTIFY_EMAIL_TIME_LIMIT and NOTIFY_SMS_TIME_LIMIT"
    )
# A pending row handed to the broker this long ago without being tried is handed again.
NOTIFY_REDISPATCH_SECONDS = env.int("NOTIFY_REDISPATCH_SECONDS", default=300)
# After a failed publish, a process stops trying the broker for this long: the rows wait
# for the beat's deliver_pending and nobody's click waits on a broker that is down.
NOTIFY_PUBLISH_PAUSE_SECONDS = env.float("NOTIFY_PUBLISH_PAUSE_SECONDS", default=10)
# PostgreSQL: delivery claims and marks commit without waiting for the WAL flush (see
# README "Reliability": only a database server crash can lose the last ~0.6 s of marks).
NOTIFY_ASYNC_COMMIT = env.bool("NOTIFY_ASYNC_COMMIT", default=True)
# Message-ID domain of the e-mails (the id itself comes from the idempotency key).
NOTIFY_MESSAGE_ID_DOMAIN = env.str(
    "NOTIFY_MESSAGE_ID_DOMAIN", default=DEFAULT_FROM_EMAIL.rpartition("@")[2] or "motcua"
)

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_FS_DIR = Path(env.str("CELERY_FS_DIR", default=str(VAR_DIR / "celery")))
CELERY_TASK_SOFT_TIME_LIMIT = env.float("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.float("CELERY_TASK_TIME_LIMIT", default=180)
# Publishing never holds a caller for long: short socket timeouts and one quick retry,
# so a publish to a broker that is down or frozen gives up within about a second.
CELERY_BROKER_CONNECT_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=0.3)
CELERY_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=0.3)
_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = _PUBLISH_RETRY
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_CONNECT_TIMEOUT
# A task a worker took and never acknowledged (the worker died) comes back after this:
# a few times the longest task time limit, so a running task is never handed out twice.
CELERY_VISIBILITY_TIMEOUT = env.float(
    "CELERY_VISIBILITY_TIMEOUT",
    default=3 * max(CELERY_TASK_TIME_LIMIT, NOTIFY_EMAIL_TIME_LIMIT, NOTIFY_SMS_TIME_LIMIT),
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FS_DIR / "queue"),
        "data_folder_out": str(CELERY_FS_DIR / "queue"),
        "control_folder": str(CELERY_FS_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": CELERY_BROKER_CONNECT_TIMEOUT,
        "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
        "socket_keepalive": True,
        # (re)connecting for a publish: the same bounded retry
        **_PUBLISH_RETRY,
        "connect_retries_timeout": 2 * CELERY_BROKER_CONNECT_TIMEOUT,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = "default"
# E-mail and SMS have queues of their own (and time limits, in notifications/tasks.py).
CELERY_TASK_ROUTES = {
    "notifications.deliver_email": {"queue": "notifications.email"},
    "notifications.deliver_sms": {"queue": "notifications.sms"},
    "notifications.*": {"queue": "notifications"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "notifications.sweep_deadlines",
        "schedule": env.int("SWEEP_EVERY_SECONDS", default=60),
    },
    "deliver-pending-notifications": {
        "task": "notifications.deliver_pending",
        "schedule": env.int("SWEEP_EVERY_SECONDS", default=60),
    },
    "fire-viewflow-timers": {
        "task": "workflows.fire_due_timers",
        "schedule": env.int("SWEEP_EVERY_SECONDS", default=60),
    },
    # the managers' counts (workflows.manager): the page refreshes them on demand too
    "refresh-ledger-tally": {
        "task": "workflows.refresh_ledger_tally",
        "schedule": env.int("SWEEP_EVERY_SECONDS", default=60),
    },
    # idempotent daily checks, run often so a restart never skips a day
    "permits-draft-apologies": {
        "task": "permits.draft_apologies",
        "schedule": env.int("DAILY_CHECK_EVERY_SECONDS", default=900),
    },
    "permits-expire": {
        "task": "permits.expire_permits",
        "schedule": env.int("DAILY_CHECK_EVERY_SECONDS", default=900),
    },
    "penalties-daily": {
        "task": "penalties.daily",
        "schedule": env.int("DAILY_CHECK_EVERY_SECONDS", default=900),
    },
}

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    # one JSON error shape: {"detail", "code", "errors"} (workflows/api_errors.py)
    "EXCEPTION_HANDLER": "workflows.api_errors.exception_handler",
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    # a failed Basic login answers 401; the Basic class checks django-axes first
    "workflows.api_auth.ApiSessionAuthentication",
    "workflows.api_auth.ThrottledBasicAuthentication",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "Administrative procedures of the Department of Science and Technology",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed drf-spectacular-sidecar package, never a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # every operation lists 400/401/403/404/409 with the one error body
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workflows.api_errors.schema_error_responses",
    ],
    # one schema name per domain enum, so apps with their own `status` never collide
    "ENUM_NAME_OVERRIDES": {
        "PermitDossierStatusEnum": "permits.models.Status",
        # every registered one-stop kind (workflows.onestop.kinds)
        "PermitDossierKindEnum": "workflows.onestop.kinds.kind_choices",
        "CouncilStatusEnum": "tasks_lifecycle.models.Status",
        "PenaltyCaseStatusEnum": "penalties.models.Status",
        "TaskStageEnum": "tasks_lifecycle.models.Stage",
        "TaskProgrammeEnum": "tasks_lifecycle.models.Programme",
        "TaskMethodEnum": "tasks_lifecycle.models.Method",
        "TaskTypeEnum": "tasks_lifecycle.models.CouncilSubject.TaskType",
        # the councils' API lists the same task types by value only
        "CouncilSubjectTaskTypeEnum": ["technology", "social", "project"],
        "InspectionOutcomeEnum": "tasks_lifecycle.models.Inspection.Outcome",
        "DeliveryOutcomeEnum": "penalties.models.DeliveryAttempt.Outcome",
        "AssignmentStatusEnum": "directives.models.Status",
    },
}

# --- Security -------------------------------------------------------------------------
# Each setting has its variable; the defaults are on in a deployment (DATABASE_URL set,
# DEBUG off) and off on the embedded default, which `make run` serves over plain HTTP.
_PROD = not EMBEDDED and not DEBUG
# Behind N reverse proxies of your own: the client is N hops from the right of
# X-Forwarded-For (workflows/http.py). The old DJANGO_TRUST_X_FORWARDED_FOR=true means 1.
TRUSTED_PROXY_COUNT = env.int(
    "DJANGO_TRUSTED_PROXY_COUNT",
    default=1 if env.bool("DJANGO_TRUST_X_FORWARDED_FOR", default=False) else 0,
)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=TRUSTED_PROXY_COUNT > 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=_PROD)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may use HTTP
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if _PROD else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=_PROD)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=_PROD)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=_PROD)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with SQL compiled once (workflows/sessions.py)
SESSION_ENGINE = "workflows.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every HTML answer (workflows/middleware.py): scripts from
# our own static files, inline ones only with the request's nonce.
CSP_ENABLED = env.bool("DJANGO_CSP", default=True)
PERMISSIONS_POLICY = env.str(
    "DJANGO_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
# Cache-Control: no-store on every answer to a signed-in user and on these paths
NO_STORE_PERSONAL_DATA = env.bool("DJANGO_NO_STORE", default=True)
NO_STORE_PATH_PREFIXES = ("/api/", "/ho-so/", "/can-bo/", "/tra-cuu/", "/admin/")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# account, or from one address, further attempts are refused for AXES_COOLOFF_MINUTES
# without checking the password: pages, admin and the API's Basic authentication alike.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "workflows.http.client_ip"
AXES_LOCKOUT_CALLABLE = "workflows.middleware.login_lockout_response"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

VIEWFLOW = {"AUTOREGISTER": True}
