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


def bench_database(bench: str, *, allow_any: bool = False) -> str:
    """The PostgreSQL database of `DATABASE_URL`, created if missing; its name.

    A benchmark writes (and some truncate), so it refuses a database whose name does not
    contain "bench" unless `allow_any` is given.
    """
    import sys

    import environ
    import psycopg
    from psycopg import sql

    cfg = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"{bench} needs PostgreSQL; DATABASE_URL is {cfg['ENGINE']}")
    if "bench" not in cfg["NAME"] and not allow_any:
        sys.exit(f"{bench} refuses to write into {cfg['NAME']!r}; use a '…bench…' database")
    params = {
        "dbname": "postgres",
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not exists.fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    return cfg["NAME"]
