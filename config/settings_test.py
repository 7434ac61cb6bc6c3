"""Settings for the test suite: the real settings plus a sample procedure app.

DATABASE_URL and CELERY_BROKER_URL choose PostgreSQL and Redis exactly as in production;
without them the suite runs on SQLite and skips what needs row locks or a live broker.
"""

import os
import tempfile

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

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
