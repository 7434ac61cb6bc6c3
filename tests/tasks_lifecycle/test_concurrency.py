"""Row locks on PostgreSQL: two doors acting on one council at once."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection

from tasks_lifecycle import services
from tasks_lifecycle.models import Ballot, Council
from workflows.errors import DomainError

from .conftest import client_for, constitute_and_dispatch, on, set_up

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def worker(call):
        close_old_connections()
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(outcomes)


def test_dispatch_twice_and_ballot_twice_at_once(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)
        cid = council["id"]
        constitute_and_dispatch(sec, cid, dispatch=False)
    c = Council.objects.get(pk=cid)
    secretary = people["secretary"]
    outcomes = race(*[lambda: services.council_papers_dispatch(council=c, actor=secretary)] * 2)
    assert outcomes == ["ok", "transition_refused"]
    for e in pool[:9]:
        services.council_member_declare(council=c, actor=e.user, no_conflict=True)
        services.council_review_submit(
            council=c, actor=e.user, subject=c.subjects.get(), text="Đạt."
        )
    members = list(c.memberships.order_by("id"))
    services.council_attendance_record(
        council=c, actor=secretary, present={m.pk: True for m in members}
    )
    subject = c.subjects.get()
    member = pool[0].user
    outcomes = race(
        lambda: services.council_ballot_cast(council=c, actor=member, subject=subject,
                                             values={"vote": "dat"}),
        lambda: services.council_ballot_cast(council=c, actor=member, subject=subject,
                                             values={"vote": "xuat_sac"}),
    )  # fmt: skip
    assert outcomes == ["ballot_exists", "ok"]
    assert Ballot.objects.filter(council=c).count() == 1
