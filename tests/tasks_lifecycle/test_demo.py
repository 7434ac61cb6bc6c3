"""The councils' demo: the Q1/2024 councils the report names, held, with minutes; the
current set at its stages; idempotent."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tasks_lifecycle import documents
from tasks_lifecycle.models import Council, Status
from workflows.models import Deadline

pytestmark = pytest.mark.django_db


def test_seed_demo_councils():
    call_command("seed_demo", stdout=io.StringIO())
    titles = {c.title: c for c in Council.objects.all()}
    gao = next(c for t, c in titles.items() if "Gạo Phù Yên" in t)
    hang_chu = next(c for t, c in titles.items() if "Rượu Hang Chú" in t)
    tkr = next(c for t, c in titles.items() if "Niken La Phù (TKR)" in t)
    ident = next(c for c in titles.values() if c.kind.code == "identification")
    for c in (gao, hang_chu, tkr, ident):
        assert c.status == Status.CLOSED, c.title
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.minutes_pdf(gao))).pages
    )
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Gạo Phù Yên" in text
    assert "250/QĐ-UBND" in ident.conclusion
    current = [c for c in titles.values() if c.status != Status.CLOSED]
    assert {c.kind.code for c in current} == {"selection", "acceptance"}
    assert sorted(c.status for c in current if c.kind.code == "acceptance") == [
        "constituted",
        "papers_sent",
        "papers_sent",
    ]
    # the missing review of `thanhvien` is due tomorrow: warned today
    row = Deadline.objects.get(kind="review_due", owner_user__username="thanhvien", state="open")
    assert row.escalation_level == 1
    n = Council.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Council.objects.count() == n
