"""Benchmark of the quarterly report: the Q1/2024 draft from the demo data.

On a database where `seed_demo` has run (seeded here if it has not, or with
`--reload`), builds the report of a quarter R times after a warm-up — collecting every
registered figure and writing the .docx — and prints the number of figures and SQL
queries and the time (median and 90th percentile), with the same run's reference: the
same layout and .docx with no registered builder (what the data costs is the
difference).

It prints figures; it is not a test. Run from the project root:

    .venv/bin/python benchmarks/quarterly_report_bench.py            # reuses seeded data
    .venv/bin/python benchmarks/quarterly_report_bench.py --reload   # seeds again

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/motcua_report_bench) names the
database; it is created if missing and migrated; a name without "bench" is refused
(unless --allow-any-db: the report only reads).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_report_bench"

from bench_env import bench_start  # noqa: E402

ARGS = bench_start(
    "quarterly_report_bench", database=DEFAULT_URL, size=("--quarter-year", 2024),
    description=__doc__,
)  # fmt: skip

import io  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from penalties.models import PenaltyCase  # noqa: E402
from workflows import registry  # noqa: E402
from workflows.periods import Quarter  # noqa: E402
from workflows.quarterly_report import quarterly_report, report_docx  # noqa: E402


def _seed() -> None:
    call_command("migrate", verbosity=0)
    if ARGS.reload or not PenaltyCase.objects.filter(record_number="08/BB-VPHC").exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")


def _measure(quarter: Quarter, repeats: int) -> tuple[list[float], int, int, int]:
    report_docx(quarterly_report(quarter))  # warm-up
    times = []
    for _i in range(repeats):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = quarterly_report(quarter)
            data = report_docx(report)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), len(report.figures), len(data)


def _line(label: str, times: list[float], queries: int, figures: int, size: int) -> str:
    p90 = sorted(times)[max(0, int(len(times) * 0.9) - 1)]
    return (
        f"{label}: {figures} figures, {queries} queries, {size // 1024} KB; "
        f"median {statistics.median(times):.0f} ms, p90 {p90:.0f} ms"
    )


def main() -> None:
    _seed()
    quarter = Quarter(ARGS.quarter_year, 1)
    repeats = max(1, ARGS.repeats // 4)
    print(_line(f"report {quarter.label}", *_measure(quarter, repeats)))
    builders = list(registry.report_figures)
    registry.report_figures[:] = []
    try:
        print(_line("reference (no builder: layout and .docx)", *_measure(quarter, repeats)))
    finally:
        registry.report_figures[:] = builders


main()
