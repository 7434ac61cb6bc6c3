"""`workflows.heap.settle`: what the web and Celery workers run once at start."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_application_freezes_its_start_up_heap():
    # in a process of its own: a frozen heap stays frozen for the process's life
    code = (
        "import gc, config.wsgi as w; "
        "from django.urls import resolve; "
        "assert gc.get_freeze_count() > 10000, gc.get_freeze_count(); "
        "assert resolve('/tra-cuu/').url_name == 'lookup'; "
        "print(gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.split()[-1]) > 10000


def test_settle_survives_and_later_objects_are_still_collected():
    from workflows import heap

    before = gc.get_freeze_count()
    try:
        frozen = heap.settle()
        assert frozen >= before

        class Cycle:
            pass

        a, b = Cycle(), Cycle()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2  # made after the freeze: collected as before
    finally:
        gc.unfreeze()  # the rest of the suite runs with the collector as it was
