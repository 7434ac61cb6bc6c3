"""From a valid acceptance dossier to recognition or refund (TT 11/2014), with the
acceptance council run by its own services and the clock moved.

The example: contract end 31/08/2025; the dossier filed 05/09/2025 and found valid on
Tuesday 16/09/2025, so the council is due to be set up within 15 working days, by
Tuesday 07/10/2025 (Art 9(1)); set up that day, it meets within 30 days, by Thursday
06/11/2025 (Art 10(2)). A result published on 06/11/2025 gives the corrections 30
working days, to Thursday 18/12/2025 (Art 13(3)); corrections filed that day give the
recognition decision 10 working days, to Friday 02/01/2026 over New Year's Day (Art
17(2)). "Không đạt" on 06/11/2025 bars the host and the PI through 06/11/2027 (the
catalogue's 24 months).
"""

from datetime import date

import pytest

from tasks_lifecycle.models import Decision, RefundPayment, Stage, Task, TaskDocument
from tasks_lifecycle.task_acceptance import (
    refund_outstanding,
    task_recognise,
    task_record_acceptance,
    task_record_refund,
    task_send_to_acceptance,
    task_submit_corrections,
)
from tasks_lifecycle.task_services import TaskRefused, bar_reasons_for
from workflows.errors import ActionForbidden, TransitionRefused
from workflows.models import AuditEntry, Deadline
from workflows.uploads import UploadRefused

from .conftest import on, pdf
from .task_helpers import (
    acceptance_council,
    acceptance_meeting,
    assert_rows_well_formed,
    assert_who_may_act,
    broken_pdf,
    row,
    rows,
    signed_task,
    unchanged,
    valid_dossier_task,
)

pytestmark = pytest.mark.django_db

SET_UP, MEETING = date(2025, 10, 7), date(2025, 11, 6)
ALL_DAT = ["dat"] * 9
RECOGNITION = {"decision_number": "25/QĐ-SKHCN", "signer": "Giám đốc Sở KH&CN"}


@pytest.fixture
def task(staff, org):
    return valid_dossier_task(staff, org)


def _sent(staff, pool, task, *, set_up=SET_UP, meeting_on=MEETING):
    council = acceptance_council(staff, pool, task, decision_date=set_up, meeting_on=meeting_on)
    with on(set_up, hour=15):
        task = task_send_to_acceptance(task=task, actor=staff["officer"], council=council)
    return task, council


def _concluded(staff, pool, task, votes, **kw):
    task, council = _sent(staff, pool, task)
    acceptance_meeting(staff, council, votes)
    with on(MEETING, hour=17):
        return task_record_acceptance(task=task, actor=staff["officer"], **kw), council


# --- the acceptance council -------------------------------------------------------------------
def test_sent_to_its_council_on_the_last_day_of_the_fifteen_working_days(staff, pool, task):
    assert row(task, "acceptance_council_setup").due_date == SET_UP
    not_yet = acceptance_council(
        staff, pool, task, decision_date=SET_UP, meeting_on=MEETING, constitute=False
    )
    with on(SET_UP):
        with unchanged(task), pytest.raises(TaskRefused) as exc:  # members, no decision yet
            task_send_to_acceptance(task=task, actor=staff["officer"], council=not_yet)
        assert exc.value.code == "council_not_set_up"
    task, council = _sent(staff, pool, task)
    assert task.stage == Stage.ACCEPTANCE
    assert row(task, "acceptance_council_setup").state == Deadline.State.MET
    meeting = row(task, "acceptance_meeting")
    assert meeting.due_date == MEETING and meeting.owner_user == staff["secretary"]
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="send_to_acceptance")
    assert entry.data["council"] == council.code


def test_a_council_set_up_a_day_late_misses_the_row_and_meets_30_days_later(staff, pool, task):
    task, _council = _sent(staff, pool, task, set_up=date(2025, 10, 8), meeting_on=MEETING)
    assert row(task, "acceptance_council_setup").state == Deadline.State.MISSED
    assert row(task, "acceptance_meeting").due_date == date(2025, 11, 7)


def test_only_an_acceptance_council_deciding_this_task(staff, pool, task, org):
    other = valid_dossier_task(staff, org, title="Ứng dụng công nghệ sinh học", number="06/2024")
    theirs = acceptance_council(staff, pool, other, decision_date=SET_UP, meeting_on=MEETING)
    with on(SET_UP), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_send_to_acceptance(task=task, actor=staff["officer"], council=theirs)
    assert exc.value.code == "not_a_subject"


