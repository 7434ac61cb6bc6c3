"""The demo data: the Q1/2024 figures of the report, and every stage in the current set."""

from datetime import date

import pytest

from penalties.demo import seed_penalties
from penalties.models import Inspection, PenaltyCase, Relief, Status
from penalties.selectors import case_money, cases_with_money
from workflows.demo import seed_engine


@pytest.fixture
def demo(db):
    seed_engine()
    return seed_penalties()


def test_q1_2024_figures(demo):
    gold = PenaltyCase.objects.filter(inspection__number="02/KL-TTra")
    assert gold.count() == 8
    paid = [c for c in gold if c.record_number != "08/BB-VPHC"]
    assert len(paid) == 7 and sum(c.paid_total for c in paid) == 74_000_000
    assert all(c.is_example for c in gold)
    arrear = cases_with_money().get(record_number="08/BB-VPHC")
    assert arrear.amount == 11_000_000 and arrear.payment_due == date(2024, 1, 8)
    assert case_money(arrear, on=date(2024, 3, 15)).surcharge == 368_500
    refused = arrear.reliefs.get()
    assert refused.kind == Relief.Kind.INSTALMENTS and refused.state == Relief.State.REFUSED
    assert Inspection.objects.filter(kind=Inspection.Kind.PROPOSAL).count() == 3
    surprise = Inspection.objects.get(number="08/QĐ-SKHCN")
    assert "45/QĐ-SKHCN" in surprise.amended_by and "Phù Yên" in surprise.subjects
    assert Inspection.objects.filter(kind=Inspection.Kind.PLAN, title__contains="LPG").exists()


def test_current_set_covers_every_stage_and_is_idempotent(demo):
    assert demo["skipped"] == []
    states = set(PenaltyCase.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    n = PenaltyCase.objects.count()
    seed_penalties()
    assert PenaltyCase.objects.count() == n
