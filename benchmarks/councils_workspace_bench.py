"""Benchmark of the council secretary's workspace with 200 councils, on PostgreSQL.

Loads N councils (default 200) of every kind and status for one secretary, each with
9 memberships and the ledger rows a constituted council has (papers, meeting, a review
and its watch per member), then through the Django test client requests the workspace
(`/hoi-dong/`, 20 councils a page, each with its member count and the next row its
secretary owes) R times after a warm-up, first page and a later page, and prints the
number of SQL queries and the server time (median and 90th percentile).

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/councils_workspace_bench.py            # reuses loaded data
    .venv/bin/python benchmarks/councils_workspace_bench.py --reload   # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_councils_bench) names
the database; it is created if missing and migrated; a name without "bench" is refused.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_councils_bench"
PREFIX = "BENCH-HD-"


from bench_env import bench_start, measure_get  # noqa: E402

ARGS = bench_start(
    "councils_workspace_bench", database=DEFAULT_URL, size=("--councils", 200), description=__doc__
)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tasks_lifecycle.models import Council, CouncilKind, Expert, Membership, Status  # noqa: E402
from workflows.models import Deadline, Division, User  # noqa: E402
from workflows.roles import Role  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
ROLES = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"] + ["member"] * 4


def secretary() -> User:
    qlkh, _ = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng QLKH"})
    u, _ = User.objects.get_or_create(
        username="bench-thuky", defaults={"last_name": "Bench", "division": qlkh}
    )
    u.groups.add(Group.objects.get(name=Role.COUNCIL_SECRETARY))
    return u


def unload() -> None:
    ct = ContentType.objects.get_for_model(Council)
    ids = list(Council.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    with transaction.atomic():
        Deadline.objects.filter(content_type=ct, object_id__in=[str(i) for i in ids]).delete()
        Membership.objects.filter(council_id__in=ids).delete()
        Council.objects.filter(pk__in=ids).delete()


def load(sec: User, n: int) -> float:
    t0 = time.perf_counter()
    today = timezone.localdate()
    kinds = list(CouncilKind.objects.all())
    statuses = [s for s, _label in Status.choices]
    experts = list(Expert.objects.filter(full_name__startswith="Bench"))
    if len(experts) < 9:
        Expert.objects.bulk_create(
            Expert(full_name=f"Bench chuyên gia {i}", organisation="Viện", field="x")
            for i in range(9)
        )
        experts = list(Expert.objects.filter(full_name__startswith="Bench"))
    councils = Council.objects.bulk_create(
        Council(
            kind=kinds[i % len(kinds)],
            code=f"{PREFIX}{i:04d}",
            title=f"Hội đồng benchmark số {i}",
            meeting_on=today + timedelta(days=(i % 40) - 20),
            secretary=sec,
            status=statuses[i % len(statuses)],
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(council=c, expert=e, role=r)
        for c in councils
        for e, r in zip(experts[:9], ROLES, strict=True)
    )
    ct = ContentType.objects.get_for_model(Council)
    rows = []
    for i, c in enumerate(councils):
        base = {"content_type": ct, "object_id": str(c.pk), "procedure_code": "hd-tu-van-khcn",
                "dossier_code": c.code}  # fmt: skip
        due = today + timedelta(days=(i % 21) - 10)
        rows.append(Deadline(**base, kind="papers_due", title=f"{c.code}: Gửi tài liệu",
                             due_date=due, owner_user=sec))  # fmt: skip
        rows.append(Deadline(**base, kind="meeting_due", title=f"{c.code}: Họp",
                             due_date=c.meeting_on, owner_user=sec))  # fmt: skip
        for k in range(9):
            rows.append(Deadline(**base, kind="review_due", title=f"{c.code}: nhận xét {k}",
                                 due_date=due + timedelta(days=3)))  # fmt: skip
            rows.append(Deadline(**base, kind="review_watch", title=f"{c.code}: theo dõi {k}",
                                 due_date=due + timedelta(days=3), owner_user=sec))  # fmt: skip
    Deadline.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - t0


measure = measure_get


def main() -> None:
    call_command("migrate", verbosity=0)
    sec = secretary()
    have = Council.objects.filter(code__startswith=PREFIX).count()
    if ARGS.reload or have != ARGS.councils:
        unload()
        print(f"loaded {ARGS.councils} councils in {load(sec, ARGS.councils):.1f} s")
    client = Client()
    client.force_login(sec)
    print(f"secretary's workspace, {ARGS.councils} councils, {ARGS.repeats} requests each:")
    for label, url in (("first page", "/hoi-dong/"), ("page 10", "/hoi-dong/?page=10"),
                       ("all councils", "/hoi-dong/?view=all")):  # fmt: skip
        q, median, p90 = measure(client, url, ARGS.repeats)
        print(f"  {label:<13} {q:>3} queries  median {median:6.1f} ms  p90 {p90:6.1f} ms")


if __name__ == "__main__":
    main()
