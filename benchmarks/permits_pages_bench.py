"""Benchmark of the radiation staff pages at 1,000 cases, on PostgreSQL.

Loads N permit dossiers (default 1,000) spread over the states of the procedure,
starts the viewflow process of every open one through `permits.flows.flow_start_for`
(so each task sits at the step its dossier's status calls for), and writes the ledger
rows of their steps with due dates spread around today. Then, through the Django test
client, requests each page R times after a warm-up and prints the number of SQL
queries and the server time (median and 90th percentile) of:

- the viewflow inbox of a specialist (`/workflow/inbox/`: appraisal tasks assigned to
  them),
- the viewflow queue of a one-stop officer (`/workflow/queue/`: checks to claim),
- the manager page (`permits:manager`) of the head of division.

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/permits_pages_bench.py             # reuses loaded data
    .venv/bin/python benchmarks/permits_pages_bench.py --reload    # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_permits_bench) names
the database; it is created if missing and migrated. The script refuses a database
whose name does not contain "bench" unless --allow-any-db is given, because loading
deletes the previous benchmark cases (codes starting with BENCH-).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_permits_bench"
PREFIX = "BENCH-"
SPECIALISTS = 5

# share of the cases in each state (sums to 100)
SPREAD = [
    ("submitted", 20),
    ("supplement", 10),
    ("awaiting_fee", 10),
    ("appraisal", 30),
    ("review", 10),
    ("signing", 10),
    ("issued", 5),
    ("refused", 5),
]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=20, help="timed requests per page")
    p.add_argument("--reload", action="store_true", help="load the cases again")
    p.add_argument("--allow-any-db", action="store_true")
    return p.parse_args()


ARGS = parse_args()
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
from bench_env import bench_database, local_run_defaults  # noqa: E402

local_run_defaults()
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # never a real broker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

bench_database("permits_pages_bench", allow_any=ARGS.allow_any_db)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from viewflow.workflow.models import Process, Task  # noqa: E402

from permits import flows  # noqa: E402
from permits.models import Dossier, DossierKind  # noqa: E402
from workflows.models import Deadline, Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402
from workflows.selectors import procedure_version_for  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


# --- people ---------------------------------------------------------------------------
def user(username: str, role: str, division: Division | None) -> User:
    u, _ = User.objects.get_or_create(
        username=username,
        defaults={"first_name": username, "last_name": "Bench", "division": division},
    )
    u.groups.add(Group.objects.get(name=role))
    return u


def people() -> dict:
    one_stop, _ = Division.objects.get_or_create(code="mot-cua", defaults={"name": "Một cửa"})
    tech, _ = Division.objects.get_or_create(
        code="cn-qlkhcs", defaults={"name": "Phòng Công nghệ và Quản lý khoa học cơ sở"}
    )
    return {
        "applicant": user("bench-phongkham", Role.APPLICANT, None),
        "officer": user("bench-motcua", Role.ONE_STOP_OFFICER, one_stop),
        "accountant": user("bench-ketoan", Role.ACCOUNTANT, None),
        "specialists": [
            user(f"bench-chuyenvien{i}", Role.SPECIALIST, tech) for i in range(SPECIALISTS)
        ],
        "head": user("bench-truongphong", Role.HEAD_OF_DIVISION, tech),
        "director": user("bench-giamdoc", Role.DIRECTOR, None),
    }


# --- loading ----------------------------------------------------------------------------
def statuses(n: int) -> list[str]:
    out = []
    for status, share in SPREAD:
        out += [status] * (n * share // 100)
    out += ["appraisal"] * (n - len(out))
    return out


def unload() -> None:
    ct = ContentType.objects.get_for_model(Dossier)
    ids = list(Dossier.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    with transaction.atomic():
        processes = Process.objects.filter(artifact_content_type=ct, artifact_object_id__in=ids)
        Task.previous.through.objects.filter(from_task__process__in=processes).delete()
        Task.objects.filter(process__in=processes).delete()
        processes.delete()
        Deadline.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids]).delete()
        Dossier.objects.filter(pk__in=ids).delete()


def load(p: dict, n: int) -> float:
    """Bulk-insert the dossiers, start their flows, bulk-insert their ledger rows."""
    t0 = time.perf_counter()
    today = timezone.localdate()
    version = procedure_version_for("bx-giay-phep-moi", today)
    specialists = p["specialists"]
    rows = []
    for i, status in enumerate(statuses(n)):
        has_specialist = status in ("appraisal", "review", "signing", "issued", "refused")
        rows.append(
            Dossier(
                code=f"{PREFIX}{i:05d}",
                lookup_key="BENCHKEY",
                kind=DossierKind.PERMIT_NEW,
                procedure_version=version,
                applicant=p["applicant"],
                status=status,
                organisation_name=f"Cơ sở y tế số {i}",
                organisation_address="Tô Hiệu, TP. Sơn La",
                business_registration_no=f"55{i:08d}",
                contact_phone="0212 3850 123",
                submitted_on=today - timedelta(days=i % 30),
                fee_total=3_000_000,
                specialist=specialists[i % SPECIALISTS] if has_specialist else None,
            )
        )
    Dossier.objects.bulk_create(rows, batch_size=500)
    dossiers = list(Dossier.objects.filter(code__startswith=PREFIX).order_by("pk"))
    for d in dossiers:  # the real start: the route puts each task at its step
        flows.flow_start_for(d)

    ct = ContentType.objects.get_for_model(Dossier)
    groups = {g.name: g for g in Group.objects.all()}
    owner_of = {
        "submitted": ("check", None, groups[Role.ONE_STOP_OFFICER]),
        "awaiting_fee": ("step", None, groups[Role.ACCOUNTANT]),
        "appraisal": ("step", "specialist", groups[Role.SPECIALIST]),
        "review": ("step", None, groups[Role.HEAD_OF_DIVISION]),
        "signing": ("step", None, groups[Role.DIRECTOR]),
        "supplement": ("supplement", "applicant", None),
    }
    ledger = []
    for i, d in enumerate(dossiers):
        due = today + timedelta(days=(i % 21) - 10)  # from 10 days late to 10 days ahead
        common = {
            "content_type": ct,
            "object_id": str(d.pk),
            "procedure_version": version,
            "procedure_code": "bx-giay-phep-moi",
            "dossier_code": d.code,
        }
        if d.status in owner_of:
            kind, who, group = owner_of[d.status]
            owner = {"specialist": d.specialist, "applicant": p["applicant"]}.get(who)
            ledger.append(
                Deadline(
                    kind=kind,
                    title=f"{kind} {d.code}",
                    owner_user=owner,
                    owner_group=group,
                    due_date=due,
                    **common,
                )
            )
        state = Deadline.State.OPEN if d.status in flows.OPEN_STATUSES else Deadline.State.MET
        ledger.append(
            Deadline(
                kind="result",
                title=f"result {d.code}",
                owner_group=groups[Role.SPECIALIST],
                due_date=due + timedelta(days=15),
                state=state,
                paused=d.status in ("submitted", "supplement", "awaiting_fee"),
                **common,
            )
        )
    Deadline.objects.bulk_create(ledger, batch_size=1000)
    with connection.cursor() as cur:
        for table in (Dossier, Deadline, Process, Task):
            cur.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
    return time.perf_counter() - t0


# --- measuring ----------------------------------------------------------------------------
class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def measure(client: Client, url: str, repeats: int) -> dict:
    for _ in range(2):  # warm-up: templates, calendar, content types
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, counts = [], []
    for _ in range(repeats):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1e3)
        assert response.status_code == 200
        counts.append(counter.n)
    times.sort()
    return {
        "queries": max(counts),
        "median_ms": statistics.median(times),
        "p90_ms": times[int(0.9 * (len(times) - 1))],
        "bytes": len(response.content),
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    p = people()
    n_loaded = Dossier.objects.filter(code__startswith=PREFIX).count()
    if ARGS.reload or n_loaded != ARGS.cases:
        unload()
        print(f"loading {ARGS.cases} cases …", flush=True)
        print(f"  loaded in {load(p, ARGS.cases):.1f} s")
    else:
        print(f"reusing {n_loaded} loaded cases (--reload to load again)")

    specialist = p["specialists"][0]
    tasks = Task.objects.filter(process__flow_class__in=flows.FLOWS)
    inbox_rows = tasks.filter(owner=specialist, status="ASSIGNED").count()
    queue_rows = tasks.filter(flow_task=flows.PermitFlow.check, status="NEW").count()
    manager_rows = Deadline.objects.filter(dossier_code__startswith=PREFIX).count()
    print(
        f"database {connection.settings_dict['NAME']} ({connection.vendor}); "
        f"{Process.objects.filter(flow_class__in=flows.FLOWS).count()} processes, "
        f"{tasks.count()} tasks, {manager_rows} ledger rows of the cases"
    )

    pages = [
        ("inbox of a specialist", specialist, reverse("workflow:inbox"), inbox_rows),
        ("queue of a one-stop officer", p["officer"], reverse("workflow:queue"), queue_rows),
        ("manager page (head of division)", p["head"], reverse("permits:manager"), None),
    ]
    print(f"\n{'page':<34}{'rows':>6}{'queries':>9}{'median ms':>11}{'p90 ms':>9}")
    for label, who, url, rows in pages:
        client = Client()
        client.force_login(who)
        m = measure(client, url, ARGS.repeats)
        rows_txt = "" if rows is None else str(rows)
        print(
            f"{label:<34}{rows_txt:>6}{m['queries']:>9}{m['median_ms']:>11.1f}{m['p90_ms']:>9.1f}"
        )
    print(f"\n{ARGS.repeats} timed requests per page after 2 warm-ups; server time in-process.")


if __name__ == "__main__":
    main()
