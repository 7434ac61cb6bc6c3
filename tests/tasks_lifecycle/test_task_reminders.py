"""The issue's triggers on an S&T task fire on the right day through the engine's sweep
(`notifications.services.deadlines_sweep`, the task catalogue's ladder), and every kind
of row the task services open has a time limit, an owner and a ladder.

Contract 05/2024/HĐ-KHCN ends Sunday 31/08/2025:
- contract end T-30 days: Friday 01/08/2025, to the PI;
- the extension window closes at end − 1 month, 31/07/2025: a week before (24/07) and
  on the day, to the PI;
- the acceptance dossier is due at end + 30 days, 30/09/2025: overdue the next working
  day, Wednesday 01/10/2025, to the head of the managing division;
- the "Không đạt" risk at end + 6 months, 28/02/2026, warned at + 5 months (Saturday
  31/01/2026); its own reminder a week before falls in Tết 2026 (16–20/02) and moves to
  the working day before it, Friday 13/02/2026; the director on 28/02/2026;
- the first inspection, due Thursday 29/08/2024: the notice to the host owed by
  22/08 (reminded 21/08), the inspection the working day before (28/08), on the day,
  and the head of division the working day after (30/08) if it is still not held.
Every row these open has its time limit, an owner and a ladder (`assert_rows_well_formed`,
also after a whole acceptance). The councils' "papers to dispatch" and "a missing review
at T-1 working day" are in test_reminders.py.
"""

from datetime import date

import pytest

from notifications.models import Notification
from notifications.services import deadlines_sweep
from tasks_lifecycle.models import Inspection
from tasks_lifecycle.task_progress import (
    task_confirm_spending,
    task_confirm_workload,
    task_plan_inspection,
    task_record_inspection,
    task_upload_inspection_reports,
)

from .conftest import on, pdf
from .task_helpers import assert_rows_well_formed, signed_task
from .test_task_progress import TEAM

pytestmark = pytest.mark.django_db

PI, OFFICER, HEAD, DIRECTOR = "tochuc", "cvqlkh", "truongphong", "giamdoc"
REMIND, TODAY, OVERDUE = "deadline_reminder", "deadline_due_today", "deadline_overdue"


def _sweep(day: date) -> set[tuple[str, str, str]]:
    """What one sweep on `day` sent in the app: (row kind, template, recipient)."""
    before = set(Notification.objects.values_list("pk", flat=True))
    deadlines_sweep(today=day)
    sent = (
        Notification.objects.exclude(pk__in=before)
        .filter(channel="in_app", deadline__isnull=False)
        .select_related("deadline", "recipient")
    )
    return {(n.deadline.kind, n.template, n.recipient.username) for n in sent}


def _of(kind: str, fired: set) -> set:
    return {f for f in fired if f[0] == kind}


def test_the_contract_end_triggers_on_their_days(staff, org):
    signed_task(staff, org)
    steps = [
        # (day, kind, what fires that day; the day before nothing of that kind)
        (date(2025, 7, 24), "extension_window", {(REMIND, PI)}),
        (date(2025, 7, 31), "extension_window", {(TODAY, PI)}),
        (date(2025, 8, 1), "contract_end", {(REMIND, PI)}),
        (date(2025, 10, 1), "acceptance_dossier", {(OVERDUE, HEAD)}),
        (date(2026, 1, 31), "acceptance_limit_warning", {(TODAY, PI)}),
        (date(2026, 2, 13), "acceptance_limit", {(REMIND, PI)}),
        (date(2026, 2, 28), "acceptance_limit", {(OVERDUE, DIRECTOR)}),
    ]
    for day, kind, expected in steps:
        previous = date.fromordinal(day.toordinal() - 1)
        assert not {f[1:] for f in _of(kind, _sweep(previous))} & expected, (kind, previous)
        assert {f[1:] for f in _of(kind, _sweep(day))} == expected, (kind, day)


def test_the_inspection_triggers_and_a_held_inspection_stops_them(staff, org):
    task = signed_task(staff, org)
    inspection = Inspection.objects.get(task=task, number=1)
    assert not _of("inspection_notice", _sweep(date(2024, 8, 20)))
    assert _of("inspection_notice", _sweep(date(2024, 8, 21))) == {
        ("inspection_notice", REMIND, OFFICER)
    }
    with on(date(2024, 8, 22)):
        task_plan_inspection(
            task=task, actor=staff["officer"], inspection=inspection, planned_on=date(2024, 8, 29)
        )
        task_upload_inspection_reports(
            task=task,
            actor=staff["host"],
            inspection=inspection,
            progress_report=pdf(),
            spending_report=pdf(),
        )
    assert not _of("inspection_notice", _sweep(date(2024, 8, 22)))  # notified: no more
    assert not _of("inspection_due", _sweep(date(2024, 8, 27)))
    assert _of("inspection_due", _sweep(date(2024, 8, 28))) == {("inspection_due", REMIND, OFFICER)}
    assert _of("inspection_due", _sweep(date(2024, 8, 29))) == {("inspection_due", TODAY, OFFICER)}
    with on(date(2024, 8, 29), hour=16):
        task_record_inspection(
            task=task,
            actor=staff["officer"],
            inspection=inspection,
            team=TEAM,
            host_leader="Giám đốc Trung tâm",
            outcome="on_track",
            minutes=pdf(),
        )
    assert not _of("inspection_due", _sweep(date(2024, 8, 30)))  # held: no escalation
    # the confirmations remind the officer the working day before (13/09, 27/09/2024)
    assert _of("workload_confirmation", _sweep(date(2024, 9, 13))) == {
        ("workload_confirmation", REMIND, OFFICER)
    }
    with on(date(2024, 9, 16)):
        task_confirm_workload(task=task, actor=staff["officer"], inspection=inspection)
        task_confirm_spending(task=task, actor=staff["officer"], inspection=inspection)
    assert not _of("spending_confirmation", _sweep(date(2024, 9, 27)))
    assert_rows_well_formed(task)
