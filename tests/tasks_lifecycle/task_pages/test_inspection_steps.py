"""A periodic inspection through the doors: the division notifies the host on the page,
the host uploads its two reports through the API (multipart), the division records the
team, the outcome and the signed minutes on the page; a wrong file is refused with the
reason and nothing is kept."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tasks_lifecycle.models import Inspection, TaskDocument

from ..conftest import _pdf, on
from .conftest import browser

pytestmark = pytest.mark.django_db


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, _pdf(), content_type="application/pdf")


def test_an_inspection_through_page_and_api(world):
    users, task = world["users"], world["task"]
    first = Inspection.objects.filter(task=task).order_by("number").first()
    assert first.due_on == date(2024, 8, 29)
    officer = browser(users["officer"])
    with on(date(2024, 8, 20)):
        r = officer.post(
            f"/nhiem-vu/{task.pk}/thao-tac/plan-inspection/",
            {"plan-inspection-inspection": first.pk, "plan-inspection-planned_on": "29/08/2024"},
        )
        assert r.status_code == 302, r.content.decode()[:600]
    host = APIClient()
    host.force_authenticate(users["host"])
    with on(date(2024, 8, 22)):
        bad = SimpleUploadedFile("bao-cao.pdf", b"not a pdf", content_type="application/pdf")
        r = host.post(
            f"/api/tasks/{task.pk}/upload-inspection-reports/",
            {"inspection": first.pk, "progress_report": bad},
            format="multipart",
        )
        assert r.status_code == 400 and not TaskDocument.objects.filter(task=task).exists()
        r = host.post(
            f"/api/tasks/{task.pk}/upload-inspection-reports/",
            {"inspection": first.pk, "progress_report": pdf(), "spending_report": pdf()},
            format="multipart",
        )
        assert r.status_code == 200, r.content.decode()[:600]
    data = {
        "record-inspection-inspection": first.pk,
        "record-inspection-host_leader": "Giám đốc Trung tâm",
        "record-inspection-outcome": "on_track",
        "record-inspection-minutes": pdf("bien-ban.pdf"),
    }
    for i, role in enumerate(
        ["managing_leader", "managing_officer", "finance_leader", "finance_officer"]
    ):
        data[f"record-inspection-{role}_name"] = f"Thành viên {i + 1}"
        data[f"record-inspection-{role}_present"] = "on" if i < 3 else ""
    with on(date(2024, 8, 29)):
        r = officer.post(f"/nhiem-vu/{task.pk}/thao-tac/record-inspection/", data)
        assert r.status_code == 302, r.content.decode()[:1500]
    first.refresh_from_db()
    assert first.ended_on == date(2024, 8, 29) and first.outcome == "on_track"
    kinds = set(TaskDocument.objects.filter(inspection=first).values_list("kind", flat=True))
    assert kinds == {"progress_report", "spending_report", "inspection_minutes"}


def test_the_minutes_pdf_to_the_division_and_the_host_only(world):
    from io import BytesIO

    from pypdf import PdfReader

    from tasks_lifecycle.task_progress import task_plan_inspection, task_record_inspection

    users, task = world["users"], world["task"]
    first = Inspection.objects.filter(task=task).order_by("number").first()
    with on(date(2024, 8, 20)):
        task_plan_inspection(
            task=task, actor=users["officer"], inspection=first, planned_on=date(2024, 8, 29)
        )
    for kind in ("progress_report", "spending_report"):
        d = TaskDocument(task=task, inspection=first, kind=kind, title=kind,
                         uploaded_by=users["host"], original_name="a.pdf",
                         content_type="application/pdf", size=1, sha256="0")  # fmt: skip
        d.file.save("a.pdf", SimpleUploadedFile("a.pdf", _pdf()), save=True)
    team = [{"name": f"TV {i}", "role": r, "present": True} for i, r in enumerate(
        ["managing_leader", "managing_officer", "finance_leader", "finance_officer"])]  # fmt: skip
    with on(date(2024, 8, 29)):
        task_record_inspection(
            task=task, actor=users["officer"], inspection=first, team=team,
            host_leader="Giám đốc", outcome="on_track", minutes=pdf("bb.pdf"),
        )  # fmt: skip
    url = f"/nhiem-vu/{task.pk}/van-ban/bien-ban-kiem-tra/?lan=1"
    for who in ("officer", "host", "pi"):
        r = browser(users[who]).get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", who
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(r.content)).pages)
        assert "BIÊN BẢN" in text.upper()
    for who in ("other_host", "member", "applicant"):
        assert browser(users[who]).get(url).status_code == 404, who
    page = browser(users["officer"]).get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert "bien-ban-kiem-tra/?lan=1" in page
    assert (
        browser(users["officer"]).get(f"/nhiem-vu/{task.pk}/van-ban/bien-ban-mo-ho-so/").status_code
        == 404
    )  # no call
