"""Benchmark of the public dossier lookup under gunicorn, against `/healthz`, on PostgreSQL.

Starts gunicorn with 2 workers on 127.0.0.1 (a free port) with the lookup's rate limit
lifted for the run (`LOOKUP_RATE_LIMIT`), then drives, one after the other and twice
over (the better round counts), with a bounded Python client (C processes, each at most
R requests and T seconds, a new connection per request as gunicorn's sync workers
close it):

- `GET /healthz` (one `SELECT 1`, a cache write and a cache read: the reference),
- `POST /api/permits/lookup/` (JSON: dossier code and lookup key),
- `POST /tra-cuu/` (the public page's form, with its CSRF token),

and prints requests/s seen by the client, the server time per request (p50 and p99,
from gunicorn's access log, `%(D)s` µs) and the ratio of each lookup to `/healthz`.
It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/lookup_bench.py [-c 2] [-r 1500] [-t 20]

The servers share their cache in Redis, as a deployment with several workers does
(`--cache-url`, default CACHE_REDIS_URL or redis://127.0.0.1:6379/14; `--cache-url ''`
for the file cache of `make run`).

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_lookup_bench) names the
database; it is created if missing and migrated; the script refuses a database whose
name does not contain "bench" unless --allow-any-db is given (it files dossiers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_lookup_bench"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-c", "--clients", type=int, default=2, help="client processes")
    p.add_argument("-r", "--requests", type=int, default=1500, help="requests per client")
    p.add_argument("-t", "--seconds", type=float, default=20.0, help="time limit per client")
    p.add_argument("--dossiers", type=int, default=20)
    p.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_REDIS_URL") or "redis://127.0.0.1:6379/14",
        help="the shared cache of the servers (a deployment's CACHE_REDIS_URL); '' for "
        "the file cache of a single machine",
    )
    p.add_argument("--allow-any-db", action="store_true")
    return p.parse_args()


ARGS = parse_args()
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
from bench_env import (  # noqa: E402
    bench_database,
    free_port,
    local_run_defaults,
    start_gunicorn,
    stop_gunicorn,
    vacuum_analyze,
)

local_run_defaults()
os.environ["CACHE_REDIS_URL"] = ARGS.cache_url
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

bench_database("lookup_bench", allow_any=ARGS.allow_any_db)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from permits import services  # noqa: E402
from permits.models import Document, Dossier, DossierKind  # noqa: E402
from workflows.models import Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402


def dossiers(n: int) -> list[tuple[str, str]]:
    """n submitted and accepted dossiers (with their legal clocks): (code, key)."""
    from django.contrib.auth.models import Group

    one_stop, _ = Division.objects.get_or_create(code="mot-cua", defaults={"name": "Một cửa"})
    Division.objects.get_or_create(code="cn-qlkhcs", defaults={"name": "Phòng CN-QLKHCS"})
    applicant, _ = User.objects.get_or_create(username="lkbench-phongkham")
    applicant.groups.add(Group.objects.get(name=Role.APPLICANT))
    officer, _ = User.objects.get_or_create(username="lkbench-motcua")
    if officer.division_id != one_stop.pk:  # the access check: the desk's own division
        officer.division = one_stop
        officer.save(update_fields=["division"])
    officer.groups.add(Group.objects.get(name=Role.ONE_STOP_OFFICER))
    existing = list(
        Dossier.objects.filter(applicant=applicant, status="awaiting_fee").values_list(
            "code", "lookup_key"
        )
    )
    for _ in range(max(0, n - len(existing))):
        d = services.dossier_create(
            actor=applicant,
            kind=DossierKind.PERMIT_NEW,
            organisation={
                "organisation_name": "Phòng khám (benchmark)",
                "organisation_address": "Sơn La",
                "business_registration_no": "5500000001",
                "contact_phone": "0212 3850 123",
            },
            devices=[services.DeviceInput("dental", "M", "S-1")],
        )
        Document.objects.bulk_create(
            Document(
                dossier=d,
                item=row["code"],
                file=f"bench/{row['code']}.pdf",
                original_name="x.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                issued_on=d.created_at.date() if row.get("dated") else None,
                uploaded_by=applicant,
            )
            for row in services.checklist(d)
            if row["required"] and not row["waived"]
        )
        d = services.dossier_submit(dossier=d, actor=applicant)
        d = services.dossier_accept(dossier=d, actor=officer)
        existing.append((d.code, d.lookup_key))
    return existing[:n]


# --- gunicorn ----------------------------------------------------------------------------
def start_lookup_server(port: int, access_log: str) -> subprocess.Popen:
    return start_gunicorn(
        port,
        env={"LOOKUP_RATE_LIMIT": "1000000000"},  # lifted for the run
        args=("--access-logfile", access_log, "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"),
    )


# --- the client ----------------------------------------------------------------------------
def _requests(kind: str, cases: list[tuple[str, str]]):
    csrf = secrets.token_hex(16)
    i = 0
    while True:
        code, key = cases[i % len(cases)]
        i += 1
        if kind == "healthz":
            yield "GET", "/healthz", None, {}
        elif kind == "api":
            body = json.dumps({"code": code, "key": key})
            yield "POST", "/api/permits/lookup/", body, {"Content-Type": "application/json"}
        else:
            body = urllib.parse.urlencode({"code": code, "key": key, "csrfmiddlewaretoken": csrf})
            yield (
                "POST",
                "/tra-cuu/",
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf}",
                },
            )


def _client(port: int, kind: str, cases, limit: int, seconds: float, barrier, out) -> None:
    done = errors = 0
    gen = _requests(kind, cases)
    barrier.wait()
    t0 = time.perf_counter()
    while done < limit and time.perf_counter() - t0 < seconds:
        method, url, body, headers = next(gen)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        # a bytes body goes out with the headers in one segment (a str one in a second,
        # which Nagle and delayed ACKs can hold for tens of milliseconds)
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, url, body=data, headers={"Host": "127.0.0.1", **headers})
        r = conn.getresponse()
        payload = r.read()
        conn.close()
        done += 1
        if r.status != 200:
            errors += 1
            if errors <= 2:
                print(f"  {kind}: HTTP {r.status} {payload[:160]!r}", flush=True)
    out.put((done, time.perf_counter() - t0, errors))


def drive(port: int, kind: str, cases) -> tuple[float, int, int]:
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(ARGS.clients), ctx.Queue()
    procs = [
        ctx.Process(
            target=_client, args=(port, kind, cases, ARGS.requests, ARGS.seconds, barrier, out)
        )
        for _ in range(ARGS.clients)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    n = sum(r[0] for r in results)
    return n / max(r[1] for r in results), n, sum(r[2] for r in results)


LINE = re.compile(r"^(\w+) (\S+) (\d+) (\d+)$")


def server_times(log: str, start: int) -> tuple[list[float], int]:
    with open(log) as f:
        f.seek(start)
        text = f.read()
        end = f.tell()
    times = [int(m.group(4)) / 1000 for m in map(LINE.match, text.splitlines()) if m]
    return sorted(times), end


def main() -> None:
    call_command("migrate", verbosity=0)
    cases = dossiers(ARGS.dossiers)
    vacuumed = vacuum_analyze()  # dead rows of earlier runs (see bench_env)
    print(
        f"database {connection.settings_dict['NAME']}, {len(cases)} dossiers; gunicorn 2 "
        f"workers, {ARGS.clients} client processes × ≤ {ARGS.requests} requests, ≤ "
        f"{ARGS.seconds:.0f} s; cache {ARGS.cache_url or 'file'}; VACUUM {vacuumed:.1f} s; "
        f"OPTIONS {connection.settings_dict.get('OPTIONS') or {}}"
    )
    connections.close_all()
    fd, log = tempfile.mkstemp(prefix="motcua-lookup-", suffix=".log")
    os.close(fd)
    port = free_port()
    proc = start_lookup_server(port, log)
    best: dict[str, dict] = {}
    try:
        for kind in ("healthz", "api", "page"):  # warm-up: imports, templates, plans
            drive_warm = ARGS.requests
            ARGS.requests = 50
            drive(port, kind, cases)
            ARGS.requests = drive_warm
        _, offset = server_times(log, 0)
        for _round in range(2):
            for kind in ("healthz", "api", "page"):
                rate, n, errors = drive(port, kind, cases)
                time.sleep(0.3)  # let gunicorn flush its access log
                times, offset = server_times(log, offset)
                row = {
                    "rate": rate,
                    "n": n,
                    "errors": errors,
                    "p50": statistics.median(times) if times else float("nan"),
                    "p99": times[int(0.99 * (len(times) - 1))] if times else float("nan"),
                }
                if kind not in best or row["rate"] > best[kind]["rate"]:
                    best[kind] = row
    finally:
        stop_gunicorn(proc)
        os.unlink(log)
    labels = {
        "healthz": "GET /healthz",
        "api": "POST /api/permits/lookup/",
        "page": "POST /tra-cuu/",
    }
    print(f"\n{'':<30}{'req/s':>9}{'server p50 ms':>15}{'p99 ms':>9}{'requests':>10}{'errors':>8}")
    for kind, row in best.items():
        print(
            f"{labels[kind]:<30}{row['rate']:>9.0f}{row['p50']:>15.2f}{row['p99']:>9.2f}"
            f"{row['n']:>10}{row['errors']:>8}"
        )
    print()
    for kind in ("api", "page"):
        ratio = best[kind]["rate"] / best["healthz"]["rate"]
        print(f"ratio {labels[kind]} / /healthz: {ratio:.2f}×")


if __name__ == "__main__":
    main()
