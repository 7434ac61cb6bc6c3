"""Benchmark of the managers' page across procedures, on PostgreSQL, with 1,000,000 ledger
rows of which 200,000 are open.

Loads (once, or again with `--reload`) N ledger rows (default 1,000,000) with SQL
`generate_series`: 10 divisions, 200 officers, every procedure of the apps (radiation,
result registration, councils, S&T tasks, penalties), one row in five open (due from 60
days ago to 60 days ahead), the others closed met or missed over the last six quarters;
20,000 radiation dossiers for the radiation rows to point at. Then prints, after a
warm-up, the SQL query count and the server time (median, 95th percentile over R
requests through Django's test client) of:

- the department page (director), its list filtered, a later page, a search; the
  first view after a tally refresh (the counts are cached for the life of a tally);
- a division head's page and an officer's page;
- the radiation manager page (`/can-bo/quan-ly/`), and "before": main's queries of that
  page (a dossier-status subquery per ledger row) replayed on the same data;
- the straightforward alternative to the tally: one GROUP BY GROUPING SETS over the open
  rows' partial index, and the tally's refresh itself;
- same-run references: `/healthz` and `SELECT count(*)` on the open rows' index.

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/manager_bench.py            # reuses loaded data
    .venv/bin/python benchmarks/manager_bench.py --reload   # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_manager_bench) names the
database; it is created if missing and migrated; a name without "bench" is refused.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_env import bench_start  # noqa: E402

ARGS = bench_start(
    "manager_bench",
    database="postgres://postgres@127.0.0.1:5432/motcua_manager_bench",
    size=("--rows", 1_000_000),
    description=__doc__,
)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import BigIntegerField, Count, OuterRef, Q, Subquery  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from penalties.models import PenaltyCase  # noqa: E402
from permits.models import Dossier, DossierKind, Status  # noqa: E402
from tasks_lifecycle.models import Council, Task  # noqa: E402
from workflows import manager  # noqa: E402
from workflows.models import Deadline, Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402
from workflows.selectors import procedure_version_for  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
OPEN_EVERY = 5  # one row in five is open: 200,000 of 1,000,000
DOSSIERS = 20_000
# (case model, procedure code, ledger kinds)
PROCEDURES = [
    (Dossier, "bx-giay-phep-moi", ["check", "step", "result", "apology"]),
    (Dossier, "bx-giay-phep-gia-han", ["check", "step", "result"]),
    (Dossier, "bx-giay-phep-sua-doi", ["check", "step", "result"]),
    (Dossier, "bx-chung-chi", ["check", "step", "result"]),
    (Dossier, "khcn-dang-ky-ket-qua", ["check", "step", "result"]),
    (Council, "hd-tu-van-khcn", ["papers_due", "meeting_due", "review_due"]),
    (Task, "nhiem-vu-khcn", ["inspection_due", "approval", "publication"]),
    (PenaltyCase, "xu-phat-vphc", ["decision", "delivery", "payment"]),
]


def people():
    divisions = [
        Division.objects.get_or_create(
            code=f"bench-phong-{d}", defaults={"name": f"Phòng {d + 1}"}
        )[0]
        for d in range(10)
    ]
    specialist = Group.objects.get(name=Role.SPECIALIST)
    head_group = Group.objects.get(name=Role.HEAD_OF_DIVISION)
    officers = []
    for i in range(200):
        u, _c = User.objects.get_or_create(
            username=f"bench-cv-{i:03d}",
            defaults={
                "last_name": "Cán bộ",
                "first_name": f"{i:03d}",
                "division": divisions[i % 10],
            },
        )
        u.groups.add(specialist)
        officers.append(u)
    heads = []
    for d, division in enumerate(divisions):
        u, _c = User.objects.get_or_create(
            username=f"bench-tp-{d}", defaults={"last_name": "Trưởng phòng", "division": division}
        )
        u.groups.add(head_group)
        heads.append(u)
    director, _c = User.objects.get_or_create(
        username="bench-giamdoc", defaults={"last_name": "Giám đốc"}
    )
    director.groups.add(Group.objects.get(name=Role.DIRECTOR))
    return divisions, officers, heads, director


def load(n: int, divisions, officers) -> None:
    today = timezone.localdate()
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE workflows_deadline, workflows_ledgertally, workflows_ledgerquartertally"
            " CASCADE"
        )
        c.execute("DELETE FROM workflows_ledgertallystamp")
    Dossier.objects.filter(code__startswith="BENCH-BX-").delete()
    version = procedure_version_for("bx-giay-phep-moi", today)
    Dossier.objects.bulk_create(
        (
            Dossier(
                code=f"BENCH-BX-{i:05d}",
                lookup_key="ABCDEFGH",
                kind=DossierKind.PERMIT_NEW,
                procedure_version=version,
                applicant=officers[0],
                status=(Status.SUBMITTED, Status.APPRAISAL, Status.REVIEW)[i % 3],
                organisation_name=f"Cơ sở {i}",
                organisation_address="Sơn La",
                business_registration_no=f"55{i:08d}",
                contact_phone="0212 000 000",
            )
            for i in range(DOSSIERS)
        ),
        batch_size=5000,
    )
    first_dossier = Dossier.objects.filter(code="BENCH-BX-00000").values_list("pk", flat=True)[0]
    cts = [ContentType.objects.get_for_model(m).pk for m, _p, _k in PROCEDURES]
    codes = [p for _m, p, _k in PROCEDURES]
    # each division handles two procedures: officer o → division o % 10 → procedure
    # (d % 8) or ((d + 3) % 8), and a kind of that procedure; a missed row was due
    # before its closing day, a met one on or after it; older quarters miss more
    kinds = [k for _m, _p, ks in PROCEDURES for k in (ks + ks)[:4]]  # 4 per procedure
    user_ids = [u.pk for u in officers]
    division_ids = [u.division_id for u in officers]
    with connection.cursor() as c:
        c.execute(
            """
            INSERT INTO workflows_deadline
              (object_id, kind, procedure_code, dossier_code, title, due_date, state, paused,
               escalation_level, next_action_on, opened_at, closed_on, content_type_id,
               owner_group_id, owner_user_id, owner_division_id, procedure_version_id, ref)
            SELECT
              CASE WHEN g.p < 5 THEN (%(first)s + g.i %% %(dossiers)s)::text ELSE g.i::text END,
              (%(kinds)s::text[])[1 + g.p * 4 + g.i %% 4],
              (%(codes)s::text[])[1 + g.p],
              CASE WHEN g.p < 5 THEN 'BENCH-BX-' || lpad((g.i %% %(dossiers)s)::text, 5, '0')
                   ELSE 'BENCH-' || g.i END,
              'Việc số ' || g.i,
              CASE WHEN g.open THEN %(today)s::date + ((g.i * 7919) %% 121 - 60)::int
                   WHEN ((g.i * 37) %% 100) < 6 + ((g.i * 104729) %% 540) / 25
                   THEN %(today)s::date - ((g.i * 104729) %% 540)::int - 1 - (g.i %% 9)::int
                   ELSE %(today)s::date - ((g.i * 104729) %% 540)::int + (g.i %% 5)::int END,
              CASE WHEN g.open THEN 'open'
                   WHEN ((g.i * 37) %% 100) < 6 + ((g.i * 104729) %% 540) / 25 THEN 'missed'
                   ELSE 'met' END,
              false, 0, NULL, now(),
              CASE WHEN g.open THEN NULL ELSE %(today)s::date - ((g.i * 104729) %% 540)::int END,
              (%(cts)s::int[])[1 + g.p],
              NULL,
              (%(users)s::bigint[])[1 + g.o],
              (%(divisions)s::bigint[])[1 + g.o],
              NULL, ''
            FROM (
              SELECT s.i, s.i %% %(every)s = 0 AS open, (s.i / %(every)s) %% 200 AS o,
                     ((((s.i / %(every)s) %% 200) %% 10) + 3 * ((s.i / 1000) %% 2)) %% 8 AS p
              FROM generate_series(1::bigint, %(n)s::bigint) AS s(i)
            ) g
            """,
            {
                "first": first_dossier,
                "dossiers": DOSSIERS,
                "kinds": kinds,
                "codes": codes,
                "today": today,
                "cts": cts,
                "users": user_ids,
                "divisions": division_ids,
                "every": OPEN_EVERY,
                "n": n,
            },
        )
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE workflows_deadline")
        c.execute("VACUUM ANALYZE permits_dossier")
    print(f"loaded {n:,} ledger rows in {time.perf_counter() - t0:.1f} s")


def timed(fn, repeats: int, before=None) -> tuple[int, float, float, float, float]:
    """Query count, server time (median, 95th percentile), and the medians of the
    process's CPU time and of the SQL time (the machine is shared: wall time also
    counts waiting for a core). `before` runs, untimed, before each request."""
    fn()  # warm-up
    times, cpu, db, queries = [], [], [], 0
    for _ in range(repeats):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        queries = len(ctx.captured_queries)
        db.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    times.sort()
    return (
        queries,
        statistics.median(times),
        times[max(int(len(times) * 0.95) - 1, 0)],
        statistics.median(cpu),
        statistics.median(db),
    )


def page(client, url):
    def fn():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return fn


def report(label: str, figures) -> None:
    q, med, p95, cpu, db = figures
    print(
        f"  {label:<58} {q:>3} queries  median {med:7.1f} ms  p95 {p95:7.1f} ms"
        f"  (CPU {cpu:6.1f} ms, SQL {db:6.1f} ms)"
    )


# main's queries of the radiation manager page, replayed (the count by step looked up
# each dossier's status in a subquery per ledger row)
def radiation_before():
    from permits.selectors import STAFF_DEADLINE_KINDS, soon_limit

    today = timezone.localdate()
    status = Subquery(
        Dossier.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField())).values("status")[
            :1
        ]
    )
    window = (
        Deadline.objects.filter(state="open", paused=False, due_date__lte=soon_limit(today))
        .filter(
            content_type=ContentType.objects.get_for_model(Dossier), kind__in=STAFF_DEADLINE_KINDS
        )
        .annotate(dossier_status=status)
    )

    def counts(fields):
        return list(
            window.order_by()
            .values(*fields)
            .annotate(
                total=Count("id"),
                overdue=Count("id", filter=Q(due_date__lt=today)),
                due_soon=Count("id", filter=Q(due_date__gte=today)),
            )
        )

    def fn():
        window.count()
        list(window.select_related("owner_user", "owner_group").order_by("due_date", "id")[:50])
        counts(["kind", "dossier_status"])
        counts(["owner_user_id", "owner_user__username", "owner_group__name"])

    return fn


def sql(statement: str, params=()):
    def fn():
        with connection.cursor() as c:
            c.execute(statement, params)
            c.fetchall()

    return fn


def main() -> None:
    call_command("migrate", verbosity=0)
    divisions, officers, heads, director = people()
    if ARGS.reload or not Deadline.objects.exists():
        load(ARGS.rows, divisions, officers)
    total = Deadline.objects.count()
    open_rows = Deadline.objects.filter(state="open").count()
    print(
        f"ledger: {total:,} rows, {open_rows:,} open; "
        f"{len(officers)} officers, {len(divisions)} divisions"
    )
    r = ARGS.repeats
    today = timezone.localdate()
    soon = manager.soon_until(today)

    manager.LedgerTallyStamp.objects.all().delete()
    t0 = time.perf_counter()
    manager.tally_refresh()
    print(f"  first tally refresh (the open rows and six quarters): "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms")  # fmt: skip
    t = timed(lambda: manager.tally_refresh(), 5)
    report("tally refresh (beat, every minute): DELETE + INSERT … SELECT", t)
    print(f"  tally: {manager.LedgerTally.objects.count():,} rows; quarter tally: "
          f"{manager.LedgerQuarterTally.objects.count():,} rows")  # fmt: skip
    report(
        "alternative: one GROUP BY GROUPING SETS over the open rows",
        timed(
            sql(
                """SELECT owner_division_id, owner_user_id, procedure_code, content_type_id, kind,
                          count(*) FILTER (WHERE due_date < %s) AS overdue,
                          count(*) FILTER (WHERE due_date >= %s AND due_date <= %s) AS soon
                   FROM workflows_deadline WHERE state = 'open' AND NOT paused
                   GROUP BY GROUPING SETS ((owner_division_id), (owner_user_id),
                                           (procedure_code), (content_type_id, kind), ())""",
                [today, today, soon],
            ),
            r,
        ),
    )
    report(
        "alternative: the same for one division",
        timed(
            sql(
                """SELECT owner_user_id, procedure_code, content_type_id, kind,
                          count(*) FILTER (WHERE due_date < %s) AS overdue,
                          count(*) FILTER (WHERE due_date >= %s AND due_date <= %s) AS soon
                   FROM workflows_deadline WHERE state = 'open' AND NOT paused
                     AND owner_division_id = %s
                   GROUP BY GROUPING SETS ((owner_user_id), (procedure_code),
                                           (content_type_id, kind), ())""",
                [today, today, soon, divisions[0].pk],
            ),
            r,
        ),
    )
    report(
        "alternative: on-time rate per quarter from the closed rows",
        timed(
            sql(
                """SELECT date_trunc('quarter', closed_on), count(*) FILTER (WHERE state = 'met'),
                          count(*) FILTER (WHERE state = 'missed')
                   FROM workflows_deadline WHERE state IN ('met', 'missed') AND closed_on >= %s
                   GROUP BY 1""",
                [manager.quarters_shown(today)[0].start],
            ),
            max(r // 4, 3),
        ),
    )
    report(
        "reference: SELECT count(*) of the open rows (partial index)",
        timed(sql("SELECT count(*) FROM workflows_deadline WHERE state = 'open'"), r),
    )

    manager.tally_refresh()
    client = Client()
    report("reference: /healthz", timed(page(client, "/healthz"), r))
    step = manager.step_param(ContentType.objects.get_for_model(Dossier).pk, "step")
    for user, label, urls in (
        (
            director,
            "director",
            [
                "/quan-ly/",
                "/quan-ly/?window=open",
                f"/quan-ly/?division={divisions[3].pk}&window=overdue",
                f"/quan-ly/?procedure=bx-giay-phep-moi&step={step}",
                "/quan-ly/?age=late_11_30&page=40",
                f"/quan-ly/?quarter={manager.quarters_shown(today)[-2].code}&state=missed",
                "/quan-ly/?q=BENCH-BX-0012",
                "/quan-ly/?q=Vi%E1%BB%87c+s%E1%BB%91+12345",
            ],
        ),
        (heads[0], "head of division", ["/quan-ly/"]),
        (officers[7], "officer", ["/quan-ly/"]),
        (director, "radiation page, after", ["/can-bo/quan-ly/"]),
    ):
        client.force_login(user)
        for url in urls:
            manager.tally_refresh()  # fresh: no request of the run refreshes it
            report(f"{label}: {url}", timed(page(client, url), r))
            if url == "/quan-ly/":  # the first view after each refresh: counts not cached
                report(
                    f"{label}: {url}, first view after a refresh",
                    timed(page(client, url), max(r // 4, 3), before=manager.tally_refresh),
                )
    report(
        "radiation page, before: main's queries replayed",
        timed(radiation_before(), max(r // 4, 3)),
    )


if __name__ == "__main__":
    main()
