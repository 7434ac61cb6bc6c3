"""The database connection's health check (workflows/backends/postgresql): a kept
connection the server closed is replaced before a request uses it, and a healthy one
costs no statement."""

from __future__ import annotations

import select
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _statements_sent(work) -> list[str]:
    sent: list[str] = []
    raw = connection.connection
    original = type(raw).execute

    def execute(query, *args, **kwargs):  # the raw psycopg connection's own statements
        sent.append(str(query))
        return original(raw, query, *args, **kwargs)

    raw.execute = execute
    original_cursor = type(raw).cursor

    def cursor(*args, **kwargs):
        c = original_cursor(raw, *args, **kwargs)
        inner = c.execute

        def traced(query, *a, **k):
            sent.append(str(query))
            return inner(query, *a, **k)

        c.execute = traced
        return c

    raw.cursor = cursor
    try:
        work()
    finally:
        del raw.execute, raw.cursor
    return sent


def _new_request() -> None:
    # what Django does at the start of each request for a kept connection
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def test_the_site_uses_the_checking_backend():
    assert settings.DATABASES["default"]["ENGINE"] == "workflows.backends.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_idle_connection_is_kept_without_a_statement():
    connection.ensure_connection()
    raw = connection.connection
    assert _statements_sent(_new_request) == []
    assert connection.connection is raw


def test_a_connection_the_server_closed_is_replaced_before_it_is_used():
    connection.ensure_connection()
    old = connection.connection
    pid = old.info.backend_pid
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("cursor_factory", "context")},
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    # the server's goodbye arrives on the socket within moments
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not select.select([old.fileno()], [], [], 0.05)[0]:
        pass
    _new_request()
    assert connection.connection is None  # replaced at the next use
    with connection.cursor() as c:  # and the request's first query works
        c.execute("SELECT pg_backend_pid()")
        assert c.fetchone()[0] != pid
