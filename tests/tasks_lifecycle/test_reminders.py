"""The ledger's reminder ladder on councils: a missing review at T-1 working day warns
the member and the secretary; papers not dispatched reach the head of division."""

from datetime import date

import pytest

from notifications.models import Notification
from notifications.services import deadlines_sweep

from .conftest import client_for, ok, on, pdf, set_up

pytestmark = pytest.mark.django_db


def test_missing_review_warns_member_and_secretary_the_working_day_before(people, pool):
    head = people["head"]
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool)  # meeting Wednesday 20/03/2024
        cid = council["id"]
        ok(
            sec.post(
                f"/api/councils/{cid}/constitute/",
                {"decision_number": "9/QĐ", "decision_date": "2024-03-01"},
                format="json",
            )
        )
        ok(sec.post(f"/api/councils/{cid}/papers/", {"title": "Hồ sơ", "file": pdf()}))
    # papers due 11/03 and not sent: the secretary on 08/03 and 11/03, the head on 12/03
    deadlines_sweep(today=date(2024, 3, 12))
    assert Notification.objects.filter(recipient=head, template="deadline_overdue").exists()
    with on(date(2024, 3, 12)):
        ok(sec.post(f"/api/councils/{cid}/dispatch/"))
        for e in pool[1:9]:
            c = client_for(e.user)
            ok(c.post(f"/api/councils/{cid}/declare/", {"no_conflict": True}, format="json"))
            ok(
                c.post(
                    f"/api/councils/{cid}/reviews/",
                    {"subject": council["subjects"][0]["id"], "text": "Đạt."},
                    format="json",
                )
            )
    before = set(Notification.objects.values_list("pk", flat=True))
    deadlines_sweep(today=date(2024, 3, 15))  # reviews due 19/03: nothing yet
    assert (
        not Notification.objects.exclude(pk__in=before)
        .filter(template="deadline_reminder")
        .exclude(recipient=head)
        .filter(recipient__in=[pool[0].user, people["secretary"]])
        .exists()
    )
    deadlines_sweep(today=date(2024, 3, 18))  # T-1 working day
    warned = Notification.objects.exclude(pk__in=before).filter(template="deadline_reminder")
    assert set(warned.values_list("recipient__username", flat=True)) == {"tv1", "thuky"}
    deadlines_sweep(today=date(2024, 3, 18))  # a second sweep sends nothing twice
    assert (
        Notification.objects.exclude(pk__in=before).filter(template="deadline_reminder").count()
        == warned.count()
    )
