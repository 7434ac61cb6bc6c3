"""What every benchmark sets before Django starts.

A benchmark names a PostgreSQL database in `DATABASE_URL`, which the settings read as a
deployment: a secret key is required and HTTPS is enforced (redirect, HSTS, secure
cookies). A benchmark serves plain HTTP on 127.0.0.1 with a throwaway key, so it turns
those off for its own process and the servers it starts — and nothing else.
"""

from __future__ import annotations

import os
import secrets


def local_run_defaults() -> None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
