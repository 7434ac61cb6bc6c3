"""Benchmark of the assignments from the People's Committee, on PostgreSQL.

1. The book import: the demo's history (261 lines, the 246 assignments of Q1/2024 and
   those around them) imported R times, each in a transaction rolled back, through
   `directives.imports.assignments_import` (checks, codes, bulk writes, ledger and
   audit rows): median and 90th percentile.
2. The register `/can-bo/nhiem-vu-ubnd/` with N assignments (default 10,000, loaded once
   through the same import): SQL queries and server time (median, p90) through the
   Django test client, for the office (every assignment) and the head of a division
   (what it leads or supports), first page, a filtered page, a late page and a search.

It prints figures; it is not a test:

    .venv/bin/python benchmarks/directives_bench.py            # reuses loaded data
    .venv/bin/python benchmarks/directives_bench.py --reload   # loads again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_directives_bench) names
the database; it is created if missing and migrated. A database whose name does not
contain "bench" is refused unless --allow-any-db is given.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_directives_bench"
PREFIX = "BENCH-"

from bench_env import bench_start, measure_get  # noqa: E402

ARGS = bench_start(
    "directives_bench", database=DEFAULT_URL, size=("--assignments", 10_000), description=__doc__
)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


class _Rollback(Exception):
    pass


def import_times(staff, repeats: int) -> list[float]:
    from directives import demo, imports
    from workflows.demo import demo_on

    content = imports.book_csv(demo.history_rows())
    times = []
    for _ in range(repeats):
        try:
            with transaction.atomic(), demo_on(date(2024, 6, 3)):
                t0 = time.perf_counter()
                imports.assignments_import(
                    actor=staff["vanthu"], file_name="bench.csv", content=content
                )
                times.append((time.perf_counter() - t0) * 1000)
                raise _Rollback
        except _Rollback:
            pass
    return sorted(times)


def load(staff, n: int) -> float:
    from directives import imports
    from directives.models import Assignment
    from workflows.models import Deadline

    old = Assignment.objects.filter(source_number__startswith=PREFIX)
    Deadline.objects.filter(
        procedure_code="nhiem-vu-ubnd-giao", dossier_code__in=old.values("code")
    ).delete()
    Assignment.supporting_divisions.through.objects.filter(assignment__in=old).delete()
    old.delete()
    leads = ["qlkh", "cn-qlkhcs", "van-phong", "thanh-tra"]
    officers = {
        "qlkh": "cvqlkh",
        "cn-qlkhcs": "chuyenvien",
        "van-phong": "vanthu",
        "thanh-tra": "thanhtra",
    }
    first = date(2024, 1, 2)
    rows = []
    for i in range(n):
        lead = leads[i % len(leads)]
        received = first + timedelta(days=i % 700)
        done = i % 3 != 0
        rows.append(
            {
                "source": "UBND tỉnh",
                "source_kind": "Công văn",
                "source_number": f"{PREFIX}{i:06d}/UBND-KGVX",
                "source_date": received,
                "content": f"Nhiệm vụ thử tải số {i}",
                "received_on": received,
                "due_on": received + timedelta(days=14),
                "lead_division": lead,
                "supporting": [leads[(i + 1) % len(leads)]] if i % 2 else [],
                "officer": officers[lead],
                "outgoing_kind": "Công văn" if done else "",
                "outgoing_number": f"{i}/SKHCN" if done else "",
                "outgoing_date": received + timedelta(days=10) if done else None,
            }
        )
    t0 = time.perf_counter()
    for start in range(0, n, imports.MAX_LINES):
        imports.assignments_import(
            actor=staff["vanthu"],
            file_name="bench.csv",
            content=imports.book_csv(rows[start : start + imports.MAX_LINES]),
        )
    return time.perf_counter() - t0


def main() -> None:
    from directives import demo
    from directives.models import Assignment
    from workflows.demo import seed_engine

    call_command("migrate", verbosity=0)
    seed_engine()
    staff = demo._staff()
    times = import_times(staff, max(3, ARGS.repeats // 4))
    print(
        f"book import, 261 lines (the Q1/2024 history): median {statistics.median(times):.0f} ms"
        f", p90 {times[max(int(len(times) * 0.9) - 1, 0)]:.0f} ms over {len(times)} runs"
    )
    have = Assignment.objects.filter(source_number__startswith=PREFIX).count()
    if ARGS.reload or have != ARGS.assignments:
        seconds = load(staff, ARGS.assignments)
        print(f"loaded {ARGS.assignments} assignments through the import in {seconds:.1f} s")
    total = Assignment.objects.count()
    print(f"register with {total} assignments (page of 25), {ARGS.repeats} requests each")
    for who in ("vanthu", "tpqlkh"):
        client = Client()
        client.force_login(staff[who])
        for label, url in [
            ("first page", "/can-bo/nhiem-vu-ubnd/"),
            ("filter: overdue", "/can-bo/nhiem-vu-ubnd/?warning=overdue"),
            ("quarter 2024-Q1", "/can-bo/nhiem-vu-ubnd/?quarter=2024-Q1"),
            ("page 100", "/can-bo/nhiem-vu-ubnd/?page=100"),
            ("search by number", f"/can-bo/nhiem-vu-ubnd/?q={PREFIX}000042"),
        ]:
            q, med, p90 = measure_get(client, url, ARGS.repeats)
            print(
                f"  {who:<8} {label:<18} {q:>3} queries   median {med:7.1f} ms   p90 {p90:7.1f} ms"
            )


if __name__ == "__main__":
    main()
