"""Benchmark of the public dossier lookup under gunicorn, against `/healthz`, on PostgreSQL.

Starts gunicorn with 2 workers on 127.0.0.1 (a free port) with the lookup's rate limit
lifted for the run (`LOOKUP_RATE_LIMIT`), then drives, in rounds (`--rounds`), each
round starting with another of them, with a bounded Python client (C processes, each at
most R requests and T seconds per round, a new connection per request as gunicorn's
sync workers close it):

- `GET /healthz` (one `SELECT 1`, a cache write and a cache read: the reference),
- `POST /api/permits/lookup/` (JSON: dossier code and lookup key),
- `POST /tra-cuu/` (the public page's form, with its CSRF token),

and prints requests/s seen by the client, the server time per request (p50 and p99,
from gunicorn's access log, `%(D)s` µs) and the ratio of each lookup to `/healthz`,
each as the median of the rounds, with every round's figures, and the p99 of all the
rounds' requests pooled. Rounds, not one block per kind, because this shared machine's
speed changes by twofold within minutes: a block measured in a slow minute compared
with one measured in a fast minute gave ratios of 0.45–1.04× for the same code.
It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/lookup_bench.py [-c 2] [-r 1000] [-t 10] [--rounds 6]

The servers share their cache in Redis, as a deployment with several workers does
(`--cache-url`, default CACHE_REDIS_URL or redis://127.0.0.1:6379/14; `--cache-url ''`
for the file cache of `make run`).

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_lookup_bench) names the
database; it is created if missing and migrated; the script refuses a database whose
name does not contain "bench" unless --allow-any-db is given (it files dossiers).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import secrets
import socket
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
    p.add_argument("-r", "--requests", type=int, default=1000, help="requests per client and round")
    p.add_argument(
        "-t", "--seconds", type=float, default=10.0, help="time limit per client and round"
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=6,
        help="rounds of the three kinds, each round starting with another kind",
    )
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
# A request is written as bytes once and sent on a plain socket; the answer is read to
# the end (gunicorn's sync workers close the connection) and only its status line is
# parsed. http.client cost the client processes several times the CPU, on the two cores
# the servers, PostgreSQL and Redis share with them.
def _raw(method: str, url: str, body: str | None, headers: dict[str, str]) -> bytes:
    data = (body or "").encode()
    head = [f"{method} {url} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        head.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def _requests(kind: str, cases: list[tuple[str, str]]) -> list[bytes]:
    csrf = secrets.token_hex(16)
    out = []
    for code, key in cases:
        if kind == "healthz":
            out.append(_raw("GET", "/healthz", None, {}))
        elif kind == "api":
            body = json.dumps({"code": code, "key": key})
            out.append(
                _raw("POST", "/api/permits/lookup/", body, {"Content-Type": "application/json"})
            )
        else:
            body = urllib.parse.urlencode({"code": code, "key": key, "csrfmiddlewaretoken": csrf})
            out.append(
                _raw(
                    "POST",
                    "/tra-cuu/",
                    body,
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={csrf}",
                    },
                )
            )
    return out


def _exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)  # headers and body in one segment
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _client(port: int, kind: str, cases, limit: int, seconds: float, barrier, out) -> None:
    done = errors = 0
    requests = _requests(kind, cases)
    barrier.wait()
    t0 = time.perf_counter()
    while done < limit and time.perf_counter() - t0 < seconds:
        answer = _exchange(port, requests[done % len(requests)])
        done += 1
        if not answer.startswith(b"HTTP/1.1 200 "):
            errors += 1
            if errors <= 2:
                print(f"  {kind}: {answer[:200]!r}", flush=True)
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
    kinds = ("healthz", "api", "page")
    rounds: list[dict[str, dict]] = []
    try:
        limit = ARGS.requests
        ARGS.requests = 50
        for kind in kinds:  # warm-up: imports, templates, plans
            drive(port, kind, cases)
        ARGS.requests = limit
        _, offset = server_times(log, 0)
        for i in range(max(1, ARGS.rounds)):
            # each round starts with another kind, so none is always measured first
            order = kinds[i % 3 :] + kinds[: i % 3]
            measured: dict[str, dict] = {}
            for kind in order:
                rate, n, errors = drive(port, kind, cases)
                time.sleep(0.3)  # let gunicorn flush its access log
                times, offset = server_times(log, offset)
                measured[kind] = {"rate": rate, "n": n, "errors": errors, "times": times}
            rounds.append(measured)
    finally:
        stop_gunicorn(proc)
        os.unlink(log)
    report(rounds)


LABELS = {
    "healthz": "GET /healthz",
    "api": "POST /api/permits/lookup/",
    "page": "POST /tra-cuu/",
}


def _p(times: list[float], q: float) -> float:
    return times[int(q * (len(times) - 1))] if times else float("nan")


def report(rounds: list[dict[str, dict]]) -> None:
    """Per kind: the median over the rounds of its rate, p50 and p99, and its p99 over
    all its requests; the ratio of each lookup to `/healthz` in each round and their
    median. Every round is printed."""
    med = statistics.median
    print(f"\n{len(rounds)} rounds; medians over the rounds, then p99 of all requests pooled")
    print(
        f"{'':<30}{'req/s':>9}{'server p50 ms':>15}{'p99 ms':>9}{'pooled p99':>12}"
        f"{'requests':>10}{'errors':>8}"
    )
    for kind, label in LABELS.items():
        rows = [r[kind] for r in rounds]
        pooled = sorted(t for row in rows for t in row["times"])
        print(
            f"{label:<30}{med(row['rate'] for row in rows):>9.0f}"
            f"{med(med(row['times']) for row in rows):>15.2f}"
            f"{med(_p(row['times'], 0.99) for row in rows):>9.2f}{_p(pooled, 0.99):>12.2f}"
            f"{sum(row['n'] for row in rows):>10}{sum(row['errors'] for row in rows):>8}"
        )
    print()
    for kind in ("api", "page"):
        ratios = [r[kind]["rate"] / r["healthz"]["rate"] for r in rounds]
        p99s = [_p(r[kind]["times"], 0.99) for r in rounds]
        ref = [_p(r["healthz"]["times"], 0.99) for r in rounds]
        print(
            f"ratio {LABELS[kind]} / /healthz: {med(ratios):.2f}× "
            f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)}); "
            f"p99 ms by round: {', '.join(f'{x:.1f}' for x in p99s)} "
            f"(/healthz: {', '.join(f'{x:.1f}' for x in ref)})"
        )


if __name__ == "__main__":
    main()
