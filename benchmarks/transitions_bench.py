"""Benchmark of permit transitions through the service layer, on PostgreSQL.

In one run it measures:

1. the queries of each step of the full permit path — submit → accept → fee → assign →
   appraisal → review → sign — viewflow's task changes included, on a few dossiers;
2. the full path for N dossiers with 1 and with 2 processes: transitions/s, p50 and p99
   of one transition (ms), queries per transition;
3. the reference: a plain Django ORM loop doing what every transition must do at least
   (lock the row, update it, insert an audit row, insert a ledger row), with 1 and 2
   processes, and the ratio engine / reference;
4. with `--http`: the same path through the REST API (`/api/permits/dossiers/<code>/…`)
   under gunicorn with 2 workers on 127.0.0.1 (a free port), driven by 2 client
   processes, and the ratio HTTP / service layer (2 processes) of the same run.

Each pair compared (service layer and reference; REST API and service layer) runs in
alternating rounds (`--rounds`, default 3) of N/rounds dossiers, so a change of the
shared machine's speed during the run falls on both sides; a ratio is the median of
the rounds' ratios, and each round's is printed. The database is vacuumed and
analysed before each comparison (`bench_env.vacuum_analyze`). Every process of a round first takes
two dossiers through untimed, so its new connection is as warm as a long-running
worker's (its statements prepared, the server process's catalogue caches loaded).

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/transitions_bench.py              # N = 200 dossiers
    .venv/bin/python benchmarks/transitions_bench.py --http -n 300

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_transitions_bench)
names the database; it is created if missing and migrated. The script refuses a
database whose name does not contain "bench" unless --allow-any-db is given: it adds
dossiers, permits and audit rows that are never deleted (the audit trail is append-only).
The broker is kombu's in-memory transport, so no publish leaves the process.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_transitions_bench"
STEPS = ("submit", "accept", "fee", "assign", "appraisal", "review", "sign")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", "--dossiers", type=int, default=200, help="dossiers per timed run")
    p.add_argument("--http", action="store_true", help="also through the REST API (gunicorn)")
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="each pair compared runs in this many alternating rounds of N/rounds "
        "dossiers; a ratio is the median of its rounds' ratios",
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
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # never a real broker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
MEDIA = tempfile.mkdtemp(prefix="motcua-tx-bench-")
os.environ["MEDIA_ROOT"] = MEDIA

bench_database("transitions_bench", allow_any=ARGS.allow_any_db)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from permits import services  # noqa: E402
from permits.models import Document, Dossier, DossierKind  # noqa: E402
from workflows.models import AuditEntry, Deadline, Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402

ORGANISATION = {
    "organisation_name": "Phòng khám Đa khoa (benchmark)",
    "organisation_address": "Tô Hiệu, TP. Sơn La",
    "business_registration_no": "5500000000",
    "contact_phone": "0212 3850 123",
    "contact_email": "bench@example.vn",
    "facility_address": "Tô Hiệu, TP. Sơn La",
}
DEVICES = [services.DeviceInput("dental", "Vatech PaX-i", "SN-B1", "Vatech", 2021)]


# --- people and dossiers --------------------------------------------------------------------
def user(username: str, role: str, division: Division | None) -> User:
    u, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": username,
            "last_name": "Bench",
            "division": division,
            "email": f"{username}@example.vn",
        },
    )
    u.groups.add(Group.objects.get_or_create(name=role)[0])
    return u


def people() -> dict:
    one_stop, _ = Division.objects.get_or_create(code="mot-cua", defaults={"name": "Một cửa"})
    tech, _ = Division.objects.get_or_create(
        code="cn-qlkhcs", defaults={"name": "Phòng Công nghệ và Quản lý khoa học cơ sở"}
    )
    office, _ = Division.objects.get_or_create(code="van-phong", defaults={"name": "Văn phòng"})
    return {
        "applicant": user("txbench-phongkham", Role.APPLICANT, None),
        "officer": user("txbench-motcua", Role.ONE_STOP_OFFICER, one_stop),
        "accountant": user("txbench-ketoan", Role.ACCOUNTANT, office),
        "specialist": user("txbench-chuyenvien", Role.SPECIALIST, tech),
        "head": user("txbench-truongphong", Role.HEAD_OF_DIVISION, tech),
        "director": user("txbench-giamdoc", Role.DIRECTOR, office),
    }


def drafts(p: dict, n: int) -> list[int]:
    """n draft permit dossiers with every required checklist item (rows only: submitting
    checks the rows, never reads the files)."""
    pks = []
    docs = []
    today = timezone.localdate()
    for _ in range(n):
        d = services.dossier_create(
            actor=p["applicant"],
            kind=DossierKind.PERMIT_NEW,
            organisation=ORGANISATION,
            devices=DEVICES,
        )
        pks.append(d.pk)
        for row in services.checklist(d):
            if not row["required"] or row["waived"]:
                continue
            docs.append(
                Document(
                    dossier=d,
                    item=row["code"],
                    file=f"bench/{row['code']}.pdf",
                    original_name=f"{row['code']}.pdf",
                    content_type="application/pdf",
                    size=100,
                    sha256="0" * 64,
                    issued_on=today if row.get("dated") else None,
                    uploaded_by=p["applicant"],
                )
            )
    Document.objects.bulk_create(docs, batch_size=1000)
    return pks


# --- the path through the services -----------------------------------------------------------
def _step(name: str, d, p: dict):
    if name == "submit":
        return services.dossier_submit(dossier=d, actor=p["applicant"])
    if name == "accept":
        return services.dossier_accept(dossier=d, actor=p["officer"], note="Đủ.")
    if name == "fee":
        return services.dossier_record_fee(dossier=d, actor=p["accountant"], receipt_no="BL-1")
    if name == "assign":
        return services.dossier_assign(dossier=d, actor=p["head"], specialist=p["specialist"])
    if name == "appraisal":
        return services.dossier_record_appraisal(
            dossier=d, actor=p["specialist"], conclusion="pass", findings="Đạt yêu cầu."
        )
    if name == "review":
        return services.dossier_review(dossier=d, actor=p["head"], approve=True)
    if name == "sign":
        services.dossier_sign(dossier=d, actor=p["director"])
        return d
    raise ValueError(name)


def path_for(pk: int, p: dict, times: list | None = None) -> None:
    d = Dossier.objects.get(pk=pk)
    for name in STEPS:
        t0 = time.perf_counter()
        d = _step(name, d, p)
        if times is not None:
            times.append(time.perf_counter() - t0)


class QueryCounter:
    def __init__(self) -> None:
        self.n = 0
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        self.sql.append(sql)
        return execute(sql, params, many, context)


def count_queries(p: dict, pks: list[int]) -> dict[str, int]:
    """The most queries each step took over the dossiers `pks`."""
    worst = dict.fromkeys(STEPS, 0)
    for pk in pks:
        d = Dossier.objects.get(pk=pk)
        for name in STEPS:
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                d = _step(name, d, p)
            worst[name] = max(worst[name], counter.n)
    return worst


def dump_queries(p: dict, pk: int) -> None:
    d = Dossier.objects.get(pk=pk)
    for name in STEPS:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            d = _step(name, d, p)
        print(f"--- {name}: {counter.n} queries")
        for s in counter.sql:
            print("   ", s[:160])


# --- the reference: lock + update + audit insert + ledger insert -----------------------------
def reference_op(pk: int, ct, actor, today, i: int) -> None:
    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=pk)
        d.review_note = f"bench {i}"
        d.save(update_fields=["review_note"])
        AuditEntry.objects.create(
            content_type=ct,
            object_id=str(pk),
            actor=actor,
            action="bench",
            from_state=d.status,
            to_state=d.status,
        )
        Deadline.objects.create(
            content_type=ct,
            object_id=str(pk),
            kind="bench",
            procedure_code="bench",
            dossier_code=d.code,
            title="bench",
            due_date=today,
            state=Deadline.State.CANCELLED,
        )


# --- running in 1 or 2 processes -------------------------------------------------------------
def _worker(kind: str, chunk: list[int], warm: list[int], p_ids: dict, barrier, out) -> None:
    connections.close_all()
    p = {k: User.objects.get(pk=v) for k, v in p_ids.items()}
    ct = ContentType.objects.get_for_model(Dossier)
    today = timezone.localdate()

    def work(pks: list[int], times: list[float], offset: int) -> None:
        if kind == "engine":
            for pk in pks:
                path_for(pk, p, times)
            return
        for i, pk in enumerate(pks):
            for j in range(len(STEPS)):
                s = time.perf_counter()
                reference_op(pk, ct, p["director"], today, (offset + i) * 10 + j)
                times.append(time.perf_counter() - s)

    # untimed: this process's new connection prepares its statements and the server
    # process behind it loads its catalogue caches, as a long-running worker's has
    work(warm, [], 0)
    times: list[float] = []
    barrier.wait()
    t0 = time.perf_counter()
    work(chunk, times, len(warm))
    t1 = time.perf_counter()
    out.put((t0, t1, times))
    connections.close_all()


def _summary(results: list) -> dict:
    """Rate and latency over the workers' (start, end, per-transition times) results."""
    start = min(r[0] for r in results)
    end = max(r[1] for r in results)
    times = sorted(t for r in results for t in r[2])
    return {
        "rate": len(times) / (end - start),
        "p50": statistics.median(times) * 1e3,
        "p99": times[int(0.99 * (len(times) - 1))] * 1e3,
        "n": len(times),
        "seconds": end - start,
        "times": times,
    }


