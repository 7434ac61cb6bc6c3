"""Settings for the test suite: the real settings plus a sample procedure app.

DATABASE_URL and CELERY_BROKER_URL choose PostgreSQL and Redis exactly as in production;
without them the suite runs on SQLite and skips what needs row locks or a live broker.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

# The tests are a deployment-shaped configuration (DATABASE_URL may be set) that must not
# need a real secret: give the settings one before they refuse to start without it.
os.environ.setdefault("DJANGO_SECRET_KEY", "motcua-tests-only-" + "x" * 40)

from .settings import *  # noqa: E402, F403
from .settings import CELERY_BROKER_URL, DATABASES, INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sampleapp"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = "/tmp/motcua-test-static"  # noqa: S108
os.makedirs(STATIC_ROOT, exist_ok=True)
# Tests run from a fresh clone; they must not touch a developer's var/ folder.
# one folder per test run, so concurrent runs never see each other's uploads
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="motcua-test-media-")

# Plain HTTP in the test client; tests/security turns each of these on where it checks it.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# One process: an in-memory cache that each test can clear.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Login throttling stays on (tests/security checks it), high enough that the suite's own
# wrong-password tests never lock a demo account.
AXES_FAILURE_LIMIT = 50
# Django's test flush empties tables with TRUNCATE; the audit trigger allows it only on a
# connection that says so (workflows migration "audit_refuses_truncate").
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # Commits of the tests' own connections do not wait for the WAL flush (durability
    # against a crash of the database server is nothing the suite tests): the flush after
    # each transactional test commits some 40 times. Visibility is unchanged.
    DATABASES["default"]["OPTIONS"]["options"] = (
        "-c motcua.audit_truncate=allow -c synchronous_commit=off"
    )

# pytest-xdist (`make test` runs the suite on two workers, gw0 and gw1): pytest-django gives
# each worker a test database of its own (suffix _gw0, _gw1); the Redis broker gets a
# database number of its own too (the given one + the worker's index), so the tasks one
# worker's tests publish are never taken by the Celery worker another's started, nor
# purged by it. Set in the environment as well, for the processes the tests start.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _url = urlsplit(CELERY_BROKER_URL)
    _db = int(_url.path.strip("/") or 0) + int(_XDIST_WORKER[2:])
    CELERY_BROKER_URL = urlunsplit(_url._replace(path=f"/{_db}"))
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL

# Without CELERY_BROKER_URL the broker is the file transport of `make run`: the tests
# publish into a folder of their own (one per process), never into var/celery, which a
# fresh clone does not have.
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = tempfile.mkdtemp(prefix="motcua-test-broker-")
    for _sub in ("queue", "control"):
        os.makedirs(os.path.join(_broker_dir, _sub), exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": os.path.join(_broker_dir, "queue"),
        "data_folder_out": os.path.join(_broker_dir, "queue"),
        "control_folder": os.path.join(_broker_dir, "control"),
        "store_processed": False,
    }
