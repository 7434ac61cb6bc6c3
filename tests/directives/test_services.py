"""Every service: the happy path, the states it refuses, the wrong actor (ownership, not
only roles); a refusal changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from directives import services
from directives.models import Assignment, Extension, OutgoingKind, ProgressNote, Result, Status
from notifications.models import Notification
from workflows.audit import audit_trail
from workflows.errors import ActionForbidden, DomainError, TransitionRefused
from workflows.ledger import deadlines_for_case
from workflows.models import Deadline

from .conftest import on, pdf, register

pytestmark = pytest.mark.django_db


def _row(a):
    return deadlines_for_case(a).get()


# --- create -------------------------------------------------------------------------------
def test_create_with_officer_opens_the_ledger_row_and_tells_the_officer(people, divisions):
    a = register(people, divisions)
    assert a.code == "NV-2024-0001"
    assert a.status == Status.IN_PROGRESS
    assert a.source_label == "Công văn số 84/UBND-KGVX ngày 08/01/2024"
    row = _row(a)
    assert row.procedure_code == "nhiem-vu-ubnd-giao"
    assert row.owner_user == people["officer"] and row.owner_division == divisions["qlkh"]
    assert row.due_date == date(2024, 1, 31) and row.state == Deadline.State.OPEN
    # T-3 working days before Wednesday 31/01: Friday 26/01
    assert row.next_action_on == date(2024, 1, 26)
    assert list(audit_trail(a).values_list("action", flat=True)) == ["create"]
    assert Notification.objects.filter(recipient=people["officer"], object_id=str(a.pk)).exists()
    assert set(a.supporting_divisions.values_list("code", flat=True)) == {"cn-qlkhcs"}


def test_create_without_officer_is_owned_by_the_division_heads(people, divisions):
    a = register(people, divisions, officer=None)
    assert a.status == Status.RECEIVED
    row = _row(a)
    assert row.owner_user is None and row.owner_group.name == "head_of_division"


def test_codes_follow_each_other(people, divisions):
    a = register(people, divisions, number="1/UBND")
    b = register(people, divisions, number="2/UBND")
    assert (a.code, b.code) == ("NV-2024-0001", "NV-2024-0002")


def test_a_sunday_due_date_is_kept_and_the_ledger_counts_to_monday(people, divisions):
    a = register(people, divisions, due=date(2024, 3, 10))
    assert a.due_on == date(2024, 3, 10)
    assert _row(a).due_date == date(2024, 3, 11)


def test_create_refuses_a_due_date_before_the_document(people, divisions):
    with pytest.raises(DomainError, match="không được trước ngày văn bản"):
        register(people, divisions, due=date(2024, 1, 7))
    assert not Assignment.objects.exists() and not Deadline.objects.exists()


@pytest.mark.parametrize("who", ["officer", "accountant", "applicant", "inspector"])
def test_create_refused_for_roles_without_the_step(people, divisions, who):
    with pytest.raises(ActionForbidden):
        register(people, divisions, actor=who)
    assert not Assignment.objects.exists()


def test_a_head_registers_only_for_their_own_division(people, divisions):
    assert register(people, divisions, actor="head").lead_division.code == "qlkh"
    with pytest.raises(ActionForbidden, match="phòng mình"):
        register(people, divisions, actor="other_head", number="9/UBND")


def test_create_refuses_an_officer_of_another_division(people, divisions):
    with pytest.raises(DomainError, match="cán bộ đang làm việc tại"):
        register(people, divisions, officer="supporter")
    assert not Assignment.objects.exists()


# --- assign --------------------------------------------------------------------------------
def test_assign_then_reassign(people, divisions):
    a = register(people, divisions, officer=None)
    with on(date(2024, 1, 9)):
        a = services.assignment_assign(
            assignment=a, actor=people["head"], officer=people["officer"]
        )
    assert a.status == Status.IN_PROGRESS and _row(a).owner_user == people["officer"]
    with on(date(2024, 1, 10)):
        a = services.assignment_assign(
            assignment=a, actor=people["director"], officer=people["officer2"]
        )
    assert a.officer == people["officer2"] and _row(a).owner_user == people["officer2"]
    entries = list(audit_trail(a))
    assert [e.action for e in entries] == ["create", "assign", "assign"]
    assert entries[-1].data["previous_officer"] == people["officer"].pk
    assert Notification.objects.filter(recipient=people["officer"], template="directive_event")


@pytest.mark.parametrize("who", ["other_head", "officer", "office", "supporter"])
def test_assign_refused_for_others(people, divisions, who):
    a = register(people, divisions, officer=None)
    with pytest.raises(ActionForbidden):
        services.assignment_assign(assignment=a, actor=people[who], officer=people["officer"])
    a.refresh_from_db()
    assert a.status == Status.RECEIVED and a.officer is None


def test_assign_refused_once_completed(people, divisions):
    a = _completed(people, divisions)
    with pytest.raises(TransitionRefused):
        services.assignment_assign(assignment=a, actor=people["head"], officer=people["officer2"])


# --- notes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "head", "director", "supporter", "other_head"])
def test_notes_by_the_officer_head_director_and_supporting_division(people, divisions, who):
    a = register(people, divisions)
    note = services.assignment_note_add(assignment=a, actor=people[who], text="Đã xin ý kiến")
    assert note.author == people[who]
    assert audit_trail(a).filter(action="note").count() == 1


@pytest.mark.parametrize("who", ["officer2", "inspector", "accountant", "office"])
def test_notes_refused_for_others(people, divisions, who):
    a = register(people, divisions)
    with pytest.raises(ActionForbidden):
        services.assignment_note_add(assignment=a, actor=people[who], text="x")
    assert not ProgressNote.objects.exists()


def test_note_with_a_file_and_an_empty_note_refused(people, divisions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = register(people, divisions)
    note = services.assignment_note_add(
        assignment=a, actor=people["officer"], text="Dự thảo gửi kèm", file=pdf("du-thao.pdf")
    )
    assert note.file and note.original_name == "du-thao.pdf"
    with pytest.raises(DomainError):
        services.assignment_note_add(assignment=a, actor=people["officer"], text="  ")


# --- extend --------------------------------------------------------------------------------
def test_extend_moves_the_due_date_and_the_ledger_and_keeps_both_in_the_audit(people, divisions):
    a = register(people, divisions)
    with on(date(2024, 1, 29)):
        a = services.assignment_extend(
            assignment=a,
            actor=people["head"],
            new_due_on=date(2024, 2, 20),
            reason="Chờ ý kiến của Bộ KH&CN",
            approval="Công văn số 400/UBND-KGVX ngày 29/01/2024",
        )
    assert a.due_on == date(2024, 2, 20) and a.original_due_on == date(2024, 1, 31)
    row = _row(a)
    assert row.due_date == date(2024, 2, 20) and row.escalation_level == 0
    entry = audit_trail(a).get(action="extend")
    assert entry.data["old_due_on"] == "2024-01-31" and entry.data["new_due_on"] == "2024-02-20"
    assert entry.data["cause"] == "Chờ ý kiến của Bộ KH&CN"
    assert Extension.objects.get().approval.startswith("Công văn số 400")
    assert a.status == Status.IN_PROGRESS


def test_extend_refuses_an_earlier_date_and_the_wrong_people(people, divisions):
    a = register(people, divisions)
    with pytest.raises(DomainError, match="phải sau hạn"):
        services.assignment_extend(
            assignment=a, actor=people["head"], new_due_on=date(2024, 1, 31), reason="x"
        )
    for who in ("officer", "other_head", "office"):
        with pytest.raises(ActionForbidden):
            services.assignment_extend(
                assignment=a, actor=people[who], new_due_on=date(2024, 3, 1), reason="x"
            )
    a.refresh_from_db()
    assert a.due_on == date(2024, 1, 31) and not Extension.objects.exists()


def test_extend_refused_once_completed(people, divisions):
    a = _completed(people, divisions)
    with pytest.raises(TransitionRefused):
        services.assignment_extend(
            assignment=a, actor=people["head"], new_due_on=date(2024, 3, 1), reason="x"
        )


# --- complete ------------------------------------------------------------------------------
def _completed(people, divisions, *, on_day=date(2024, 1, 30), who="officer"):
    a = register(people, divisions)
    with on(on_day):
        return services.assignment_complete(
            assignment=a,
            actor=people[who],
            outgoing_kind=OutgoingKind.OFFICIAL_LETTER,
            outgoing_number="120/SKHCN-QLKH&CN",
            outgoing_date=on_day,
        )


@pytest.mark.parametrize(
    ("day", "result", "state"),
    [
        (date(2024, 1, 30), Result.EARLY, Deadline.State.MET),
        (date(2024, 1, 31), Result.ON_TIME, Deadline.State.MET),
        (date(2024, 2, 1), Result.LATE, Deadline.State.MISSED),
    ],
)
def test_complete_classifies_and_closes_the_ledger(people, divisions, day, result, state):
    a = _completed(people, divisions, on_day=day)
    assert a.status == Status.COMPLETED and a.result == result and a.completed_on == day
    row = _row(a)
    assert row.state == state and row.closed_on == day
    assert a.outgoing_label == f"Công văn số 120/SKHCN-QLKH&CN ngày {day:%d/%m/%Y}"


def test_complete_after_extension_counts_against_the_new_date(people, divisions):
    a = register(people, divisions)
    with on(date(2024, 1, 29)):
        services.assignment_extend(
            assignment=a, actor=people["director"], new_due_on=date(2024, 2, 20), reason="x"
        )
    with on(date(2024, 2, 20)):
        a = services.assignment_complete(
            assignment=a,
            actor=people["head"],
            outgoing_kind=OutgoingKind.SUBMISSION,
            outgoing_number="331/TTr-SKHCN",
            outgoing_date=date(2024, 2, 20),
        )
    assert a.result == Result.ON_TIME and _row(a).state == Deadline.State.MET


@pytest.mark.parametrize("who", ["officer2", "other_head", "director", "office", "supporter"])
def test_complete_refused_for_anyone_but_the_officer_and_the_lead_head(people, divisions, who):
    a = register(people, divisions)
    with on(date(2024, 1, 30)), pytest.raises(ActionForbidden):
        services.assignment_complete(
            assignment=a,
            actor=people[who],
            outgoing_kind=OutgoingKind.REPORT,
            outgoing_number="1/BC-SKHCN",
            outgoing_date=date(2024, 1, 30),
        )
    a.refresh_from_db()
    assert a.status == Status.IN_PROGRESS and _row(a).state == Deadline.State.OPEN


def test_complete_refused_when_not_in_progress_and_with_bad_dates(people, divisions):
    a = register(people, divisions, officer=None)
    with pytest.raises(TransitionRefused):
        services.assignment_complete(
            assignment=a,
            actor=people["head"],
            outgoing_kind=OutgoingKind.REPORT,
            outgoing_number="1/BC",
            outgoing_date=date(2024, 1, 30),
        )
    b = register(people, divisions, number="2/UBND")
    with on(date(2024, 1, 30)), pytest.raises(DomainError, match="không được trước ngày nhận"):
        services.assignment_complete(
            assignment=b,
            actor=people["officer"],
            outgoing_kind=OutgoingKind.REPORT,
            outgoing_number="1/BC",
            outgoing_date=date(2024, 1, 5),
        )
    done = _completed(people, divisions)
    with on(date(2024, 1, 30)), pytest.raises(TransitionRefused):
        services.assignment_complete(
            assignment=done,
            actor=people["officer"],
            outgoing_kind=OutgoingKind.REPORT,
            outgoing_number="1/BC",
            outgoing_date=date(2024, 1, 30),
        )


# --- cancel --------------------------------------------------------------------------------
def test_cancel_by_the_lead_head_cancels_the_ledger_row(people, divisions):
    a = register(people, divisions)
    with on(date(2024, 1, 15)):
        a = services.assignment_cancel(
            assignment=a, actor=people["head"], reason="UBND tỉnh thu hồi tại Công văn 150/UBND"
        )
    assert a.status == Status.CANCELLED and a.cancelled_on == date(2024, 1, 15)
    assert _row(a).state == Deadline.State.CANCELLED
    with pytest.raises(TransitionRefused):
        services.assignment_cancel(assignment=a, actor=people["head"], reason="x")
    with pytest.raises(TransitionRefused):
        services.assignment_note_add(assignment=a, actor=people["head"], text="x")


def test_cancel_refused_for_the_officer_and_without_a_reason(people, divisions):
    a = register(people, divisions)
    with pytest.raises(ActionForbidden):
        services.assignment_cancel(assignment=a, actor=people["officer"], reason="x")
    with pytest.raises(DomainError):
        services.assignment_cancel(assignment=a, actor=people["head"], reason=" ")
    a.refresh_from_db()
    assert a.status == Status.IN_PROGRESS


# --- the ladder ----------------------------------------------------------------------------
def test_the_ladder_warns_the_officer_then_the_head_then_the_director(people, divisions):
    from notifications.services import deadlines_sweep

    a = register(people, divisions)
    director = people["director"]
    assert deadlines_sweep(today=date(2024, 1, 25)) == 0
    assert deadlines_sweep(today=date(2024, 1, 26)) == 1  # T-3 → officer
    assert deadlines_sweep(today=date(2024, 1, 31)) == 1  # due day → head of the division
    assert deadlines_sweep(today=date(2024, 2, 1)) == 1  # +1 → director
    sent = Notification.objects.filter(deadline__object_id=str(a.pk), channel="in_app")
    assert {(n.recipient_id, n.template) for n in sent} == {
        (people["officer"].pk, "directive_reminder"),
        (people["head"].pk, "directive_due_today"),
        (director.pk, "directive_overdue"),
    }
    assert "NV-2024-0001" in sent.get(template="directive_overdue").subject
