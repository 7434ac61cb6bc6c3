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


def vacuum_analyze() -> float:
    """VACUUM (ANALYZE) the database of `DATABASE_URL`; the seconds it took.

    A benchmark's database gains dead rows with every run (each transition updates its
    case, ledger rows and tasks), and the development machine's PostgreSQL runs with
    `autovacuum = off`: after a few runs, index scans read thousands of dead entries and
    the planner's statistics are stale (the flow's task read went from 0.22 to 5.5 ms,
    its plan walking 115,000 dead index entries for 3 open tasks). A production server
    keeps autovacuum on; a benchmark puts its database in that state before it times."""
    import time

    import environ
    import psycopg

    cfg = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    params = {
        "dbname": cfg["NAME"],
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    start = time.perf_counter()
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - start


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, *, workers: int = 2, env: dict | None = None, args=()):
    """gunicorn serving the project on 127.0.0.1:`port`, once `/healthz` answers 200."""
    import http.client
    import subprocess
    import sys
    import time
    from pathlib import Path

    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *args,
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **os.environ,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        },
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                c.close()
                return proc
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(proc)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def stop_gunicorn(proc) -> None:
    import signal
    import subprocess

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure_get(client, url: str, repeats: int) -> tuple[int, float, float]:
    """A page through Django's test client: its SQL query count and its server time in
    ms (median, 90th percentile) over `repeats` requests after one warm-up."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times, queries = [], 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return queries, statistics.median(times), times[max(int(len(times) * 0.9) - 1, 0)]


def bench_start(bench: str, *, database: str, size: tuple[str, int], description: str):
    """The start every page benchmark shares: its options (`size`: the flag and default
    of how many cases to load; `--repeats`, `--reload`, `--allow-any-db`), a local run
    on `database` (the default of `DATABASE_URL`, created if missing), no real broker,
    and Django set up. Returns the parsed options."""
    import argparse

    p = argparse.ArgumentParser(description=description.split("\n\n")[0])
    p.add_argument(size[0], type=int, default=size[1])
    p.add_argument("--repeats", type=int, default=20, help="timed requests per page")
    p.add_argument("--reload", action="store_true", help="load the cases again")
    p.add_argument("--allow-any-db", action="store_true")
    args = p.parse_args()
    os.environ.setdefault("DATABASE_URL", database)
    local_run_defaults()
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # never a real broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    bench_database(bench, allow_any=args.allow_any_db)
    import django

    django.setup()
    return args
