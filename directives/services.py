"""Every change to an assignment from the People's Committee.

Each service takes the acting user, runs in one transaction, locks the assignment,
checks the actor (`directives.access`) and the dates (`directives.rules`), performs the
FSM transition through `workflows.transitions.transition_perform` (one audit row), keeps
the assignment's one ledger row in step (`workflows.ledger`) and writes the outbox rows
(`notifications`), whose e-mails go out after commit. A refusal raises a `DomainError`
with a Vietnamese reason and changes nothing. Views, the API and the demo call only
these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notifications_enqueue
from workflows.audit import audit_record
from workflows.errors import ActionForbidden, DomainError, TransitionRefused
from workflows.ledger import (
    deadline_cancel,
    deadline_close,
    deadline_open,
    deadline_reassign,
    deadline_reschedule,
    deadlines_for_case,
)
from workflows.models import Deadline, Division
from workflows.roles import Role
from workflows.selectors import procedure_version_for, role_group
from workflows.sql import sequence_next
from workflows.transitions import case_lock, case_set, transition_perform
from workflows.uploads import upload_check

from . import access, rules
from .models import (
    LEDGER_KIND,
    PROCEDURE_CODE,
    Assignment,
    Extension,
    OutgoingKind,
    ProgressNote,
    Source,
    SourceKind,
    Status,
)

STAFF_CHANNELS = ["in_app", "email"]


def _today() -> date:
    return timezone.localdate()


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _raise_first(problems: list[rules.Problem]) -> None:
    if problems:
        raise DomainError(problems[0].message, code="invalid")


def allocate_codes(year: int, n: int) -> list[str]:
    """`n` new assignment codes of `year` (NV-2024-0001 …), reserved at once in the
    engine's named sequence, so two transactions never get the same codes."""
    last = sequence_next(f"directives:assignment:{year}", n)
    return [f"NV-{year}-{i:04d}" for i in range(last - n + 1, last + 1)]


def _queryset():
    return Assignment.objects.select_related("lead_division", "officer", "procedure_version")


def _url(assignment: Assignment) -> str:
    return reverse("directives:assignment", args=[assignment.pk])


def _title(assignment: Assignment) -> str:
    return assignment.content[:300]


def _ledger_row(assignment: Assignment) -> Deadline | None:
    return (
        deadlines_for_case(assignment)
        .filter(kind=LEDGER_KIND, state=Deadline.State.OPEN)
        .order_by("-pk")
        .first()
    )


def _notify(assignment: Assignment, users: Iterable, event: str, subject: str, message: str):
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return
    notifications_enqueue(
        recipients=recipients.values(),
        template="directive_event",
        context={
            "subject": subject,
            "message": message,
            "dossier_code": assignment.code,
            "title": assignment.content[:200],
            "due_date": _d(assignment.due_on),
            "link": _url(assignment),
        },
        channels=STAFF_CHANNELS,
        key=f"directives:{assignment.pk}:{event}",
        case=assignment,
        link=_url(assignment),
    )


def _check_officer(officer, lead_division: Division) -> None:
    ok = (
        officer is not None
        and get_user_model()
        .objects.filter(
            pk=officer.pk,
            is_active=True,
            division_id=lead_division.pk,
            groups__name__in=access.DIVISION_STAFF_ROLES,
        )
        .exists()
    )
    if not ok:
        raise DomainError(
            _("Cán bộ thực hiện phải là cán bộ đang làm việc tại %(d)s.") % {"d": lead_division},
            code="invalid",
        )


def _locked(assignment: Assignment, step: str, actor) -> Assignment:
    locked = case_lock(_queryset(), assignment.pk)
    access.authorize(step, locked, actor)
    return locked


