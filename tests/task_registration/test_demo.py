"""The demo's result registrations: the report's 03 dossiers received in Q1/2024,
replayed through the desk's services on their Q1/2024 dates (seed_demo)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from permits.models import ApologySlip, Dossier, Status
from tasks_lifecycle.registration.demo import seed_registrations
from tasks_lifecycle.registration.kind import KIND, registration_of
from tasks_lifecycle.registration.models import ResultRegistration
from tests.task_registration.conftest import on
from workflows.demo import seed_engine
from workflows.ledger import deadlines_for_case
from workflows.models import Deadline

pytestmark = pytest.mark.django_db


def test_the_three_registrations_of_the_first_quarter(django_capture_on_commit_callbacks):
    with on(date(2026, 12, 1), 10), django_capture_on_commit_callbacks(execute=True):
        seed_engine()
        out = io.StringIO()
        result = seed_registrations(out)
    assert result["skipped"] == [] and "bỏ qua" not in out.getvalue()
    dossiers = list(Dossier.objects.filter(kind=KIND).order_by("submitted_on"))
    assert [d.submitted_on for d in dossiers] == [
        date(2024, 1, 15),
        date(2024, 2, 26),
        date(2024, 3, 11),
    ]
    assert all(d.status == Status.ISSUED for d in dossiers)
    assert [registration_of(d).number for d in dossiers] == [
        "01/2024/GCN-SKHCN",
        "02/2024/GCN-SKHCN",
        "03/2024/GCN-SKHCN",
    ]
    assert all("(ví dụ)" in registration_of(d).task_title for d in dossiers)
    first, second, third = dossiers
    assert (first.accepted_on, first.decided_on) == (date(2024, 1, 16), date(2024, 1, 22))
    assert second.channel == "counter" and second.supplements.get().answered_on == date(2024, 3, 1)
    assert (second.accepted_on, second.decided_on) == (date(2024, 3, 4), date(2024, 3, 8))
    slip = third.apologies.get()
    assert slip.state == ApologySlip.State.ISSUED
    assert (slip.old_date, slip.new_date, slip.issued_on) == (
        date(2024, 3, 19),
        date(2024, 3, 22),
        date(2024, 3, 15),
    )
    assert third.decided_on == date(2024, 3, 22)
    for dossier in dossiers:  # handled by the managing division, on time (or as re-dated)
        assert dossier.specialist.username == "cvqlkh"
        result_row = deadlines_for_case(dossier).get(kind="result")
        assert result_row.state == Deadline.State.MET and result_row.owner_division.code == "qlkh"
        assert not deadlines_for_case(dossier).filter(state=Deadline.State.OPEN).exists()

    # idempotent: a second run adds nothing
    with on(date(2026, 12, 1), 11), django_capture_on_commit_callbacks(execute=True):
        seed_registrations(io.StringIO())
    assert ResultRegistration.objects.count() == 3 and Dossier.objects.count() == 3
