"""Benchmark of the deadline sweep (notifications.services.deadlines_sweep) on PostgreSQL.

Loads 1,000,000 ledger rows of which exactly 10,000 are open with a ladder step due on
the sweep date, then times (a) the claim query (`SELECT … FOR UPDATE SKIP LOCKED`, the
queryset of `deadlines_sweep`) for the first batch and for all due rows in batches,
without doing the work, in a transaction that is rolled back, and (b) the full sweep.
Prints figures; it is not a test.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python benchmarks/sweep_bench.py            # reuses loaded data if present
    .venv/bin/python benchmarks/sweep_bench.py --reload   # forces reloading the rows

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_bench) names the
database; it is created if missing and migrated. Reloading TRUNCATEs the ledger (and,
by CASCADE, the tables that reference it), so the script refuses a database whose name
does not contain "bench" unless --allow-any-db is given.

Delivery: the sweep hands outbox ids to Celery after each batch commits
(`transaction.on_commit` → `notifications.services._dispatch` → `.delay`). By default
`_dispatch` is replaced by a stub that only counts ids, so the figure is the sweep's
own cost; `--dispatch memory` keeps the real `_dispatch` and sends the tasks to Celery's
in-memory broker instead. CELERY_BROKER_URL is forced to memory:// in both cases, so no
task ever reaches a real broker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"
SWEEP_DATE = date(2025, 6, 16)  # a Monday, a working day
TEMPLATE = "deadline_due_today"
KIND_DUE, KIND_OPEN, KIND_IDLE, KIND_CLOSED = (
    "bench-due",
    "bench-open",
    "bench-idle",
    "bench-closed",
)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reload", action="store_true", help="reload the rows even if present")
    p.add_argument("--rows", type=int, default=1_000_000, help="ledger rows (default 1e6)")
    p.add_argument("--due", type=int, default=10_000, help="rows due on the sweep date")
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--date", type=date.fromisoformat, default=SWEEP_DATE, help="sweep date")
    p.add_argument("--repeats", type=int, default=15, help="timed first-batch claims")
    p.add_argument("--dispatch", choices=["stub", "memory"], default="stub")
    p.add_argument("--allow-any-db", action="store_true")
    args = p.parse_args()
    if args.due <= 0 or args.rows < 10 * args.due:
        p.error("--rows must be at least 10 × --due")
    return args


ARGS = parse_args()

os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
from bench_env import local_run_defaults  # noqa: E402

local_run_defaults()
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # never a real broker (see the docstring)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database(url: str) -> tuple[str, bool]:
    """Create the database named by `url` if it does not exist. Returns (name, created)."""
    import environ
    import psycopg
    from psycopg import sql

    cfg = environ.Env.db_url_config(url)
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"sweep_bench needs PostgreSQL; DATABASE_URL is {cfg['ENGINE']}")
    params = {
        "dbname": "postgres",
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    name = cfg["NAME"]
    with psycopg.connect(
        **{k: v for k, v in params.items() if v is not None}, autocommit=True
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return name, False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name, True


def _db_name(url: str) -> str:
    import environ

    return environ.Env.db_url_config(url)["NAME"]


if "bench" not in _db_name(os.environ["DATABASE_URL"]) and not ARGS.allow_any_db:
    sys.exit(
        f"refusing to load benchmark rows into {_db_name(os.environ['DATABASE_URL'])!r}; "
        "use a database whose name contains 'bench', or --allow-any-db"
    )
DB_NAME, DB_CREATED = ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import get_template  # noqa: E402

import notifications.services as services  # noqa: E402
from notifications.models import Notification  # noqa: E402
from workflows.models import (  # noqa: E402
    Deadline,
    Division,
    LadderStep,
    Procedure,
    ProcedureVersion,
    Recipient,
    User,
)

T_DEADLINE = Deadline._meta.db_table
T_NOTIFICATION = Notification._meta.db_table
PARTIAL_INDEX = "deadline_open_next_action"


def col(model, field: str) -> str:
    return model._meta.get_field(field).column


def sql_exec(query: str, params=None) -> int:
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.rowcount


def sql_one(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchone()


def vacuum_analyze(*tables: str) -> float:
    t0 = time.perf_counter()
    for t in tables:
        sql_exec(f"VACUUM (ANALYZE) {connection.ops.quote_name(t)}")
    return time.perf_counter() - t0


# --- fixtures -----------------------------------------------------------------------
def fixtures() -> tuple[int, int, int, int, LadderStep]:
    """The division, owner, procedure version (one-step ladder) and content type."""
    get_template(f"notifications/messages/{TEMPLATE}.txt")  # fails loudly if missing
    division, _ = Division.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    user, created = User.objects.get_or_create(
        username="bench-owner",
        defaults={"first_name": "Bench", "last_name": "Owner", "division": division},
    )
    if created or not user.is_active:
        user.is_active = True
        user.set_unusable_password()
        user.save()
    procedure, _ = Procedure.objects.get_or_create(
        code="bench-sweep", defaults={"name_vi": "Thủ tục đo hiệu năng"}
    )
    version, _ = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=date(2020, 1, 1),
        defaults={"label": "bench", "legal_basis": "benchmark"},
    )
    wanted = {
        "kind": LadderStep.Kind.REMINDER,
        "deadline_kind": "",
        "offset": 0,
        "recipient": Recipient.OWNER,
        "template": TEMPLATE,
        "channels": ["in_app"],
    }
    steps = list(version.ladder.all())
    if len(steps) != 1 or any(getattr(steps[0], k) != v for k, v in wanted.items()):
        version.ladder.all().delete()
        steps = [LadderStep.objects.create(version=version, **wanted)]
    ct = ContentType.objects.get_for_model(Division)
    return division.pk, user.pk, version.pk, ct.pk, steps[0]


# --- loading ------------------------------------------------------------------------
def loaded(user_id: int, version_id: int) -> bool:
    total, due = sql_one(
        f"SELECT count(*), count(*) FILTER (WHERE {col(Deadline, 'kind')} = %s "
        f"AND {col(Deadline, 'procedure_version')} = %s AND {col(Deadline, 'owner_user')} = %s "
        f"AND {col(Deadline, 'due_date')} = %s) FROM {T_DEADLINE}",
        [KIND_DUE, version_id, user_id, ARGS.date],
    )
    return total == ARGS.rows and due == ARGS.due


def load(division_id: int, user_id: int, version_id: int, ct_id: int) -> float:
    """TRUNCATE the ledger and insert the rows with one INSERT … SELECT generate_series."""
    t0 = time.perf_counter()
    step = ARGS.rows // ARGS.due
    c = {
        f: col(Deadline, f)
        for f in (
            "content_type",
            "object_id",
            "kind",
            "procedure_version",
            "procedure_code",
            "dossier_code",
            "title",
            "owner_user",
            "owner_group",
            "owner_division",
            "due_date",
            "state",
            "paused",
            "escalation_level",
            "next_action_on",
            "opened_at",
            "closed_on",
        )
    }
    # Row classes, spread over the heap: every `step`-th row (up to --due) is due on the
    # sweep date; of the rest, by g % 10: 0 idle (open, ladder done or paused,
    # next_action_on NULL), 8–9 open with next step in the future, 1–7 closed met/missed.
    insert = f"""
        INSERT INTO {T_DEADLINE} ({", ".join(c.values())})
        SELECT %(ct)s, g::text, kind, %(version)s, 'bench-sweep',
               'BENCH-' || lpad(g::text, 7, '0'), 'Việc đo hiệu năng số ' || g,
               %(user)s, NULL, %(division)s, due, state,
               kind = %(idle)s AND g %% 3 = 0,
               CASE WHEN kind = %(idle)s AND g %% 3 <> 0 THEN 1 ELSE 0 END,
               CASE WHEN kind IN (%(due_k)s, %(open)s) THEN due END,
               now() - (g %% 400) * interval '1 day',
               CASE WHEN state = 'met' THEN due - g %% 5
                    WHEN state = 'missed' THEN due + 1 + g %% 5 END
        FROM (
            SELECT g, kind,
                   CASE kind WHEN %(due_k)s THEN %(today)s::date
                             WHEN %(open)s THEN %(today)s::date + 1 + g %% 365
                             WHEN %(idle)s THEN %(today)s::date - 1 - g %% 60
                             ELSE %(today)s::date - 1 - g %% 730 END AS due,
                   CASE kind WHEN %(closed)s THEN
                             CASE WHEN g %% 3 = 0 THEN 'missed' ELSE 'met' END
                             ELSE 'open' END AS state
            FROM (
                SELECT g,
                       CASE WHEN g %% %(step)s = 0 AND g / %(step)s <= %(n_due)s THEN %(due_k)s
                            WHEN g %% 10 = 0 THEN %(idle)s
                            WHEN g %% 10 >= 8 THEN %(open)s
                            ELSE %(closed)s END AS kind
                FROM generate_series(1, %(rows)s) AS g
            ) classes
        ) rows
    """
    params = {
        "ct": ct_id,
        "version": version_id,
        "user": user_id,
        "division": division_id,
        "today": ARGS.date,
        "step": step,
        "n_due": ARGS.due,
        "rows": ARGS.rows,
        "due_k": KIND_DUE,
        "open": KIND_OPEN,
        "idle": KIND_IDLE,
        "closed": KIND_CLOSED,
    }
    with transaction.atomic():
        sql_exec("SET LOCAL synchronous_commit = off")
        sql_exec(f"TRUNCATE {T_DEADLINE} RESTART IDENTITY CASCADE")
        sql_exec(insert, params)
    return time.perf_counter() - t0


def reset_due_rows() -> tuple[int, int]:
    """Make the due rows due again and drop their notifications (repeatable runs)."""
    with transaction.atomic():
        removed = sql_exec(
            f"DELETE FROM {T_NOTIFICATION} WHERE {col(Notification, 'deadline')} IN "
            f"(SELECT id FROM {T_DEADLINE} WHERE {col(Deadline, 'kind')} = %s)",
            [KIND_DUE],
        )
        reset = sql_exec(
            f"UPDATE {T_DEADLINE} SET {col(Deadline, 'escalation_level')} = 0, "
            f"{col(Deadline, 'next_action_on')} = {col(Deadline, 'due_date')}, "
            f"{col(Deadline, 'state')} = 'open', {col(Deadline, 'paused')} = false, "
            f"{col(Deadline, 'closed_on')} = NULL "
            f"WHERE {col(Deadline, 'kind')} = %s",
            [KIND_DUE],
        )
    return removed, reset


# --- the claim query ----------------------------------------------------------------
def claim_queryset(today: date, batch_size: int, skip=frozenset()):
    """The batch query of `deadlines_sweep`, as written there."""
    return (
        Deadline.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=Deadline.State.OPEN, next_action_on__lte=today)
        .exclude(pk__in=skip)
        .select_related("owner_user")
        .order_by("next_action_on", "pk")[:batch_size]
    )


def explain_first_batch(runs: int = 5) -> tuple[str, list[float]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the first batch, `runs` times after a warm-up, each
    rolled back. Returns the last plan and the server's execution times (ms)."""
    plan, times = "", []
    for _ in range(runs + 1):
        with transaction.atomic():
            plan = claim_queryset(ARGS.date, ARGS.batch_size).explain(analyze=True, buffers=True)
            transaction.set_rollback(True)
        for line in plan.splitlines():
            if line.startswith("Execution Time:"):
                times.append(float(line.split(":")[1].split()[0]))
    return plan, times[1:]


