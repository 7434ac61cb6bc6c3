"""Two people acting on one assignment at once: the row lock makes one wait, and the
second then sees the first's result (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection

from directives import services
from directives.models import OutgoingKind, Status
from workflows.audit import audit_trail
from workflows.errors import TransitionRefused
from workflows.ledger import deadlines_for_case

from .conftest import on, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_complete_and_cancel_at_once_exactly_one_wins(people, divisions):
    a = register(people, divisions)
    barrier = threading.Barrier(2)
    outcomes = []

    def complete():
        services.assignment_complete(
            assignment=a,
            actor=people["officer"],
            outgoing_kind=OutgoingKind.REPORT,
            outgoing_number="7/BC-SKHCN",
            outgoing_date=date(2024, 1, 30),
        )

    def cancel():
        services.assignment_cancel(assignment=a, actor=people["head"], reason="Thu hồi")

    def worker(name, fn):
        close_old_connections()
        try:
            with on(date(2024, 1, 30)):
                barrier.wait()
                fn()
            outcomes.append(("ok", name))
        except TransitionRefused:
            outcomes.append(("refused", name))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("complete", complete)),
        threading.Thread(target=worker, args=("cancel", cancel)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o for o, _ in outcomes) == ["ok", "refused"]
    winner = next(n for o, n in outcomes if o == "ok")
    a.refresh_from_db()
    assert a.status == {"complete": Status.COMPLETED, "cancel": Status.CANCELLED}[winner]
    assert audit_trail(a).exclude(action="create").count() == 1
    assert deadlines_for_case(a).get().state == {"complete": "met", "cancel": "cancelled"}[winner]