def _merged(rounds: list[dict]) -> dict:
    """The rounds of one measurement as one: transitions over the time they took."""
    times = sorted(t for r in rounds for t in r["times"])
    return {
        "rate": len(times) / sum(r["seconds"] for r in rounds),
        "p50": statistics.median(times) * 1e3,
        "p99": times[int(0.99 * (len(times) - 1))] * 1e3,
        "n": len(times),
        "errors": sum(r.get("errors", 0) for r in rounds),
    }


WARM = 2  # dossiers per process taken through the path before the timing starts


def run(kind: str, pks: list[int], p: dict, procs: int) -> dict:
    """`kind` over `pks` in `procs` processes; the first WARM × procs dossiers warm the
    processes' connections and are not timed."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(procs)
    out = ctx.Queue()
    warm, timed = pks[: WARM * procs], pks[WARM * procs :]
    chunks = [(timed[i::procs], warm[i::procs]) for i in range(procs)]
    p_ids = {k: v.pk for k, v in p.items()}
    connections.close_all()
    workers = [
        ctx.Process(target=_worker, args=(kind, c, w, p_ids, barrier, out)) for c, w in chunks
    ]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    return _summary(results)


# --- through the REST API under gunicorn ------------------------------------------------------
def session_cookie(u: User) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(u.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = u.get_session_auth_hash()
    s.create()
    return s.session_key


API_STEPS = {
    "submit": ("applicant", "submit", {}),
    "accept": ("officer", "accept", {"note": "Đủ."}),
    "fee": ("accountant", "record-fee", {"receipt_no": "BL-1"}),
    "assign": ("head", "assign", None),  # body: the specialist's username
    "appraisal": (
        "specialist",
        "record-appraisal",
        {"conclusion": "pass", "findings": "Đạt yêu cầu."},
    ),
    "review": ("head", "review", {"approve": True}),
    "sign": ("director", "sign", {"note": ""}),
}


def _http_worker(port: int, codes: list[str], cookies: dict, specialist: str, barrier, out):
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times: list[float] = []
    errors = 0
    barrier.wait()
    t0 = time.perf_counter()
    for code in codes:
        for name in STEPS:
            who, action, body = API_STEPS[name]
            if body is None:
                body = {"specialist": specialist}
            headers = {
                "Content-Type": "application/json",
                "Cookie": f"sessionid={cookies[who]}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Host": "127.0.0.1",
            }
            s = time.perf_counter()
            conn.request(
                "POST",
                f"/api/permits/dossiers/{code}/{action}/",
                # bytes: http.client sends them with the headers in one segment (a str
                # body goes in a second one, which Nagle and delayed ACKs can hold ~40 ms)
                body=json.dumps(body).encode(),
                headers=headers,
            )
            response = conn.getresponse()
            payload = response.read()
            times.append(time.perf_counter() - s)
            if response.status != 200:
                errors += 1
                if errors <= 3:
                    print(f"  {name} {code}: HTTP {response.status} {payload[:200]!r}", flush=True)
    t1 = time.perf_counter()
    out.put((t0, t1, times, errors))


def run_http(port: int, pks: list[int], p: dict, clients: int = 2) -> dict:
    codes = list(Dossier.objects.filter(pk__in=pks).order_by("pk").values_list("code", flat=True))
    cookies = {k: session_cookie(u) for k, u in p.items()}
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients)
    out = ctx.Queue()
    connections.close_all()
    workers = [
        ctx.Process(
            target=_http_worker,
            args=(port, codes[i::clients], cookies, p["specialist"].username, barrier, out),
        )
        for i in range(clients)
    ]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    return {**_summary(results), "errors": sum(r[3] for r in results)}


# --- main --------------------------------------------------------------------------------------
def main() -> None:
    call_command("migrate", verbosity=0)
    p = people()
    n = ARGS.dossiers
    server = connection.cursor().connection.info.server_version
    print(
        f"database {connection.settings_dict['NAME']} (PostgreSQL {server // 10000}), "
        f"{os.cpu_count()} cores, N = {n} dossiers × {len(STEPS)} transitions; "
        f"OPTIONS {connection.settings_dict.get('OPTIONS') or {}}"
    )

    # warm-up (templates, catalogue, calendar, content types), then the query counts
    warm = drafts(p, 6)
    for pk in warm[:3]:
        path_for(pk, p)
    if os.environ.get("TX_BENCH_SQL"):
        dump_queries(p, warm[3])
        warm = warm[1:]
    queries = count_queries(p, warm[3:])
    per_transition = sum(queries.values()) / len(STEPS)
    print("\nqueries per step (worst of 3 dossiers, viewflow included):")
    print("  " + "  ".join(f"{k} {v}" for k, v in queries.items()))
    print(f"  mean {per_transition:.1f}, max {max(queries.values())}")

    print(f"VACUUM (ANALYZE) of the database: {vacuum_analyze():.1f} s (see bench_env)")

    # Each comparison alternates its two sides in rounds of N/rounds dossiers, so a
    # change of the shared machine's speed during the run falls on both sides alike;
    # a ratio is the median of its rounds' ratios (each round's is printed).
    rounds = max(1, ARGS.rounds)
    per_round = max(1, n // rounds)
    rows = []
    results = {}
    ratios: dict = {}
    for procs in (1, 2):
        if procs > 1:
            vacuum_analyze()  # the first comparison's dead rows
        sides: dict = {"engine": [], "orm": []}
        for _ in range(rounds):
            pks = drafts(p, per_round + WARM * procs)
            sides["engine"].append(run("engine", pks, p, procs))
            sides["orm"].append(run("orm", pks, p, procs))
        ratios[procs] = [e["rate"] / o["rate"] for e, o in zip(*sides.values(), strict=True)]
        results[("engine", procs)] = r = _merged(sides["engine"])
        rows.append(("service layer (full path)", procs, r))
        results[("orm", procs)] = r = _merged(sides["orm"])
        rows.append(("ORM reference (lock+update+audit+ledger)", procs, r))

    http_result = None
    if ARGS.http:
        vacuum_analyze()
        port = free_port()
        proc = start_gunicorn(port)
        sides = {"engine": [], "http": []}
        try:
            run_http(port, drafts(p, 4), p)  # warm both workers
            for _ in range(rounds):
                sides["engine"].append(run("engine", drafts(p, per_round + WARM * 2), p, 2))
                sides["http"].append(run_http(port, drafts(p, per_round), p))
        finally:
            stop_gunicorn(proc)
        ratios["http"] = [h["rate"] / e["rate"] for e, h in zip(*sides.values(), strict=True)]
        http_result = _merged(sides["http"])
        rows.append(("service layer, alternating with the REST API", 2, _merged(sides["engine"])))
        rows.append(("REST API, gunicorn 2 workers", 2, http_result))

    print(f"\n{'':<46}{'procs':>6}{'trans/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for label, procs, r in rows:
        print(f"{label:<46}{procs:>6}{r['rate']:>10.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}")
    print()

    def median(values: list[float]) -> str:
        each = ", ".join(f"{v:.2f}" for v in values)
        return f"{statistics.median(values):.2f}× (rounds: {each})"

    for procs in (1, 2):
        print(f"ratio service layer / ORM reference, {procs} process(es): {median(ratios[procs])}")
    if http_result is not None:
        errors = http_result["errors"]
        rest = median(ratios["http"])
        print(f"ratio REST API / service layer, 2 processes: {rest}, {errors} errors")
    print(f"queries per transition: {per_transition:.1f} (max {max(queries.values())})")


if __name__ == "__main__":
    main()