# --- Đạt: corrections, recognition ------------------------------------------------------------
def test_dat_then_corrections_then_recognition_with_their_dates(staff, pool, task):
    task, council = _sent(staff, pool, task)
    with on(MEETING), unchanged(task), pytest.raises(TaskRefused) as exc:  # no result yet
        task_record_acceptance(task=task, actor=staff["officer"])
    assert exc.value.code == "no_result"
    acceptance_meeting(staff, council, ALL_DAT)
    with on(MEETING, hour=17):
        task = task_record_acceptance(task=task, actor=staff["officer"])
    assert task.stage == Stage.CORRECTIONS and task.acceptance_class == "dat"
    assert task.concluded_on == MEETING
    assert row(task, "acceptance_meeting").state == Deadline.State.MET
    corrections = row(task, "corrections")
    assert corrections.due_date == date(2025, 12, 18)  # 30 working days
    assert corrections.owner_user == staff["host"]  # the PI
    with on(date(2025, 12, 18)):
        with unchanged(task), pytest.raises(UploadRefused):
            task_submit_corrections(task=task, actor=staff["host"], report=broken_pdf())
        with unchanged(task), pytest.raises(ActionForbidden):
            task_submit_corrections(task=task, actor=staff["other_host"], report=pdf())
        with unchanged(task), pytest.raises(TaskRefused):  # recognition before corrections
            task_recognise(
                task=task, actor=staff["head"], signed_on=date(2025, 12, 18), **RECOGNITION
            )
        task = task_submit_corrections(
            task=task, actor=staff["host"], report=pdf("bao-cao-hoan-thien.pdf")
        )
        with unchanged(task), pytest.raises(TaskRefused) as exc:
            task_submit_corrections(task=task, actor=staff["host"], report=pdf())
        assert exc.value.code == "already_submitted"
    assert task.stage == Stage.CORRECTIONS and task.corrections_submitted_on == date(2025, 12, 18)
    assert row(task, "corrections").state == Deadline.State.MET
    assert TaskDocument.objects.filter(task=task, kind="corrections_report").count() == 1
    recognition = row(task, "recognition")
    assert recognition.due_date == date(2026, 1, 2)  # 10 working days, 01/01 off
    assert recognition.owner_user == staff["officer"]
    with on(date(2026, 1, 2)):
        with unchanged(task), pytest.raises(ActionForbidden):  # the Director's decision
            task_recognise(
                task=task, actor=staff["officer"], signed_on=date(2026, 1, 2), **RECOGNITION
            )
        for bad in (
            {"decision_number": ""},
            {"signed_on": date(2026, 1, 3)},
            {"signed_on": date(2025, 12, 17)},
        ):
            with unchanged(task), pytest.raises(TaskRefused):
                task_recognise(
                    task=task,
                    actor=staff["head"],
                    **{"signed_on": date(2026, 1, 2), **RECOGNITION, **bad},
                )
        task = task_recognise(
            task=task, actor=staff["director"], signed_on=date(2026, 1, 2), **RECOGNITION
        )
    assert task.stage == Stage.RECOGNISED
    assert task.recognition_decision.kind == Decision.Kind.RECOGNITION
    assert task.recognition_decision.number == "25/QĐ-SKHCN"
    assert row(task, "recognition").state == Deadline.State.MET
    assert not rows(task).filter(state=Deadline.State.OPEN).exists()
    assert_rows_well_formed(task)


def test_xuat_sac_is_recorded_as_its_class(staff, pool, task):
    task, _council = _concluded(staff, pool, task, ["xuat_sac"] * 7 + ["dat"] * 2)
    assert task.stage == Stage.CORRECTIONS and task.acceptance_class == "xuat_sac"


# --- Không đạt: refund, the bar ---------------------------------------------------------------
def test_khong_dat_records_the_refund_and_bars_the_host_and_the_pi(staff, pool, task, org):
    votes = ["khong_dat"] * 4 + ["dat"] * 5  # 4 of 9 present: more than 1/3
    task, council = _sent(staff, pool, task)
    acceptance_meeting(staff, council, votes)
    with on(MEETING, hour=17):
        for bad in ({}, {"refund_amount": -5}, {"refund_amount": 1_300_000_000}):
            with unchanged(task), pytest.raises(TaskRefused) as exc:
                task_record_acceptance(task=task, actor=staff["officer"], **bad)
            assert exc.value.code == "refund_required"
        assert bar_reasons_for(host=org, on=MEETING) == []
        task = task_record_acceptance(task=task, actor=staff["officer"], refund_amount=480_000_000)
    assert task.stage == Stage.FAILED and task.acceptance_class == "khong_dat"
    assert task.concluded_on == MEETING and task.refund_amount == 480_000_000
    assert not rows(task).filter(state=Deadline.State.OPEN).exists()
    # barred for the catalogue's 24 months from the conclusion, both host and PI
    last = date(2027, 11, 6)
    for who in ({"host": org}, {"pi": task.pi}):
        reasons = bar_reasons_for(**who, on=last)
        assert len(reasons) == 1 and "Không đạt" in reasons[0] and "06/11/2027" in reasons[0]
        assert bar_reasons_for(**who, on=date(2027, 11, 7)) == []


