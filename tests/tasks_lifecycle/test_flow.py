"""The secretary's and the members' tasks follow the council (viewflow), in the inbox."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from .conftest import client_for, ok, on, pdf, set_up

pytestmark = pytest.mark.django_db
OPEN = ("NEW", "ASSIGNED", "STARTED")


def open_tasks(cid, **filters):
    return Task.objects.filter(
        process__artifact_object_id=cid, status__in=OPEN, **filters
    ).select_related("owner", "process")


def test_tasks_follow_the_council(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 2, 26)):
        council = set_up(sec, "acceptance", pool)
        cid = council["id"]
        [task] = open_tasks(cid)
        assert task.owner == people["secretary"] and task.process.data["status"] == "setup"
        assert task.process.flow_class.__name__ == "AcceptanceFlow"
        ok(
            sec.post(
                f"/api/councils/{cid}/constitute/",
                {"decision_number": "1/QĐ", "decision_date": "2024-02-26"},
                format="json",
            )
        )
        [task] = open_tasks(cid)
        assert task.process.data["status"] == "constituted"
        ok(sec.post(f"/api/councils/{cid}/papers/", {"title": "Hồ sơ", "file": pdf()}))
        council = ok(sec.post(f"/api/councils/{cid}/dispatch/"))
    member_tasks = open_tasks(cid, owner__in=[e.user for e in pool[:9]])
    assert member_tasks.count() == 9
    page = Client()
    page.force_login(pool[0].user)
    inbox = page.get(reverse("workflow:inbox")).content.decode()
    assert "Ký cam kết, đọc tài liệu, gửi phiếu nhận xét" in inbox
    with on(date(2024, 3, 12)):
        for e in pool[:9]:
            c = client_for(e.user)
            ok(c.post(f"/api/councils/{cid}/declare/", {"no_conflict": True}, format="json"))
            ok(
                c.post(
                    f"/api/councils/{cid}/reviews/",
                    {"subject": council["subjects"][0]["id"], "text": "Đạt."},
                    format="json",
                )
            )
    assert open_tasks(cid, owner=pool[0].user).count() == 0
    with on(date(2024, 3, 20)):
        present = [m["id"] for m in council["members"]]
        ok(sec.post(f"/api/councils/{cid}/attendance/", {"present": present}, format="json"))
        assert open_tasks(cid, owner=pool[0].user).get().process.data["stage"] == "ballot"
    [secretary_task] = open_tasks(cid, owner=people["secretary"])
    assert secretary_task.process.data["status"] == "in_session"
