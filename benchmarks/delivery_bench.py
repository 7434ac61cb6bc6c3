"""Benchmark of reminder delivery end to end: sweep → broker → one real worker → e-mail.

Loads N due ledger rows (default 10,000) whose one ladder step sends one e-mail each,
starts one `celery worker` (all queues) writing e-mail to a file backend, runs the sweep
in this process (it publishes one task per channel and batch after each batch commits),
and waits until every outbox row is sent. Prints reminders/s from the start of the sweep
to the last row sent, the sweep's own time, and the duplicates (Message-IDs written more
than once). In the same run, the reference: the file backend alone writing as many
messages over one connection. Prints figures; it is not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_delivery_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/delivery_bench.py

The database is created if missing and migrated; its ledger and outbox are TRUNCATEd, so
the script refuses a database whose name does not contain "bench". The broker's
notification queues are purged. Needs PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_delivery_bench"
QUEUES = "default,notifications,notifications.email,notifications.sms"
TODAY = date(2025, 6, 16)  # a Monday

p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
p.add_argument("--rows", type=int, default=10_000, help="due ledger rows, one e-mail each")
p.add_argument("--concurrency", type=int, default=1, help="pool processes of the one worker")
p.add_argument("--timeout", type=float, default=600)
ARGS = p.parse_args()

os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
from bench_env import bench_database, local_run_defaults  # noqa: E402

local_run_defaults()
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ["CELERY_BROKER_URL"].startswith("redis://"):
    sys.exit("delivery_bench needs a Redis broker (CELERY_BROKER_URL=redis://…)")

DB_NAME = bench_database("delivery_bench")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.mail import EmailMessage, get_connection  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from config.celery import app as celery_app  # noqa: E402
from notifications import services  # noqa: E402
from notifications.models import Notification  # noqa: E402
from workflows.models import (  # noqa: E402
    Deadline,
    Division,
    LadderStep,
    Procedure,
    ProcedureVersion,
    User,
)

MESSAGE_ID = re.compile(r"^Message-ID: (<[^>]+>)\s*$", re.MULTILINE)


def message_ids(folder: Path) -> list[str]:
    return [m for f in sorted(folder.iterdir()) for m in MESSAGE_ID.findall(f.read_text())]


def load() -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"TRUNCATE {Notification._meta.db_table}, {Deadline._meta.db_table} "
            "RESTART IDENTITY CASCADE"
        )
    division, _ = Division.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    user, _ = User.objects.get_or_create(
        username="bench-owner",
        defaults={"email": "bench-owner@example.vn", "division": division, "is_active": True},
    )
    procedure, _ = Procedure.objects.get_or_create(
        code="bench-delivery", defaults={"name_vi": "Thủ tục đo gửi thư"}
    )
    version, _ = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=date(2020, 1, 1),
        defaults={"label": "bench", "legal_basis": "benchmark"},
    )
    version.ladder.all().delete()
    LadderStep.objects.create(
        version=version,
        kind=LadderStep.Kind.REMINDER,
        offset=0,
        recipient="owner",
        template="deadline_reminder",
        channels=["email"],
    )
    ct = ContentType.objects.get_for_model(Division)
    Deadline.objects.bulk_create(
        (
            Deadline(
                content_type=ct,
                object_id=str(i),
                kind="bench-due",
                procedure_version=version,
                procedure_code="bench-delivery",
                dossier_code=f"BENCH-{i:06d}",
                title=f"Việc đo hiệu năng số {i}",
                owner_user=user,
                owner_division=division,
                due_date=TODAY,
                next_action_on=TODAY,
            )
            for i in range(ARGS.rows)
        ),
        batch_size=2000,
    )
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {Deadline._meta.db_table}")


def purge() -> None:
    with celery_app.connection_for_write() as conn:
        for queue in QUEUES.split(","):
            conn.default_channel.queue_purge(queue)


def start_worker(mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", f"--queues={QUEUES}",
         "--pool=prefork", f"--concurrency={ARGS.concurrency}", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
         f"--hostname=delivery-bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    # ready when it answers a ping
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"the worker exited:\n{log.read_text()[-3000:]}")
        if celery_app.control.ping(timeout=0.5):
            return proc
    sys.exit(f"the worker did not start:\n{log.read_text()[-3000:]}")


def reference(mail_dir: Path, n: int) -> float:
    """The channel's own cost: the file backend writing n messages over one connection."""
    conn = get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=mail_dir)
    conn.open()
    t0 = time.perf_counter()
    for i in range(n):
        EmailMessage(
            subject=f"Nhắc việc {i}",
            body="Kính gửi …" * 20,
            to=["bench-owner@example.vn"],
            headers={"Message-ID": f"<ref-{i}@bench>"},
            connection=conn,
        ).send()
    conn.close()
    return n / (time.perf_counter() - t0)


def main() -> None:
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    load()
    print(f"database {DB_NAME}: {ARGS.rows:,} due ledger rows loaded in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    celery_app.conf.task_always_eager = False
    purge()
    with tempfile.TemporaryDirectory(prefix="motcua-delivery-bench-") as tmp:
        mail_dir, log = Path(tmp) / "mail", Path(tmp) / "worker.log"
        worker = start_worker(mail_dir, log)
        try:
            start = time.perf_counter()
            fired = services.deadlines_sweep(today=TODAY)
            swept = time.perf_counter() - start
            sent = 0
            while time.perf_counter() - start < ARGS.timeout:
                sent = Notification.objects.filter(status="sent").count()
                if sent >= ARGS.rows:
                    break
                time.sleep(0.2)
            total = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(30)
        ids = message_ids(mail_dir)
        dupes = sum(c - 1 for c in Counter(ids).values())
        ref_dir = Path(tmp) / "ref"
        ref_dir.mkdir()
        ref = reference(ref_dir, ARGS.rows)
    left = Notification.objects.exclude(status="sent").count()
    print(f"sweep: {fired:,} steps fired in {swept:.1f} s ({fired / swept:,.0f}/s), "
          f"publishing one task per channel and batch")  # fmt: skip
    print(f"end to end (sweep start → last row sent), one worker, concurrency "
          f"{ARGS.concurrency}: {sent:,} e-mails in {total:.1f} s "
          f"= {sent / total:,.0f} reminders/s")  # fmt: skip
    print(f"e-mails written: {len(ids):,}; distinct Message-IDs: {len(set(ids)):,}; "
          f"duplicates: {dupes}; rows not sent: {left}")  # fmt: skip
    print(f"reference, same run: the file backend alone, one connection: {ref:,.0f} messages/s")
    if sent < ARGS.rows:
        print(f"TIMEOUT: only {sent:,} of {ARGS.rows:,} sent; worker log:\n{log}")


if __name__ == "__main__":
    main()
