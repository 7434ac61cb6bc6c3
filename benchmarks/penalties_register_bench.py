"""Benchmark of the penalty register (penalties:register) with 10,000 decisions, on
PostgreSQL.

Loads N penalty decisions (default 10,000) spread over the stages (awaiting payment,
overdue with a partial payment, instalments, paid), each with its treasury receipts and
reliefs, in bulk (this measures the page, not the services). Then, through the Django
test client signed in as the accountant, requests the register (first page, a filtered
page, a late page) R times after a warm-up and prints the number of SQL queries and the
server time (median and 90th percentile). It prints figures; it is not a test:

    .venv/bin/python benchmarks/penalties_register_bench.py            # reuses loaded data
    .venv/bin/python benchmarks/penalties_register_bench.py --reload   # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_penalties_bench) names
the database; it is created if missing and migrated. A database whose name does not
contain "bench" is refused unless --allow-any-db is given (loading deletes the previous
benchmark cases, record numbers starting with BENCH-).
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_penalties_bench"
PREFIX = "BENCH-"


from bench_env import bench_start, measure_get  # noqa: E402

ARGS = bench_start(
    "penalties_register_bench", database=DEFAULT_URL, size=("--cases", 10_000), description=__doc__
)

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def load(n: int) -> None:
    from penalties.models import PROCEDURE_CODE, PenaltyCase, Relief, Status, TreasuryReceipt
    from workflows.selectors import procedure_version_for

    today = timezone.localdate()
    version = procedure_version_for(PROCEDURE_CODE, today)
    with transaction.atomic():
        TreasuryReceipt.objects.filter(case__record_number__startswith=PREFIX).delete()
        PenaltyCase.objects.filter(record_number__startswith=PREFIX).delete()
        stages = [Status.AWAITING_PAYMENT, Status.OVERDUE, Status.INSTALMENTS, Status.PAID]
        cases = []
        for i in range(n):
            decided = today - timedelta(days=i % 300 + 15)
            received = decided + timedelta(days=3)
            cases.append(
                PenaltyCase(
                    procedure_version=version,
                    violator_name=f"Cơ sở kinh doanh số {i}",
                    record_number=f"{PREFIX}{i:05d}",
                    record_on=decided - timedelta(days=5),
                    violation="Vi phạm đo lường (dữ liệu benchmark)",
                    decision_due=decided,
                    amount=5_000_000 + (i % 20) * 1_000_000,
                    decision_number=f"{PREFIX}{i:05d}/QĐ-XPHC",
                    decided_on=decided,
                    lookup_key="BENCHKEY",
                    delivered_on=received,
                    payment_due=received + timedelta(days=10),
                    limitation_on=decided.replace(year=decided.year + 1)
                    if not (decided.month == 2 and decided.day == 29)
                    else decided + timedelta(days=365),
                    status=stages[i % 4],
                )
            )
        PenaltyCase.objects.bulk_create(cases, batch_size=2000)
        receipts, reliefs = [], []
        for i, c in enumerate(cases):
            if c.status in (Status.OVERDUE, Status.PAID):
                receipts.append(
                    TreasuryReceipt(
                        case=c,
                        number=f"{PREFIX}KB-{i:05d}",
                        value_date=c.payment_due - timedelta(days=1),
                        amount=c.amount // 2,
                    )
                )
            if c.status == Status.INSTALMENTS:
                reliefs.append(
                    Relief(
                        case=c,
                        kind=Relief.Kind.INSTALMENTS,
                        state=Relief.State.APPROVED,
                        requested_on=c.payment_due,
                        decided_on=c.payment_due,
                        starts_on=c.payment_due,
                        ends_on=c.payment_due + timedelta(days=90),
                    )
                )
        TreasuryReceipt.objects.bulk_create(receipts, batch_size=2000)
        Relief.objects.bulk_create(reliefs, batch_size=2000)


def accountant():
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-ketoan")
    user.groups.add(Group.objects.get_or_create(name="accountant")[0])
    return user


measure = measure_get


def main() -> None:
    from penalties.models import PenaltyCase

    call_command("migrate", verbosity=0)
    have = PenaltyCase.objects.filter(record_number__startswith=PREFIX).count()
    if ARGS.reload or have != ARGS.cases:
        t0 = time.perf_counter()
        load(ARGS.cases)
        print(f"loaded {ARGS.cases} decisions in {time.perf_counter() - t0:.1f} s")
    client = Client()
    client.force_login(accountant())
    total = PenaltyCase.objects.count()
    print(f"penalty register with {total} decisions (page of 50), {ARGS.repeats} requests each")
    for label, url in [
        ("first page", "/can-bo/xu-phat/"),
        ("filter: overdue", "/can-bo/xu-phat/?status=overdue"),
        ("page 150", "/can-bo/xu-phat/?page=150"),
        ("search by number", f"/can-bo/xu-phat/?q={PREFIX}00042"),
    ]:
        q, med, p90 = measure(client, url, ARGS.repeats)
        print(f"  {label:<18} {q:>3} queries   median {med:7.1f} ms   p90 {p90:7.1f} ms")


if __name__ == "__main__":
    main()