def time_first_batch(repeats: int) -> list[float]:
    """Wall time (ms) of claiming the first batch through the ORM, each rolled back."""
    out = []
    for _ in range(repeats + 1):
        with transaction.atomic():
            t0 = time.perf_counter()
            batch = list(claim_queryset(ARGS.date, ARGS.batch_size))
            out.append((time.perf_counter() - t0) * 1e3)
            transaction.set_rollback(True)
        assert len(batch) == min(ARGS.batch_size, ARGS.due), len(batch)
    return out[1:]  # the first one warms the cache


def time_claim_all() -> dict:
    """Claim every due row in batches, without the work, in one rolled-back transaction.

    Each claimed batch is retired with one bulk UPDATE (next_action_on = NULL, as the
    sweep leaves a row whose only step fired), so the next claim sees the next rows;
    only the claims are summed, the retiring UPDATEs are reported apart.
    """
    claims, retires, claimed = [], [], 0
    nao = col(Deadline, "next_action_on")
    with transaction.atomic():
        while True:
            t0 = time.perf_counter()
            ids = [d.pk for d in claim_queryset(ARGS.date, ARGS.batch_size)]
            claims.append(time.perf_counter() - t0)
            if not ids:
                break
            claimed += len(ids)
            t0 = time.perf_counter()
            sql_exec(f"UPDATE {T_DEADLINE} SET {nao} = NULL WHERE id = ANY(%s)", [ids])
            retires.append(time.perf_counter() - t0)
        transaction.set_rollback(True)
    return {
        "claimed": claimed,
        "batches": len(retires),
        "claim_s": sum(claims),
        "claim_batch_ms": [x * 1e3 for x in claims[:-1]],
        "empty_claim_ms": claims[-1] * 1e3,
        "retire_s": sum(retires),
    }


