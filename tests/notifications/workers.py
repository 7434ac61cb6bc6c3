"""Helpers of the fault tests: real Celery workers, a Redis server of the test's own,
a hung SMTP server, and the e-mails a file backend wrote."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ALL_QUEUES = "default,notifications,notifications.email,notifications.sms"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """A `celery worker` subprocess on the test database, e-mail written to `mail_dir`."""

    def __init__(
        self,
        *,
        tmp_path: Path,
        broker_url: str,
        name: str,
        queues=ALL_QUEUES,
        pool: str = "solo",
        env: dict | None = None,
    ) -> None:
        self.mail_dir = tmp_path / "mail"
        self.log = tmp_path / f"{name}.log"
        full_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            **(env or {}),
        }
        args = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--pool={pool}", f"--queues={queues}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=INFO", f"--hostname={name}-{os.getpid()}@%h",
        ]  # fmt: skip
        if pool == "prefork":
            args.append("--concurrency=1")
        self._out = open(self.log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=full_env, stdout=self._out, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if " ready." in self.log.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker not ready:\n{self.output()}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def output(self) -> str:
        return self.log.read_text()[-6000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()
        print(self.output())  # shown when the test fails


class RedisServer:
    """A redis-server of the test's own on a free port (never the shared one)."""

    def __init__(self, tmp_path: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGCONT)
        self.proc.terminate()
        self.proc.wait(timeout=10)


class HungSmtp:
    """A socket that accepts connections and never answers (not even the greeting)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _addr = self.sock.accept()
                self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


MESSAGE_ID = re.compile(r"^Message-ID: (<[^>]+>)\s*$", re.MULTILINE)


def message_ids(mail_dir: Path) -> list[str]:
    """Every Message-ID header in the file backend's files (one per message written)."""
    if not mail_dir.exists():
        return []
    return [m for f in sorted(mail_dir.iterdir()) for m in MESSAGE_ID.findall(f.read_text())]


def wait_until(condition, timeout: float, step: float = 0.25, tick=None) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if tick is not None:
            tick()
        if condition():
            return True
        time.sleep(step)
    return condition()