def test_a_dossier_more_than_six_months_late_fails_whatever_the_votes(staff, pool, org):
    # the limit after the end 31/08/2025 is 28/02/2026; filed Sunday 01/03/2026
    task = valid_dossier_task(staff, org, filed_on=date(2026, 3, 1), valid_on=date(2026, 3, 3))
    set_up, meeting_on = date(2026, 3, 10), date(2026, 4, 2)
    council = acceptance_council(staff, pool, task, decision_date=set_up, meeting_on=meeting_on)
    with on(set_up):
        task = task_send_to_acceptance(task=task, actor=staff["officer"], council=council)
    acceptance_meeting(staff, council, ["xuat_sac"] * 9)
    with on(meeting_on, hour=17):
        task = task_record_acceptance(task=task, actor=staff["officer"], refund_amount=0)
    assert task.stage == Stage.FAILED and task.acceptance_class == "khong_dat"
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="fail_acceptance")
    assert entry.data["dossier_late"] is True and entry.data["result"] == "khong_dat"


# --- refunds ----------------------------------------------------------------------------------
def test_refund_payments_against_the_amount(staff, pool, task):
    task, _council = _concluded(staff, pool, task, ["khong_dat"] * 9, refund_amount=300_000_000)
    with on(date(2025, 12, 1)):
        for bad in ({"amount": 0}, {"amount": 300_000_001}, {"paid_on": date(2025, 12, 2)}):
            with unchanged(task), pytest.raises(TaskRefused):
                task_record_refund(
                    task=task,
                    actor=staff["officer"],
                    **{"amount": 100_000_000, "paid_on": date(2025, 12, 1), **bad},
                )
        with unchanged(task), pytest.raises(ActionForbidden):
            task_record_refund(task=task, actor=staff["host"], amount=1, paid_on=date(2025, 12, 1))
        first = task_record_refund(
            task=task,
            actor=staff["officer"],
            amount=100_000_000,
            paid_on=date(2025, 11, 28),
            reference="GNT 0012345",
        )
    assert first.number == 1 and refund_outstanding(task) == 200_000_000
    with on(date(2025, 12, 20)):
        task_record_refund(
            task=task, actor=staff["head"], amount=200_000_000, paid_on=date(2025, 12, 19)
        )
        assert refund_outstanding(task) == 0
        with unchanged(task), pytest.raises(TaskRefused) as exc:
            task_record_refund(
                task=task, actor=staff["officer"], amount=1, paid_on=date(2025, 12, 20)
            )
        assert exc.value.code == "refund_invalid"
    assert list(RefundPayment.objects.filter(task=task).values_list("amount", flat=True)) == [
        100_000_000,
        200_000_000,
    ]
    entry = AuditEntry.objects.filter(object_id=str(task.pk), action="record_refund").last()
    assert entry.data["outstanding"] == 0


def test_no_refund_on_a_task_in_progress(staff, org):
    task = signed_task(staff, org)
    with on(date(2024, 6, 1)), unchanged(task), pytest.raises(TransitionRefused):
        task_record_refund(task=task, actor=staff["officer"], amount=1, paid_on=date(2024, 6, 1))


# --- who may act ------------------------------------------------------------------------------
SERVICES = {
    "send_to_acceptance": task_send_to_acceptance,
    "record_acceptance": task_record_acceptance,
    "submit_corrections": task_submit_corrections,
    "recognise": task_recognise,
    "record_refund": task_record_refund,
}


@pytest.mark.parametrize("step", list(SERVICES))
def test_who_may_act_on_each_acceptance_step(staff, task, step):
    assert_who_may_act(staff, task, step, SERVICES[step])
    assert Task.objects.get(pk=task.pk).stage == Stage.DOSSIER_VALID