# --- the full sweep -----------------------------------------------------------------
class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def run_sweep() -> dict:
    dispatched = []
    real_dispatch = services._dispatch
    if ARGS.dispatch == "stub":
        # counts the ids it would send ({channel: ids}; in-app rows are never sent)
        services._dispatch = lambda by_channel: dispatched.extend(sum(by_channel.values(), []))
    else:

        def counting(ids):
            dispatched.extend(sum(ids.values(), []))
            real_dispatch(ids)

        services._dispatch = counting
    counter = QueryCounter()
    try:
        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            fired = services.deadlines_sweep(today=ARGS.date, batch_size=ARGS.batch_size)
            wall = time.perf_counter() - t0
    finally:
        services._dispatch = real_dispatch
    notes = Notification.objects.filter(deadline__kind=KIND_DUE)
    return {
        "wall_s": wall,
        "fired": fired,
        "queries": counter.n,
        "notifications": notes.count(),
        "in_app": notes.filter(channel="in_app", template=TEMPLATE).count(),
        "dispatched": len(dispatched),
        "still_due": Deadline.objects.filter(
            state=Deadline.State.OPEN, next_action_on__lte=ARGS.date
        ).count(),
    }


def main() -> None:
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0
    division_id, user_id, version_id, ct_id, step = fixtures()

    reloaded = ARGS.reload or not loaded(user_id, version_id)
    load_s = vacuum_s = 0.0
    if reloaded:
        print(f"loading {ARGS.rows:,} ledger rows ({ARGS.due:,} due) …", flush=True)
        load_s = load(division_id, user_id, version_id, ct_id)
        vacuum_s = vacuum_analyze(T_DEADLINE, T_NOTIFICATION)
    removed, reset = reset_due_rows()
    reset_vacuum_s = vacuum_analyze(T_DEADLINE, T_NOTIFICATION)

    counts = dict(
        zip(
            ["rows", "open", "in_partial_index", "due", "table_size", "partial_index_size"],
            sql_one(
                f"SELECT count(*), "
                f"count(*) FILTER (WHERE state = 'open'), "
                f"count(*) FILTER (WHERE state = 'open' AND next_action_on IS NOT NULL), "
                f"count(*) FILTER (WHERE state = 'open' AND next_action_on <= %s), "
                f"pg_size_pretty(pg_total_relation_size(%s)), "
                f"pg_size_pretty(pg_relation_size(%s)) FROM {T_DEADLINE}",
                [ARGS.date, T_DEADLINE, PARTIAL_INDEX],
            ),
            strict=True,
        )
    )
    if counts["rows"] != ARGS.rows or counts["due"] != ARGS.due:
        sys.exit(f"unexpected ledger contents {counts}; run with --reload")

    print("motcua deadline-sweep benchmark")
    print(
        f"  PostgreSQL {sql_one('SHOW server_version')[0]} db {DB_NAME}"
        f"{' (created)' if DB_CREATED else ''}; django {django.get_version()}; "
        f"sweep date {ARGS.date}; batch size {ARGS.batch_size}"
    )
    print(
        f"  ledger: {counts['rows']:,} rows, {counts['open']:,} open, "
        f"{counts['in_partial_index']:,} in the partial index, {counts['due']:,} due; "
        f"table+indexes {counts['table_size']}, {PARTIAL_INDEX} {counts['partial_index_size']}"
    )
    print(
        f"  ladder: one step (offset {step.offset}, {step.recipient}, {step.template}, "
        f"{step.channels}); owner: one active user"
    )
    if reloaded:
        print(
            f"  load: INSERT … SELECT generate_series {load_s:.1f} s, "
            f"VACUUM ANALYZE {vacuum_s:.1f} s"
        )
    else:
        print("  load: reused the rows already in the table (--reload forces a reload)")
    print(
        f"  reset: {reset:,} due rows re-armed, {removed:,} old notifications deleted, "
        f"VACUUM ANALYZE {reset_vacuum_s:.2f} s"
    )

    # (a) the claim query
    print()
    print("(a) claim query — Deadline.objects.select_for_update(skip_locked=True, of=('self',))")
    print("    .filter(state='open', next_action_on__lte=today).exclude(pk__in=skip)")
    print(f"    .select_related('owner_user').order_by('next_action_on', 'pk')[:{ARGS.batch_size}]")
    plan, exec_times = explain_first_batch()
    exec_ms = statistics.median(exec_times) if exec_times else None
    print("  EXPLAIN (ANALYZE, BUFFERS) of the first batch (last of 5 warm runs):")
    for line in plan.splitlines():
        print(f"    {line}")
    uses_index = PARTIAL_INDEX in plan
    print(f"  partial index {PARTIAL_INDEX} used: {'YES' if uses_index else 'NO'}")
    if exec_times:
        print(
            f"  server execution time of the first batch: median {exec_ms:.2f} ms, "
            f"min {min(exec_times):.2f} ms, max {max(exec_times):.2f} ms"
        )
    first = time_first_batch(ARGS.repeats)
    print(
        f"  first batch of {ARGS.batch_size} through the ORM ({ARGS.repeats} runs, each "
        f"rolled back): median {statistics.median(first):.2f} ms, "
        f"min {min(first):.2f} ms, max {max(first):.2f} ms"
    )
    every = time_claim_all()
    per_batch = every["claim_batch_ms"]
    print(
        f"  claim all: {every['claimed']:,} rows in {every['batches']} batches: "
        f"claims {every['claim_s'] * 1e3:.0f} ms in total "
        f"(per batch median {statistics.median(per_batch):.2f} ms, "
        f"first {per_batch[0]:.2f} ms, last {per_batch[-1]:.2f} ms; "
        f"final empty claim {every['empty_claim_ms']:.2f} ms); "
        f"retiring UPDATEs, not counted: {every['retire_s'] * 1e3:.0f} ms; rolled back"
    )
    vacuum_analyze(T_DEADLINE)  # clear the rolled-back row versions before the sweep

    # (b) the full sweep
    print()
    print(f"(b) full sweep — deadlines_sweep(today={ARGS.date}, batch_size={ARGS.batch_size})")
    if ARGS.dispatch == "stub":
        print(
            "  delivery dispatch: notifications.services._dispatch replaced by a no-op "
            "that counts ids (Celery .delay not called)"
        )
    else:
        print(
            "  delivery dispatch: real _dispatch, Celery .delay to the in-memory broker "
            f"({settings.CELERY_BROKER_URL})"
        )
    sweep = run_sweep()
    rate = sweep["fired"] / sweep["wall_s"] if sweep["wall_s"] else 0.0
    print(
        f"  wall {sweep['wall_s']:.2f} s; steps fired {sweep['fired']:,}; notifications "
        f"created {sweep['notifications']:,} ({sweep['in_app']:,} in-app "
        f"{TEMPLATE}); ids dispatched after commit {sweep['dispatched']:,}"
    )
    print(
        f"  {rate:,.0f} rows/s, {sweep['wall_s'] / max(sweep['fired'], 1) * 1e3:.2f} ms/row, "
        f"{sweep['queries']:,} SQL statements ({sweep['queries'] / max(sweep['fired'], 1):.1f}"
        f"/row); rows still due afterwards: {sweep['still_due']:,}"
    )
    ok = (
        sweep["fired"] == ARGS.due
        and sweep["notifications"] == ARGS.due
        and sweep["dispatched"] == ARGS.due
        and sweep["still_due"] == 0
    )
    total_s = time.perf_counter() - t_start

    print()
    print("SUMMARY")
    claim_all = f"claim, all {every['claimed']:,} in {every['batches']} batches"
    dispatch = "stubbed (no-op)" if ARGS.dispatch == "stub" else "Celery memory:// broker"
    rows = [
        ("ledger rows / due rows", f"{counts['rows']:,} / {counts['due']:,}"),
        ("partial index used by the claim", "yes" if uses_index else "NO"),
    ]
    if exec_ms is not None:
        rows.append(("claim, first batch (server)", f"{exec_ms:.2f} ms  (EXPLAIN ANALYZE, median)"))
    rows += [
        ("claim, first batch (ORM wall)", f"{statistics.median(first):.2f} ms  (median)"),
        (claim_all, f"{every['claim_s'] * 1e3:.0f} ms  (no work, rolled back)"),
        ("full sweep wall time", f"{sweep['wall_s']:.2f} s"),
        ("steps fired / notifications", f"{sweep['fired']:,} / {sweep['notifications']:,}"),
        (
            "throughput",
            f"{rate:,.0f} rows/s  ({sweep['wall_s'] / max(sweep['fired'], 1) * 1e3:.2f} ms/row)",
        ),
        ("dispatch", dispatch),
        ("checks (fired = notified = due)", "OK" if ok else "MISMATCH"),
        (f"script total (incl. migrate {migrate_s:.1f} s)", f"{total_s:.1f} s"),
    ]
    for label, value in rows:
        print(f"  {label:38} {value}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
