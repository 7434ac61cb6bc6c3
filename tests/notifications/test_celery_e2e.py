"""End to end: a real Celery worker process against Redis delivers a due reminder."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from config.celery import app as celery_app
from notifications.models import Notification
from notifications.tasks import sweep_deadlines
from tests.conftest import make_user
from workflows.ledger import deadline_open
from workflows.models import Division

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    """A real `celery worker` on the test database, writing e-mail to files."""
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MOTCUA_VAR_DIR": str(tmp_path / "var"),
    }
    celery_app.control.purge()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues=default,notifications,notifications.email,notifications.sms",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=e2e-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield mail_dir
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        print(out[-5000:])  # shown when the test fails


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_delivers_a_reminder_when_a_deadline_comes_due(worker, monkeypatch, version):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    division = Division.objects.create(code="cn", name="Phòng Công nghệ")
    owner = make_user("owner", "specialist", division=division, email="owner@example.vn")
    deadline_open(
        case=division,
        kind="check",
        due_date=date(2024, 2, 19),
        title="Kiểm tra",
        procedure_version=version,
        dossier_code="HS-E2E-1",
        owner_user=owner,
    )

    with time_machine.travel(date(2024, 2, 15)):  # T-2 working days: the reminder is due
        from django.utils import timezone

        sweep_deadlines.delay(as_of=timezone.localdate().isoformat())

    deadline = time.monotonic() + 60
    files = []
    while time.monotonic() < deadline:
        files = list(worker.glob("*.log")) if worker.exists() else []
        sent = Notification.objects.filter(status="sent").count()
        if files and sent == 2:
            break
        time.sleep(0.5)
    assert files, "the worker delivered no e-mail within 60 s"
    text = files[0].read_text()
    assert "owner@example.vn" in text
    assert "HS-E2E-1" in text
    assert Notification.objects.filter(status="sent").count() == 2