# --- create -------------------------------------------------------------------------------
def assignment_create(
    *,
    actor,
    source: str,
    source_kind: str,
    source_number: str,
    source_date: date,
    content: str,
    received_on: date,
    due_on: date,
    lead_division: Division,
    supporting_divisions: Iterable[Division] = (),
    officer=None,
    request_ip: str | None = None,
) -> Assignment:
    """Register an assignment (vào sổ); with an officer it is in progress at once."""
    access.authorize("create", None, actor, lead_division_code=lead_division.code)
    if source not in Source.values:
        raise DomainError(_("Chọn cơ quan giao nhiệm vụ."), code="invalid")
    if source_kind not in SourceKind.values:
        raise DomainError(_("Chọn loại văn bản giao nhiệm vụ."), code="invalid")
    if not (source_number or "").strip():
        raise DomainError(_("Nhập số văn bản giao nhiệm vụ."), code="invalid")
    if not (content or "").strip():
        raise DomainError(_("Nhập nội dung nhiệm vụ."), code="invalid")
    _raise_first(
        rules.check_new(
            source_date=source_date, received_on=received_on, due_on=due_on, today=_today()
        )
    )
    supporting = [d for d in supporting_divisions if d.pk != lead_division.pk]
    with transaction.atomic():
        if officer is not None:
            _check_officer(officer, lead_division)
        version = procedure_version_for(PROCEDURE_CODE, received_on)
        assignment = Assignment(
            code=allocate_codes(received_on.year, 1)[0],
            procedure_version=version,
            source=source,
            source_kind=source_kind,
            source_number=source_number.strip(),
            source_date=source_date,
            content=content.strip(),
            received_on=received_on,
            due_on=due_on,
            original_due_on=due_on,
            last_day=rules.effective_due(due_on),
            lead_division=lead_division,
            officer=officer,
            status=Status.IN_PROGRESS if officer is not None else Status.RECEIVED,
        )
        assignment.save()
        if supporting:
            assignment.supporting_divisions.set(supporting)
        audit_record(
            case=assignment,
            actor=actor,
            action="create",
            to_state=assignment.status,
            note=assignment.source_label,
            ip=request_ip,
            data={"due_on": due_on.isoformat(), "officer": getattr(officer, "pk", None)},
        )
        deadline_open(
            case=assignment,
            kind=LEDGER_KIND,
            due_date=rules.effective_due(due_on),
            title=_title(assignment),
            procedure_version=version,
            procedure_code=PROCEDURE_CODE,
            dossier_code=assignment.code,
            owner_user=officer,
            owner_group=None if officer is not None else role_group(Role.HEAD_OF_DIVISION),
            owner_division=lead_division,
        )
        if officer is not None:
            _notify(
                assignment,
                [officer],
                f"assign:{officer.pk}:0",
                _("Được giao thực hiện nhiệm vụ %(c)s") % {"c": assignment.code},
                _("Đồng chí được phân công thực hiện nhiệm vụ UBND tỉnh giao theo %(s)s.")
                % {"s": assignment.source_label},
            )
    return assignment


# --- assign / reassign ---------------------------------------------------------------------
def assignment_assign(
    *, assignment: Assignment, actor, officer, note: str = "", request_ip: str | None = None
) -> Assignment:
    """The head of the lead division (or the director) assigns, or reassigns, the officer."""
    with transaction.atomic():
        locked = _locked(assignment, "assign", actor)
        if officer is None:
            raise DomainError(_("Chọn cán bộ thực hiện."), code="invalid")
        if locked.officer_id == officer.pk and locked.status == Status.IN_PROGRESS:
            raise DomainError(_("Cán bộ này đang thực hiện nhiệm vụ."), code="invalid")
        if locked.is_open:
            _check_officer(officer, locked.lead_division)
        previous = locked.officer
        stamp = f"{timezone.now():%Y%m%d%H%M%S%f}"  # each assignment is its own event

        def effects(case, _from, _to):
            case_set(case, officer=officer)
            row = _ledger_row(case)
            if row is not None:
                deadline_reassign(
                    deadline=row, owner_user=officer, owner_division=case.lead_division
                )

        locked = transition_perform(
            case=locked,
            transition="assign",
            actor=actor,
            note=note,
            request_ip=request_ip,
            effects=effects,
            audit_data={
                "officer": officer.pk,
                "previous_officer": getattr(previous, "pk", None),
            },
        )
        _notify(
            locked,
            [officer],
            f"assign:{officer.pk}:{stamp}",
            _("Được giao thực hiện nhiệm vụ %(c)s") % {"c": locked.code},
            _("Đồng chí được phân công thực hiện nhiệm vụ UBND tỉnh giao theo %(s)s.")
            % {"s": locked.source_label},
        )
        if previous is not None and previous.pk != officer.pk:
            _notify(
                locked,
                [previous],
                f"unassign:{previous.pk}:{stamp}",
                _("Nhiệm vụ %(c)s đã chuyển cho cán bộ khác") % {"c": locked.code},
                _("Nhiệm vụ đã được phân công lại cho %(o)s.") % {"o": officer},
            )
    return locked


