"""Benchmark of the working-day calendar (workflows/calendar.py).

Measures the mean cost of one call of `add_working_days`, `working_days_between` and
`is_working_day` once the per-process working-day array is built (warm), with varied
dates in 2024–2026 and n in 1..30. Prints figures; it is not a test.

Run from the project root:

    .venv/bin/python benchmarks/calendar_bench.py [--calls 200000] [--repeats 5]

Unless DATABASE_URL is set, it uses a throwaway SQLite file /tmp/motcua-bench.sqlite3
(migrated first: the calendar reads the CalendarException table once).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/motcua-bench.sqlite3")
from bench_env import local_run_defaults  # noqa: E402

local_run_defaults()
# Keep the SQLite settings' var/ directory (and the Celery file broker) out of the repo.
os.environ.setdefault("MOTCUA_VAR_DIR", "/tmp/motcua-bench-var")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from workflows import calendar  # noqa: E402

FIRST = date(2024, 1, 1)
LAST = date(2026, 12, 31)


def _inputs(count: int, seed: int) -> tuple[list[date], list[int], list[date]]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    starts = [FIRST + timedelta(days=rng.randrange(span + 1)) for _ in range(count)]
    ns = [rng.randint(1, 30) for _ in range(count)]
    others = [FIRST + timedelta(days=rng.randrange(span + 1)) for _ in range(count)]
    return starts, ns, others


def _time_loop(fn, count: int, repeats: int) -> list[float]:
    """Run `fn()` (which makes `count` calls) `repeats` times; µs per call of each run."""
    fn()  # warm-up run
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) / count * 1e6)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per function")
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    calendar.invalidate_cache()

    n = args.calls
    starts, ns, others = _inputs(n, args.seed)
    pairs = list(zip(starts, ns, strict=True))
    spans = list(zip(starts, others, strict=True))

    # Cold: the first call loads CalendarException and builds the working-day array.
    t0 = time.perf_counter()
    calendar.add_working_days(date(2025, 6, 2), 10)
    cold_ms = (time.perf_counter() - t0) * 1e3
    cal = calendar._calendar
    array_len, years = len(cal.workdays), (cal.first_year, cal.last_year)

    add_working_days = calendar.add_working_days
    working_days_between = calendar.working_days_between
    is_working_day = calendar.is_working_day

    def run_add():
        for s, k in pairs:
            add_working_days(s, k)

    def run_add_neg():
        for s, k in pairs:
            add_working_days(s, -k)

    def run_between():
        for a, b in spans:
            working_days_between(a, b)

    def run_is():
        for d in starts:
            is_working_day(d)

    def noop(*_args):
        return None

    def run_baseline():  # the loop and a 2-argument Python call, with no work
        for s, k in pairs:
            noop(s, k)

    results = {
        "add_working_days(start, n)   n in 1..30": _time_loop(run_add, n, args.repeats),
        "add_working_days(start, -n)  n in 1..30": _time_loop(run_add_neg, n, args.repeats),
        "working_days_between(a, b)": _time_loop(run_between, n, args.repeats),
        "is_working_day(d)": _time_loop(run_is, n, args.repeats),
        "baseline: loop + no-op call": _time_loop(run_baseline, n, args.repeats),
    }

    # Sanity: the answers are working days and round-trip through working_days_between.
    for s, k in pairs[:2000]:
        d = add_working_days(s, k)
        assert is_working_day(d) and working_days_between(s, d) == k, (s, k, d)

    db = connection.settings_dict
    print("motcua calendar benchmark")
    print(
        f"  python {sys.version.split()[0]}, django {django.get_version()}, "
        f"db {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
    )
    print(
        f"  inputs: {n:,} calls per run, start dates {FIRST}..{LAST}, n in 1..30, "
        f"{args.repeats} timed runs after 1 warm-up run"
    )
    print(
        f"  cold first call (load exceptions + build array): {cold_ms:.1f} ms; "
        f"array: {array_len:,} working days, years {years[0]}..{years[1]}"
    )
    print()
    print(f"  {'function':42} {'mean µs/call':>13} {'best':>8} {'worst':>8}")
    for name, runs in results.items():
        print(f"  {name:42} {statistics.median(runs):13.3f} {min(runs):8.3f} {max(runs):8.3f}")
    base = statistics.median(results["baseline: loop + no-op call"])
    print()
    print("  (mean = median of the runs' per-call means; the figures include the Python loop")
    print(f"   and call overhead, which the baseline row puts at {base:.3f} µs/call)")
    print()
    print("SUMMARY")
    for name, runs in results.items():
        if not name.startswith("baseline"):
            label = name.split("  ")[0].strip()
            if "-n" in name:
                label += " (backwards)"
            print(f"  {label:40} {statistics.median(runs):.3f} µs/call")
    print(f"  {'cold first call':40} {cold_ms:.1f} ms")


if __name__ == "__main__":
    main()
