"""`seed_demo` as a whole, run once for the suite (it is the slowest fixture there is):
the demo accounts; the councils' Q1/2024 councils the report names, held, with minutes,
and the current set at its stages; the S&T tasks' history (Decisions 250 and 252/QĐ-UBND,
the brand projects accepted, the 29 tasks under 6-monthly inspection) and a current set
over every stage with no step refused; idempotent."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from tasks_lifecycle import documents
from tasks_lifecycle.models import Council, Decision, Inspection, Stage, Status, Task
from tasks_lifecycle.task_demo import GAO, HANG_CHU, IP_PROJECTS, SAM
from workflows.models import Deadline, Division

pytestmark = pytest.mark.django_db


def test_seed_demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)  # what runs after commit is tested elsewhere
    text = out.getvalue()
    assert "giamdoc" in text and "motcua-demo-2024" in text and "bỏ qua" not in text
    assert get_user_model().objects.filter(username="giamdoc", groups__name="director").count() == 1
    assert Division.objects.filter(name="Phòng Quản lý khoa học và công nghệ").count() == 1
    titles = {c.title: c for c in Council.objects.all()}
    gao = next(c for t, c in titles.items() if "Gạo Phù Yên" in t)
    hang_chu = next(c for t, c in titles.items() if "Rượu Hang Chú" in t)
    tkr = next(c for t, c in titles.items() if "Niken La Phù (TKR)" in t)
    ident = next(c for c in titles.values() if "250/QĐ-UBND" in c.conclusion)
    for c in (gao, hang_chu, tkr, ident):
        assert c.status == Status.CLOSED, c.title
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.minutes_pdf(gao))).pages
    )
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Gạo Phù Yên" in text
    assert "250/QĐ-UBND" in ident.conclusion
    current = [c for c in titles.values() if c.status != Status.CLOSED]
    # with the S&T tasks' own: an identification council before its meeting
    assert {c.kind.code for c in current} == {"selection", "acceptance", "identification"}
    assert sorted(c.status for c in current if c.kind.code == "acceptance") == [
        "constituted",
        "papers_sent",
        "papers_sent",
    ]
    # the missing review of `thanhvien` is due tomorrow: warned today
    row = Deadline.objects.get(kind="review_due", owner_user__username="thanhvien", state="open")
    assert row.escalation_level == 1
    _assert_tasks()
    n, t = Council.objects.count(), Task.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Council.objects.count() == n and Task.objects.count() == t


def _assert_tasks() -> None:
    stages = set(Task.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values), set(Stage.values) - stages
    # the history of Q1/2024
    d250 = Decision.objects.get(number="250/QĐ-UBND")
    assert d250.signed_on == date(2024, 2, 6)
    assert Decision.objects.filter(number="252/QĐ-UBND", signed_on=date(2024, 2, 6)).exists()
    sam = Task.objects.get(title=SAM)
    assert sam.ordering_decision == d250 and sam.stage == Stage.SELECTION
    assert sam.applications.count() == 2
    for title in (GAO, HANG_CHU):
        assert Task.objects.get(title=title).stage == Stage.RECOGNISED
    h1 = Inspection.objects.filter(due_on__range=(date(2024, 1, 1), date(2024, 6, 30)))
    assert h1.values("task").distinct().count() == 29
    assert set(IP_PROJECTS) <= set(h1.values_list("task__title", flat=True))
    # every inspection due a month ago or more was held (none slid past unrecorded)
    late = Deadline.objects.filter(
        kind="inspection_due", state="open", due_date__lt=timezone.localdate() - timedelta(30)
    )
    assert not late.exists(), list(late[:3])