# --- progress notes ------------------------------------------------------------------------
def assignment_note_add(
    *, assignment: Assignment, actor, text: str, file=None, request_ip: str | None = None
) -> ProgressNote:
    with transaction.atomic():
        locked = _locked(assignment, "note", actor)
        if locked.status == Status.CANCELLED:
            raise TransitionRefused(_("Nhiệm vụ đã dừng thực hiện: không ghi nhận tiến độ."))
        if not (text or "").strip():
            raise DomainError(_("Nhập nội dung ghi nhận tiến độ."), code="invalid")
        note = ProgressNote(assignment=locked, author=actor, text=text.strip())
        if file is not None:
            upload_check(file, label=_("Tệp đính kèm")).keep(note)
        note.save()
        audit_record(
            case=locked,
            actor=actor,
            action="note",
            to_state=locked.status,
            note=note.text[:500],
            ip=request_ip,
            data={"note": note.pk, "file": bool(note.file)},
        )
    return note


# --- extension -----------------------------------------------------------------------------
def assignment_extend(
    *,
    assignment: Assignment,
    actor,
    new_due_on: date,
    reason: str,
    approval: str = "",
    request_ip: str | None = None,
) -> Assignment:
    """Move the due date to a later one, with the reason (and the Committee's document
    agreeing, when there is one). The ledger row moves and its ladder starts again."""
    with transaction.atomic():
        locked = _locked(assignment, "extend", actor)
        if not locked.is_open:
            raise TransitionRefused(
                _("Nhiệm vụ đã hoàn thành hoặc đã dừng thực hiện: không thể gia hạn.")
            )
        _raise_first(
            rules.check_extension(
                is_open=True, due_on=locked.due_on, new_due_on=new_due_on, reason=reason
            )
        )
        old = locked.due_on

        def effects(case, _from, _to):
            case_set(case, due_on=new_due_on, last_day=rules.effective_due(new_due_on))
            Extension.objects.create(
                assignment=case,
                old_due_on=old,
                new_due_on=new_due_on,
                reason=reason.strip(),
                approval=(approval or "").strip(),
                actor=actor,
            )
            row = _ledger_row(case)
            if row is not None:
                deadline_reschedule(deadline=row, due_date=rules.effective_due(new_due_on))

        locked = transition_perform(
            case=locked,
            transition="extend",
            actor=actor,
            note=reason.strip(),
            request_ip=request_ip,
            effects=effects,
            audit_data={
                "old_due_on": old.isoformat(),
                "new_due_on": new_due_on.isoformat(),
                "cause": reason.strip(),
                "approval": (approval or "").strip(),
            },
        )
        _notify(
            locked,
            [locked.officer],
            f"extend:{new_due_on:%Y%m%d}",
            _("Nhiệm vụ %(c)s được gia hạn đến %(d)s") % {"c": locked.code, "d": _d(new_due_on)},
            _("Hạn hoàn thành chuyển từ %(o)s sang %(n)s. Lý do: %(r)s")
            % {"o": _d(old), "n": _d(new_due_on), "r": reason.strip()},
        )
    return locked


