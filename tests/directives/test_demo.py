"""The demo (this app's seeder only) and the report figure of Q1/2024 it gives."""

from __future__ import annotations

from datetime import date

import pytest

from directives.demo import seed_directives
from directives.models import Assignment, ImportBatch, Result, Status
from directives.reporting import report_figures
from workflows import registry
from workflows.demo import seed_engine
from workflows.models import Deadline

# one process runs the whole module: its module-scoped data is built once (xdist)
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("directives-test_demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module, removed at its end."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        seed_engine()
        out = seed_directives()
        yield out
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_the_report_sentence_for_q1_2024_counts_246(demo):
    headline, detail = report_figures(start=date(2024, 1, 1), end=date(2024, 3, 31))
    assert headline.section == "directives"
    assert headline.text == (
        "Trong kỳ báo cáo Sở Khoa học và Công nghệ tham mưu thực hiện 246 nhiệm vụ UBND tỉnh, "
        "chủ tịch UBND tỉnh giao, các nhiệm vụ cơ bản hoàn thành trước và đúng tiến độ."
    )
    assert detail.text == (
        "Trong đó: hoàn thành trước hạn 171, đúng hạn 58, quá hạn 05; đang thực hiện 12."
    )
    assert len(headline.records) == 246
    assert headline.records[0].url.startswith("/can-bo/nhiem-vu-ubnd/")


def test_the_documents_the_report_names_are_among_them(demo):
    outgoing = set(Assignment.objects.values_list("outgoing_number", flat=True))
    sources = set(Assignment.objects.values_list("source_number", flat=True))
    for number in (
        "84/UBND-KGVX",
        "250/QĐ-UBND",
        "252/QĐ-UBND",
        "331/TTr-SKHCN",
        "341/SKHCN-QLKH&CN",
        "62/KH-UBND",
        "259/KHCN-KNĐMST",
    ):
        assert number in outgoing, number
    assert "238/KH-UBND" in sources
    a = Assignment.objects.get(outgoing_number="331/TTr-SKHCN")
    assert a.outgoing_label == "Tờ trình số 331/TTr-SKHCN ngày 26/02/2024"


def test_the_history_came_through_the_import_and_the_current_set_covers_every_state(demo):
    assert demo["imported"] == 261 and ImportBatch.objects.count() == 1
    current = Assignment.objects.filter(batch__isnull=True)
    statuses = set(current.values_list("status", flat=True))
    assert statuses == set(Status.values)
    results = set(current.exclude(result="").values_list("result", flat=True))
    assert results == set(Result.values)
    assert current.filter(extensions__isnull=False).exists()
    from directives.selectors import decorate

    warnings = {a.warning for a in decorate(list(current))}
    assert {"overdue", "due_today", "due_soon"} <= warnings or {"overdue", "due_soon"} <= warnings
    assert Deadline.objects.filter(procedure_code="nhiem-vu-ubnd-giao").count() == (
        Assignment.objects.count()
    )


def test_the_demo_again_adds_nothing(demo):
    before = Assignment.objects.count()
    seed_directives()
    assert Assignment.objects.count() == before


def test_registered_with_the_engine(demo):
    assert seed_directives in registry.demo_seeders
    source = next(s for s in registry.ledger_sources if s.model == "directives.assignment")
    assert source.procedure_codes == ("nhiem-vu-ubnd-giao",)
    a = Assignment.objects.first()
    assert source.case_url(str(a.pk), a.code) == f"/can-bo/nhiem-vu-ubnd/{a.pk}/"
    assert source.kind_label("assignment_due") == "Hạn hoàn thành nhiệm vụ UBND tỉnh giao"
    assert report_figures in registry.report_figures