# --- completion ----------------------------------------------------------------------------
def assignment_complete(
    *,
    assignment: Assignment,
    actor,
    outgoing_kind: str,
    outgoing_number: str,
    outgoing_date: date,
    completed_on: date | None = None,
    note: str = "",
    request_ip: str | None = None,
) -> Assignment:
    """Completed with the department's outgoing document (tờ trình, công văn, báo cáo);
    early, on time or late against the due date in force. The ledger row closes met or
    missed."""
    with transaction.atomic():
        locked = _locked(assignment, "complete", actor)
        if locked.status != Status.IN_PROGRESS:
            raise TransitionRefused(
                _(
                    "Chỉ nhiệm vụ đang thực hiện mới báo cáo hoàn thành (trạng thái "
                    "hiện tại: %(s)s)."
                )
                % {"s": locked.get_status_display()}
            )
        if outgoing_kind not in OutgoingKind.values:
            raise DomainError(_("Chọn loại văn bản hoàn thành."), code="invalid")
        _raise_first(
            rules.check_completion(
                received_on=locked.received_on,
                completed_on=completed_on,
                document_number=outgoing_number,
                document_date=outgoing_date,
                today=_today(),
            )
        )
        done_on = completed_on or outgoing_date
        result = rules.classify(done_on, locked.due_on)

        def effects(case, _from, _to):
            case_set(
                case,
                outgoing_kind=outgoing_kind,
                outgoing_number=outgoing_number.strip(),
                outgoing_date=outgoing_date,
                completed_on=done_on,
                result=result,
            )
            row = _ledger_row(case)
            if row is not None:
                deadline_close(deadline=row, on=done_on)

        locked = transition_perform(
            case=locked,
            transition="complete",
            actor=actor,
            note=note,
            request_ip=request_ip,
            effects=effects,
            audit_data={
                "outgoing": f"{outgoing_kind} {outgoing_number.strip()} {outgoing_date}",
                "completed_on": done_on.isoformat(),
                "due_on": locked.due_on.isoformat(),
                "result": result,
            },
        )
    return locked


# --- withdrawal ----------------------------------------------------------------------------
def assignment_cancel(
    *,
    assignment: Assignment,
    actor,
    reason: str,
    cancelled_on: date | None = None,
    request_ip: str | None = None,
) -> Assignment:
    """The Committee withdrew the assignment or stopped it (with its document in the
    reason); the ledger row is cancelled."""
    with transaction.atomic():
        locked = _locked(assignment, "cancel", actor)
        if not locked.is_open:
            raise TransitionRefused(_("Nhiệm vụ đã hoàn thành hoặc đã dừng thực hiện trước đó."))
        if not (reason or "").strip():
            raise DomainError(_("Nhập lý do, văn bản của UBND tỉnh về việc dừng thực hiện."))
        on = cancelled_on or _today()
        if on > _today() or on < locked.received_on:
            raise DomainError(
                _("Ngày dừng thực hiện phải trong khoảng từ ngày nhận đến hôm nay."),
                code="invalid",
            )

        def effects(case, _from, _to):
            case_set(case, cancelled_on=on, cancel_reason=reason.strip())
            row = _ledger_row(case)
            if row is not None:
                deadline_cancel(deadline=row, on=on)

        locked = transition_perform(
            case=locked,
            transition="cancel",
            actor=actor,
            note=reason.strip(),
            request_ip=request_ip,
            effects=effects,
            audit_data={"cancelled_on": on.isoformat()},
        )
        _notify(
            locked,
            [locked.officer],
            "cancel",
            _("Nhiệm vụ %(c)s dừng thực hiện") % {"c": locked.code},
            reason.strip(),
        )
    return locked


def refusal_status(exc: DomainError) -> int:
    if isinstance(exc, ActionForbidden):
        return 403
    if isinstance(exc, TransitionRefused):
        return 409
    return 400
