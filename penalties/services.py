"""Every change to a penalty case.

Each service takes the acting user explicitly, runs in one transaction, locks the case,
checks the actor against the engine's rule (`penalties.access`, `@_acting`), performs
one FSM transition through `workflows.transitions.transition_perform` (audit row,
ledger rows, outbox rows, the flow's task list in the same transaction), and raises a
`DomainError` with a Vietnamese reason when a rule refuses. Views, the API, the daily
job and the demo call only these.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notifications_enqueue
from workflows.audit import audit_record
from workflows.calendar import add_days
from workflows.errors import DomainError
from workflows.ledger import deadline_open, deadlines_close_open, deadlines_for_case
from workflows.models import Deadline
from workflows.roles import Role
from workflows.selectors import division_by_code, procedure_version_for, role_group, time_limit_rule
from workflows.sql import sequence_next
from workflows.transitions import case_lock, case_set, mark_held, transition_perform

from . import access, rules
from .models import (
    PROCEDURE_CODE,
    UNPAID_STATES,
    DecisionCase,
    DeliveryAttempt,
    Inspection,
    PenaltyCase,
    Relief,
    StatementImport,
    Status,
    TreasuryReceipt,
)
from .selectors import case_money, cases_with_money

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STAFF_CHANNELS = ["in_app", "email"]
# every dated obligation a case can have in the ledger
LEDGER_KINDS = (
    "explanation",
    "decision",
    "delivery",
    "payment",
    "reminder_letter",
    "enforcement_prep",
    "enforcement_decision",
    "limitation",
    "instalment",
    "relief_decision",
)


def _today() -> date:
    return timezone.localdate()


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _param(case: PenaltyCase, key: str, default=None):
    return case.procedure_version.param(key, default)


def _next_number(key: str) -> int:
    return sequence_next(f"penalties:{key}")


# --- who may act ---------------------------------------------------------------------------
def _queryset():
    return PenaltyCase.objects.select_related("procedure_version", "inspector")


def _acting(step: str):
    """The service acts on `step` of the case: in one transaction the case row is locked
    and the actor checked (they hold the step, the case's inspector holds its inspector
    steps; the Chief Inspector and the director lead) before the body runs. Every door
    calls the service, so each gets the same answer. `system=True` skips the check."""

    def decorate(service):
        @functools.wraps(service)
        def checked(**kwargs):
            if kwargs.get("system"):
                return service(**kwargs)
            with transaction.atomic():
                locked = case_lock(_queryset(), kwargs["case"].pk)
                access.step_authorize(locked, kwargs.get("actor"), step)
                kwargs["case"] = locked
                return service(**kwargs)

        return checked

    return decorate


def _flow_sync(case, *_rest) -> None:
    from . import flows

    flows.flow_sync_locked(case)


def _perform(**kwargs) -> PenaltyCase:
    kwargs.setdefault("queryset", _queryset())
    return transition_perform(after=_flow_sync, **kwargs)


# --- ledger ------------------------------------------------------------------------------------
def _open(
    case: PenaltyCase,
    kind: str,
    due: date,
    title: str,
    *,
    role: str = Role.INSPECTOR,
    owner_user=None,
    paused: bool = False,
) -> Deadline:
    return deadline_open(
        case=case,
        kind=kind,
        due_date=due,
        title=f"{title} — {case.code} {case.violator_name}",
        procedure_version=case.procedure_version,
        dossier_code=case.code,
        owner_user=owner_user,
        owner_group=role_group(role),
        owner_division=division_by_code(access.INSPECTORATE),
        paused=paused,
    )


def _close(case: PenaltyCase, *kinds: str, cancel: Sequence[str] = ()) -> None:
    deadlines_close_open(case=case, kinds=list(kinds), cancel_kinds=list(cancel), on=_today())


def _pause_rows(
    case: PenaltyCase, paused: bool, kinds=("payment", "reminder_letter", "enforcement_prep")
) -> None:
    from workflows.ledger import deadline_set_paused

    for row in deadlines_for_case(case).filter(kind__in=kinds, state=Deadline.State.OPEN):
        deadline_set_paused(deadline=row, paused=paused)


def _notify_leaders(case: PenaltyCase, event: str, template: str, title: str) -> None:
    """The Chief Inspector and the director (e.g. before and at the time bar)."""
    User = get_user_model()
    leaders = list(
        User.objects.filter(is_active=True, groups__name=Role.DIRECTOR)
        | User.objects.filter(
            is_active=True, groups__name=Role.HEAD_OF_DIVISION, division__code=access.INSPECTORATE
        )
    )
    notifications_enqueue(
        recipients={u.pk: u for u in leaders}.values(),
        template=template,
        context={"dossier_code": case.code, "title": title, "due_date": ""},
        channels=STAFF_CHANNELS,
        key=f"penalties:{case.pk}:{event}",
        case=case,
    )


# --- creating a case (the violation record) --------------------------------------------------
@dataclass(frozen=True)
class Violator:
    name: str
    is_organisation: bool = True
    address: str = ""
    id_number: str = ""


def inspection_create(
    *,
    actor,
    kind: str,
    title: str,
    number: str = "",
    issued_on=None,
    subjects: str = "",
    amended_by: str = "",
    planned_for: str = "",
    is_example: bool = False,
) -> Inspection:
    """An inspection conclusion, surprise-check decision, plan or penalty proposal."""
    access.step_authorize(None, actor, "record")
    if kind not in Inspection.Kind.values:
        raise DomainError(_("Loại văn bản thanh tra không hợp lệ."))
    if not title.strip():
        raise DomainError(_("Nhập nội dung kết luận / quyết định thanh tra."))
    with transaction.atomic():
        inspection = Inspection.objects.create(
            kind=kind,
            title=title.strip(),
            number=number.strip(),
            issued_on=issued_on,
            subjects=subjects,
            amended_by=amended_by,
            planned_for=planned_for,
            is_example=is_example,
        )
        audit_record(case=inspection, actor=actor, action="inspection_create", to_state=kind)
    return inspection


def case_open(
    *,
    actor,
    violator: Violator,
    record_number: str,
    record_on: date,
    violation: str,
    inspection: Inspection | None = None,
    legal_article: str = "",
    transferred: bool = False,
    is_example: bool = False,
    request_ip: str | None = None,
) -> PenaltyCase:
    """The violation record (biên bản vi phạm hành chính) opens the case; the decision is
    due 7 working days later (10 when the file goes to another competent official)."""
    access.step_authorize(None, actor, "record")
    if not violator.name.strip():
        raise DomainError(_("Nhập tên tổ chức, cá nhân vi phạm."))
    if not record_number.strip():
        raise DomainError(_("Nhập số biên bản vi phạm hành chính."))
    if not violation.strip():
        raise DomainError(_("Nhập hành vi vi phạm."))
    if record_on > _today():
        raise DomainError(_("Ngày lập biên bản không được sau ngày hôm nay."))
    version = procedure_version_for(PROCEDURE_CODE, record_on)
    stage = "decision_transferred" if transferred else "decision"
    rule = time_limit_rule(version.pk, stage)
    with transaction.atomic():
        case = PenaltyCase(
            procedure_version=version,
            inspection=inspection,
            inspector=actor,
            violator_name=violator.name.strip(),
            violator_is_organisation=violator.is_organisation,
            violator_address=violator.address,
            violator_id_number=violator.id_number,
            record_number=record_number.strip(),
            record_on=record_on,
            violation=violation.strip(),
            legal_article=legal_article,
            decision_case=DecisionCase.TRANSFERRED if transferred else DecisionCase.STANDARD,
            decision_due=add_days(record_on, rule.amount, rule.unit),
            is_example=is_example,
        )
        case.save()
        audit_record(
            case=case,
            actor=actor,
            action="open",
            to_state=case.status,
            ip=request_ip,
            note=violation.strip(),
        )
        _open(case, "decision", case.decision_due, rule.name, owner_user=actor)
        _flow_sync(case)
    return case


def _decision_due(case: PenaltyCase, which: str) -> date:
    version = case.procedure_version
    return rules.decision_due(
        case.record_on,
        case=which,
        explanation_months=int(version.param("explanation_months", 1)),
        complex_extra_months=int(version.param("complex_extra_months", 1)),
        standard_working_days=time_limit_rule(version.pk, "decision").amount,
        transferred_working_days=time_limit_rule(version.pk, "decision_transferred").amount,
    )


def _move_decision_due(case: PenaltyCase, which: str) -> None:
    from workflows.ledger import deadline_reschedule

    due = _decision_due(case, which)
    case_set(case, decision_case=which, decision_due=due)
    for row in deadlines_for_case(case).filter(kind="decision", state=Deadline.State.OPEN):
        deadline_reschedule(deadline=row, due_date=due)


@_acting("record")
def explanation_request(*, case: PenaltyCase, actor, note: str = "", request_ip=None):
    """The violator asks to explain (giải trình): ≈ 5 working days; the decision is then
    due 1 month after the record."""

    def effects(c, _f, _t):
        rule = time_limit_rule(c.procedure_version_id, "explanation")
        due = add_days(_today(), rule.amount, rule.unit)
        case_set(c, explanation_due=due)
        _move_decision_due(c, DecisionCase.EXPLANATION)
        _open(c, "explanation", due, rule.name, owner_user=c.inspector)

    return _perform(
        case=case,
        transition="request_explanation",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )


@_acting("record")
def explanation_record(*, case: PenaltyCase, actor, note: str, request_ip=None):
    if not note.strip():
        raise DomainError(
            _("Nhập nội dung giải trình (hoặc ghi rõ người vi phạm không giải trình).")
        )

    def effects(c, _f, _t):
        case_set(c, explanation_note=note.strip())
        _close(c, "explanation")

    return _perform(
        case=case,
        transition="record_explanation",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )


@_acting("sign")
def decision_extend(*, case: PenaltyCase, actor, reason: str, request_ip=None):
    """An especially complex case: one more month for the decision (once), with its
    reason; the ledger row moves and the audit row keeps both dates."""
    if not reason.strip():
        raise DomainError(_("Nêu lý do gia hạn (vụ việc đặc biệt nghiêm trọng, phức tạp)."))
    if case.decision_case == DecisionCase.COMPLEX:
        raise DomainError(_("Thời hạn ra quyết định đã được gia hạn một lần."))
    before = case.decision_due

    def effects(c, _f, _t):
        _move_decision_due(c, DecisionCase.COMPLEX)

    return _perform(
        case=case,
        transition="extend_decision",
        actor=actor,
        note=reason,
        request_ip=request_ip,
        effects=effects,
        audit_data={
            "due_before": before.isoformat(),
            "due_after": _decision_due(case, DecisionCase.COMPLEX).isoformat(),
        },
    )


@_acting("record")
def decision_propose(
    *,
    case: PenaltyCase,
    actor,
    amount: int,
    payment_days: int | None = None,
    note: str = "",
    request_ip=None,
):
    """The inspector submits the draft decision with the fine to the competent signer."""
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("Số tiền phạt phải là số nguyên dương (đồng)."))
    default_days = time_limit_rule(case.procedure_version_id, "payment").amount
    days = default_days if payment_days is None else int(payment_days)
    if days < default_days:
        raise DomainError(
            _("Thời hạn nộp phạt không được ngắn hơn %(d)s ngày.") % {"d": default_days}
        )
    tiers = _param(case, "signer_tiers", [])
    signer = rules.signer_for(amount, organisation=case.violator_is_organisation, tiers=tiers)

    def effects(c, _f, _t):
        case_set(c, amount=amount, payment_days=days, signer=signer or "")

    return _perform(
        case=case,
        transition="propose",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
        audit_data={"amount": amount, "signer": signer or ""},
    )


@_acting("sign")
def decision_return(*, case: PenaltyCase, actor, reason: str, request_ip=None):
    if not reason.strip():
        raise DomainError(_("Nêu lý do trả lại dự thảo quyết định."))
    return _perform(
        case=case, transition="return_draft", actor=actor, note=reason, request_ip=request_ip
    )


@_acting("sign")
def decision_sign(
    *,
    case: PenaltyCase,
    actor,
    number: str = "",
    by_chairman: bool = False,
    decided_on: date | None = None,
    request_ip=None,
):
    """The competent official signs the penalty decision: a decision above their
    competence (catalogue tiers by amount) is refused with the reason. The decision is
    to be delivered within 2 working days; the limitation runs 1 year from its date.

    `by_chairman`: the director records the decision the Chairman of the People's
    Committee signed on `decided_on` (default today) for a fine above the department's
    competence; the department then follows its delivery and collection as any other."""
    tiers = _param(case, "signer_tiers", [])

    def competent(c) -> str:
        if by_chairman:
            return access.chairman_record_check(
                actor, c.amount, organisation=c.violator_is_organisation, tiers=tiers
            )
        return access.competence_check(
            actor, c.amount, organisation=c.violator_is_organisation, tiers=tiers
        )

    if case.status == Status.PROPOSED:
        competent(case)
    today = _today()
    if decided_on is not None and not by_chairman:
        raise DomainError(
            _("Ngày ký chỉ được ghi khi ghi nhận quyết định do Chủ tịch UBND tỉnh ký."),
            code="invalid",
        )
    if decided_on is not None and decided_on > today:
        raise DomainError(_("Ngày ký quyết định không được sau hôm nay."), code="invalid")
    decided = decided_on or today
    if by_chairman and not number.strip():
        raise DomainError(
            _("Nhập số quyết định do Chủ tịch UBND tỉnh ký (ví dụ 123/QĐ-UBND)."), code="invalid"
        )
    number = number.strip() or f"{_next_number(f'qd-{today.year}'):02d}/{today.year}/QĐ-XPHC"
    if PenaltyCase.objects.filter(decision_number=number).exclude(pk=case.pk).exists():
        raise DomainError(_("Số quyết định %(n)s đã được dùng.") % {"n": number}, code="duplicate")

    def effects(c, _f, _t):
        tier = competent(c)
        years = int(_param(c, "limitation_years", 1))
        limitation = rules.limitation_end(decided, years=years)
        rule = time_limit_rule(c.procedure_version_id, "delivery")
        delivery = add_days(decided, rule.amount, rule.unit)
        key = "".join(secrets.choice(LOOKUP_ALPHABET) for _i in range(8))
        case_set(
            c,
            decision_number=number,
            decided_on=decided,
            decided_by=actor,
            signer=tier,
            lookup_key=key,
            delivery_due=delivery,
            limitation_on=limitation,
        )
        _close(c, "decision")
        _open(c, "delivery", delivery, rule.name, owner_user=c.inspector)
        before = int(_param(c, "enforcement_decision_days_before_limitation", 60))
        _open(
            c,
            "enforcement_decision",
            rules.enforcement_decision_by(limitation, days_before=before),
            _("Hạn ra quyết định cưỡng chế"),
            role=Role.HEAD_OF_DIVISION,
            paused=True,
        )
        _open(
            c,
            "limitation",
            limitation,
            _("Hết thời hiệu thi hành quyết định"),
            role=Role.HEAD_OF_DIVISION,
        )

    return _perform(
        case=case,
        transition="decide",
        actor=actor,
        request_ip=request_ip,
        effects=effects,
        audit_data={"number": number, "by_chairman": by_chairman},
    )


@_acting("record")
def delivery_record(
    *,
    case: PenaltyCase,
    actor,
    on: date,
    outcome: str,
    by_post: bool = False,
    note: str = "",
    request_ip=None,
):
    """One delivery attempt: received, refused (with a record) or a returned posting. A
    refusal or the third returned posting counts as delivery; the payment clock starts
    from delivery (10 days, or longer if the decision says so)."""
    if outcome not in DeliveryAttempt.Outcome.values:
        raise DomainError(_("Chọn kết quả giao: đã nhận, từ chối nhận hoặc bưu chính trả lại."))
    if on > _today() or (case.decided_on and on < case.decided_on):
        raise DomainError(_("Ngày giao phải từ ngày ra quyết định đến hôm nay."))
    third = int(_param(case, "third_posting", 3))
    returned = case.deliveries.filter(outcome=DeliveryAttempt.Outcome.RETURNED).count()
    if outcome == DeliveryAttempt.Outcome.RETURNED:
        returned += 1
    delivered = outcome == DeliveryAttempt.Outcome.RECEIVED or rules.deemed_delivered(
        refused=outcome == DeliveryAttempt.Outcome.REFUSED,
        returned_postings=returned,
        third_posting=third,
    )
    deemed = delivered and outcome != DeliveryAttempt.Outcome.RECEIVED

    def effects(c, _f, _t):
        DeliveryAttempt.objects.create(
            case=c, on=on, outcome=outcome, by_post=by_post, note=note, recorded_by=actor
        )
        if not delivered:
            return
        due = rules.payment_due(on, days=c.payment_days)
        case_set(c, delivered_on=on, deemed_delivered=deemed, payment_due=due)
        _close(c, "delivery")
        after = int(_param(c, "reminder_letter_days_after", 1))
        prep = int(_param(c, "enforcement_prepare_days_after", 30))
        _open(c, "payment", due, _("Hạn nộp tiền phạt"), owner_user=c.inspector)
        _open(
            c,
            "reminder_letter",
            rules.reminder_letter_on(due, days_after=after),
            _("Gửi văn bản đôn đốc nộp phạt"),
            owner_user=c.inspector,
        )
        _open(
            c,
            "enforcement_prep",
            rules.enforcement_prepare_on(due, days_after=prep),
            _("Chuẩn bị cưỡng chế thi hành"),
            owner_user=c.inspector,
        )

    return _perform(
        case=case,
        transition="record_delivery",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
        delivered=delivered,
        audit_data={
            "outcome": outcome,
            "on": on.isoformat(),
            "deemed": deemed,
            "returned_postings": returned,
        },
    )


def _settle(c: PenaltyCase, on: date) -> None:
    case_set(c, paid_on=on, closed_on=_today())
    _close(
        c,
        "payment",
        "instalment",
        "reminder_letter",
        "enforcement_prep",
        "enforcement_decision",
        "limitation",
        "relief_decision",
    )


@_acting("collect")
def payment_record(
    *,
    case: PenaltyCase,
    actor,
    number: str,
    value_date: date,
    amount: int,
    statement: StatementImport | None = None,
    request_ip=None,
):
    """A treasury receipt (number, value date, amount): partial payments allowed; the
    case is paid when the fine and the surcharge owed on the value date are covered. A
    receipt number already recorded is refused: nothing is counted twice."""
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Nhập số chứng từ nộp tiền của Kho bạc."))
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("Số tiền nộp phải là số nguyên dương (đồng)."))
    if value_date > _today():
        raise DomainError(_("Ngày nộp tiền không được sau ngày hôm nay."))
    if case.decided_on and value_date < case.decided_on:
        raise DomainError(_("Ngày nộp tiền trước ngày ra quyết định xử phạt."))
    if TreasuryReceipt.objects.filter(number=number).exists():
        raise DomainError(
            _("Chứng từ số %(n)s đã được ghi nhận; không ghi nhận hai lần.") % {"n": number},
            code="duplicate_receipt",
        )
    fresh = cases_with_money().get(pk=case.pk)
    payments = [(r.value_date, r.amount) for r in fresh.receipts.all()] + [(value_date, amount)]
    paid = sum(v for _d, v in payments)
    surcharge = 0
    if case.payment_due:
        rate = Decimal(str(_param(case, "surcharge_rate", "0.0005")))
        pauses = [
            (r.starts_on, r.ends_on)
            for r in fresh.reliefs.all()
            if r.state == Relief.State.APPROVED and r.starts_on and r.ends_on
        ]
        surcharge = rules.surcharge(
            case.amount,
            due=case.payment_due,
            on=value_date,
            payments=payments,
            pauses=pauses,
            rate=rate,
        )
    settled = paid >= case.amount + surcharge

    def effects(c, _f, _t):
        try:
            with transaction.atomic():
                TreasuryReceipt.objects.create(
                    case=c,
                    number=number,
                    value_date=value_date,
                    amount=amount,
                    statement=statement,
                    recorded_by=actor,
                )
        except IntegrityError as exc:  # a concurrent import of the same line
            raise DomainError(
                _("Chứng từ số %(n)s đã được ghi nhận; không ghi nhận hai lần.") % {"n": number},
                code="duplicate_receipt",
            ) from exc
        case_set(c, paid_total=paid)
        if settled:
            _settle(c, value_date)
        elif c.status == Status.INSTALMENTS:
            _close(c, "instalment")  # the instalment rows due by now are met or missed
            _reopen_instalments(c, paid)

    return _perform(
        case=case,
        transition="record_payment",
        actor=actor,
        request_ip=request_ip,
        effects=effects,
        settled=settled,
        audit_data={
            "receipt": number,
            "value_date": value_date.isoformat(),
            "amount": amount,
            "paid_total": paid,
            "surcharge": surcharge,
            "settled": settled,
        },
    )


def _reopen_instalments(c: PenaltyCase, paid: int) -> None:
    """Re-open the instalment rows not yet covered by what has been paid."""
    plan = c.reliefs.filter(kind=Relief.Kind.INSTALMENTS, state=Relief.State.APPROVED).last()
    if plan is None:
        return
    cumulative = 0
    for item in plan.schedule:
        cumulative += int(item["amount"])
        if cumulative > paid:
            _open(
                c,
                "instalment",
                date.fromisoformat(item["due"]),
                _("Nộp tiền phạt lần %(n)s") % {"n": item["n"]},
                owner_user=c.inspector,
            )


@_acting("record")
def reminder_send(*, case: PenaltyCase, actor, request_ip=None):
    """The reminder letter (văn bản đôn đốc) after the deadline passed unpaid."""

    def effects(c, _f, _t):
        case_set(c, reminder_sent_on=_today())
        _close(c, "reminder_letter")

    return _perform(
        case=case, transition="send_reminder", actor=actor, request_ip=request_ip, effects=effects
    )


@_acting("record")
def enforcement_prepare(*, case: PenaltyCase, actor, note: str, request_ip=None):
    """Enforcement is prepared (30 days after the deadline, nothing paid): the inspector
    records what was verified — the violator's salary or income, bank accounts, assets —
    for the enforcement decision the signer must take by T-60 before the limitation."""
    if not note.strip():
        raise DomainError(_("Ghi rõ kết quả xác minh (thu nhập, tài khoản, tài sản) để cưỡng chế."))

    def effects(c, _f, _t):
        case_set(c, enforcement_prepared_on=_today())
        _close(c, "enforcement_prep")

    return _perform(
        case=case,
        transition="prepare_enforcement",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )


def _relief_decision_checks(case: PenaltyCase, requested_on: date) -> None:
    if requested_on > _today():
        raise DomainError(_("Ngày đề nghị không được sau ngày hôm nay."))


@_acting("sign")
def instalments_decide(
    *,
    case: PenaltyCase,
    actor,
    approve: bool,
    requested_on: date,
    hardship_certified: bool = False,
    schedule: Sequence[tuple[date, int]] = (),
    reason: str = "",
    number: str = "",
    request_ip=None,
):
    """A request to pay in instalments: only for fines ≥ 15,000,000 đ (individual) /
    ≥ 150,000,000 đ (organisation) with certified hardship, at most 3 payments within 6
    months of the decision, the first ≥ 40 %. A request outside the rule can only be
    refused, with the reason; an approved plan pauses the surcharge until its last date."""
    _relief_decision_checks(case, requested_on)
    version = rules.version_on(_param(case, "instalment_versions", []), case.decided_on or _today())
    eligible = rules.instalment_eligible(
        case.amount,
        organisation=case.violator_is_organisation,
        individual_min=version["individual_min"],
        organisation_min=version["organisation_min"],
    )
    limit = (
        version["organisation_min"] if case.violator_is_organisation else version["individual_min"]
    )
    ineligible = _(
        "Số tiền phạt %(a)s dưới mức được nộp nhiều lần (%(m)s đối với %(who)s; %(basis)s)."
    ) % {
        "a": _vnd(case.amount),
        "m": _vnd(limit),
        "who": _("tổ chức") if case.violator_is_organisation else _("cá nhân"),
        "basis": version["legal_basis"],
    }
    items = sorted(schedule)
    if approve:
        if not eligible:
            raise DomainError(ineligible, code="instalments_not_eligible")
        if not hardship_certified:
            raise DomainError(
                _("Cần xác nhận hoàn cảnh kinh tế khó khăn của người vi phạm."),
                code="hardship_not_certified",
            )
        problems = rules.instalment_plan_problems(
            case.amount,
            decided_on=case.decided_on,
            instalments=items,
            max_count=int(_param(case, "instalment_max_count", 3)),
            max_months=int(_param(case, "instalment_max_months", 6)),
            first_min_percent=int(_param(case, "instalment_first_min_percent", 40)),
        )
        words = {
            "empty": _("Nhập các lần nộp."),
            "too_many": _("Không quá 03 lần nộp."),
            "too_late": _("Các lần nộp phải trong 06 tháng kể từ ngày ra quyết định."),
            "first_too_small": _("Lần nộp đầu tiên không ít hơn 40% số tiền phạt."),
            "sum_mismatch": _("Tổng các lần nộp phải bằng số tiền phạt."),
            "non_positive": _("Số tiền mỗi lần nộp phải dương."),
        }
        if problems:
            raise DomainError(" ".join(str(words[p]) for p in problems), code="bad_schedule")
    elif not reason.strip():
        reason = str(ineligible) if not eligible else ""
        if not reason:
            raise DomainError(_("Nêu lý do từ chối."))
    today = _today()

    def effects(c, _f, _t):
        rows = [{"n": i + 1, "due": d.isoformat(), "amount": v} for i, (d, v) in enumerate(items)]
        Relief.objects.create(
            case=c,
            kind=Relief.Kind.INSTALMENTS,
            state=Relief.State.APPROVED if approve else Relief.State.REFUSED,
            requested_on=requested_on,
            decided_on=today,
            hardship_certified=hardship_certified,
            starts_on=today if approve else None,
            ends_on=items[-1][0] if approve else None,
            schedule=rows if approve else [],
            reason=reason.strip(),
            number=number
            or (f"{_next_number(f'nnl-{today.year}'):02d}/{today.year}/QĐ-NNL" if approve else ""),
            decided_by=actor,
        )
        _close(c, "relief_decision")
        if approve:
            _pause_rows(c, True)
            for row in rows:
                _open(
                    c,
                    "instalment",
                    date.fromisoformat(row["due"]),
                    _("Nộp tiền phạt lần %(n)s") % {"n": row["n"]},
                    owner_user=c.inspector,
                )

    return _perform(
        case=case,
        transition="decide_instalments",
        actor=actor,
        note=reason,
        request_ip=request_ip,
        effects=effects,
        approved=approve,
        audit_data={"approved": approve, "eligible": eligible},
    )


@_acting("sign")
def postponement_decide(
    *,
    case: PenaltyCase,
    actor,
    approve: bool,
    requested_on: date,
    until: date | None = None,
    hardship_certified: bool = False,
    reason: str = "",
    number: str = "",
    request_ip=None,
):
    """A request to postpone payment (hoãn thi hành): the eligibility rule is the dated
    catalogue version in force on the decision date (DOMAIN.md gives the 2012 thresholds;
    the 2020 text is kept as an unverified later version); at most 3 months."""
    _relief_decision_checks(case, requested_on)
    rule = rules.version_on(_param(case, "postponement_versions", []), case.decided_on or _today())
    eligible = rules.postponement_eligible(
        case.amount, organisation=case.violator_is_organisation, rule=rule
    )
    today = _today()
    ineligible = _("Không thuộc trường hợp được hoãn thi hành (%(basis)s).") % {
        "basis": rule["legal_basis"]
    }
    if approve:
        if not eligible:
            raise DomainError(ineligible, code="postponement_not_eligible")
        if not hardship_certified:
            raise DomainError(
                _("Cần xác nhận hoàn cảnh kinh tế đặc biệt khó khăn, đột xuất."),
                code="hardship_not_certified",
            )
        months = int(_param(case, "postponement_max_months", 3))
        if until is None or not rules.postponement_end_ok(today, until, max_months=months):
            raise DomainError(
                _("Thời gian hoãn không quá %(m)s tháng kể từ ngày quyết định.") % {"m": months},
                code="bad_period",
            )
    elif not reason.strip():
        reason = str(ineligible) if not eligible else ""
        if not reason:
            raise DomainError(_("Nêu lý do từ chối."))

    def effects(c, _f, _t):
        Relief.objects.create(
            case=c,
            kind=Relief.Kind.POSTPONEMENT,
            state=Relief.State.APPROVED if approve else Relief.State.REFUSED,
            requested_on=requested_on,
            decided_on=today,
            hardship_certified=hardship_certified,
            starts_on=today if approve else None,
            ends_on=until if approve else None,
            reason=reason.strip(),
            decided_by=actor,
            number=number
            or (f"{_next_number(f'hoan-{today.year}'):02d}/{today.year}/QĐ-HTH" if approve else ""),
        )
        _close(c, "relief_decision")
        if approve:
            _pause_rows(c, True)

    return _perform(
        case=case,
        transition="decide_postponement",
        actor=actor,
        note=reason,
        request_ip=request_ip,
        effects=effects,
        approved=approve,
        audit_data={"approved": approve, "eligible": eligible, "rule": rule.get("label", "")},
    )


ENFORCEMENT_MEASURES = {
    "salary": _("Khấu trừ một phần lương hoặc thu nhập"),
    "account": _("Khấu trừ tiền từ tài khoản tại tổ chức tín dụng"),
    "seizure": _("Kê biên tài sản có giá trị tương ứng để bán đấu giá"),
}


@_acting("sign")
def enforcement_decide(
    *, case: PenaltyCase, actor, measure: str, number: str = "", request_ip=None
):
    """The enforcement decision (quyết định cưỡng chế), required by T-60 days before
    the limitation."""
    if measure not in ENFORCEMENT_MEASURES:
        raise DomainError(
            _("Chọn biện pháp cưỡng chế: khấu trừ lương, khấu trừ tài khoản hoặc kê biên tài sản.")
        )
    today = _today()
    number = number.strip() or f"{_next_number(f'cc-{today.year}'):02d}/{today.year}/QĐ-CCXP"

    def effects(c, _f, _t):
        case_set(c, enforcement_measure=measure, enforcement_number=number, enforcement_on=today)
        _close(c, "enforcement_prep", "enforcement_decision", "reminder_letter")

    return _perform(
        case=case,
        transition="enforce",
        actor=actor,
        request_ip=request_ip,
        effects=effects,
        audit_data={
            "measure": measure,
            "number": number,
            "basis": _param(case, "enforcement_basis", ""),
        },
    )


# --- the daily job ------------------------------------------------------------------------
def penalties_daily(*, today: date | None = None) -> dict[str, int]:
    """The engine's timed work on penalty cases (beat, once a day; safe to run twice):
    a payment deadline passed unpaid → overdue (the surcharge runs from the next day);
    a postponement or instalment plan ended unpaid → back to payment; the enforcement
    decision row starts counting once the case is overdue; the limitation reached
    unpaid → closed as time-barred with its record, the Chief Inspector and the
    director told (they were warned before by the ladder of the `limitation` row)."""
    today = today or _today()
    counts = {"overdue": 0, "pause_ended": 0, "time_barred": 0}
    for pk in PenaltyCase.objects.filter(
        status__in=UNPAID_STATES, limitation_on__lt=today
    ).values_list("pk", flat=True):
        _time_bar(pk, today)
        counts["time_barred"] += 1
    for pk in PenaltyCase.objects.filter(
        status=Status.AWAITING_PAYMENT, payment_due__lt=today
    ).values_list("pk", flat=True):
        _overdue(pk, today)
        counts["overdue"] += 1
    paused = PenaltyCase.objects.filter(status__in=(Status.POSTPONED, Status.INSTALMENTS))
    for case in paused.prefetch_related("reliefs"):
        ends = [r.ends_on for r in case.reliefs.all() if r.state == Relief.State.APPROVED]
        if ends and max(ends) < today:
            with transaction.atomic():
                locked = case_lock(_queryset(), case.pk)
                _perform(
                    case=locked,
                    transition="end_pause",
                    actor=None,
                    system=True,
                    overdue=bool(locked.payment_due and locked.payment_due < today),
                    effects=lambda c, _f, _t: (
                        _pause_rows(c, False),
                        _close(c, cancel=["instalment"]),
                    ),
                )
            counts["pause_ended"] += 1
    return counts


def _overdue(pk: int, today: date) -> None:
    def effects(c, _f, _t):
        _close(c, "payment")
        for row in deadlines_for_case(c).filter(
            kind="enforcement_decision", state=Deadline.State.OPEN
        ):
            from workflows.ledger import deadline_set_paused

            deadline_set_paused(deadline=row, paused=False)

    with transaction.atomic():
        locked = case_lock(_queryset(), pk)
        _perform(
            case=locked,
            transition="become_overdue",
            actor=None,
            system=True,
            effects=effects,
            note=_("Quá hạn nộp phạt; tính tiền chậm nộp từ ngày tiếp theo."),
        )


def _time_bar(pk: int, today: date) -> None:
    with transaction.atomic():
        locked = case_lock(_queryset(), pk)
        money = case_money(cases_with_money().get(pk=pk), on=locked.limitation_on)
        record = {
            "principal": money.principal,
            "paid": money.paid,
            "surcharge": money.surcharge,
            "limitation_on": locked.limitation_on.isoformat(),
        }

        def effects(c, _f, _t):
            case_set(c, closed_on=today)
            _close(
                c,
                "limitation",
                "enforcement_decision",
                "enforcement_prep",
                "payment",
                "reminder_letter",
                cancel=["instalment", "relief_decision"],
            )

        _perform(
            case=mark_held(locked),
            transition="time_bar",
            actor=None,
            system=True,
            effects=effects,
            audit_data=record,
            note=_("Hết thời hiệu thi hành (01 năm kể từ ngày ra quyết định): chưa nộp %(u)s.")
            % {"u": _vnd(money.principal_unpaid)},
        )
        _notify_leaders(
            locked,
            "time_barred",
            "deadline_overdue",
            _("Quyết định %(n)s đã hết thời hiệu thi hành khi chưa nộp đủ tiền phạt")
            % {"n": locked.code},
        )


# --- treasury statement import -----------------------------------------------------------------
@dataclass
class StatementLine:
    line: int
    decision_number: str
    receipt_number: str
    value_date: date | None
    amount: int | None
    error: str = ""


HEADERS = {
    "decision_number": ("so_quyet_dinh", "số quyết định", "so quyet dinh", "decision_number"),
    "receipt_number": ("so_chung_tu", "số chứng từ", "so chung tu", "receipt_number"),
    "value_date": ("ngay_nop", "ngày nộp", "ngay nop", "value_date", "ngày hiệu lực"),
    "amount": ("so_tien", "số tiền", "so tien", "amount"),
}
MAX_STATEMENT_BYTES = 2 * 1024 * 1024


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _parse_amount(value) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == int(value) else None
    text = str(value or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    text = text.removesuffix("đ").removesuffix("VND")
    return int(text) if text.isdigit() else None


def statement_rows(name: str, content: bytes) -> list[list]:
    """The rows of a CSV or .xlsx statement, checked by content (not by name alone)."""
    if len(content) > MAX_STATEMENT_BYTES:
        raise DomainError(_("Tệp sao kê quá lớn (tối đa 2 MB)."), code="file_too_large")
    if content[:4] == b"PK\x03\x04":
        try:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            return [list(r) for r in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # a broken zip or not a workbook
            raise DomainError(_("Không đọc được tệp Excel (.xlsx)."), code="bad_file") from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("Tệp CSV phải mã hóa UTF-8."), code="bad_file") from exc
    if "\x00" in text:
        raise DomainError(_("Tệp sao kê phải là CSV hoặc Excel (.xlsx)."), code="bad_file")
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    return list(csv.reader(io.StringIO(text), dialect))


def statement_parse(name: str, content: bytes) -> list[StatementLine]:
    rows = [r for r in statement_rows(name, content) if any(str(c or "").strip() for c in r)]
    if not rows:
        raise DomainError(_("Tệp sao kê không có dòng nào."), code="empty_file")
    header = [str(c or "").strip().lower() for c in rows[0]]
    cols = {}
    for field, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                cols[field] = i
    if len(cols) < len(HEADERS):
        missing = ", ".join(HEADERS[f][1] for f in HEADERS if f not in cols)
        raise DomainError(
            _("Thiếu cột trong dòng tiêu đề: %(c)s.") % {"c": missing}, code="bad_header"
        )
    lines = []
    for n, row in enumerate(rows[1:], start=2):

        def cell(f, row=row):
            i = cols[f]
            return row[i] if i < len(row) else None

        line = StatementLine(
            n,
            str(cell("decision_number") or "").strip(),
            str(cell("receipt_number") or "").strip(),
            _parse_date(cell("value_date")),
            _parse_amount(cell("amount")),
        )
        if not line.receipt_number:
            line.error = _("thiếu số chứng từ")
        elif line.value_date is None:
            line.error = _("ngày nộp không hợp lệ")
        elif not line.amount or line.amount <= 0:
            line.error = _("số tiền không hợp lệ")
        lines.append(line)
    return lines


def statement_import(*, actor, file_name: str, content: bytes, request_ip=None) -> StatementImport:
    """Import a treasury statement: each line is matched to a decision by its number and
    recorded as one payment (its own transition). A receipt already recorded (in this
    file or before) is refused as a duplicate; nothing is counted twice. Lines that match
    no decision, or are invalid, are reported and change nothing."""
    access.step_authorize(None, actor, "collect")
    lines = statement_parse(file_name, content)
    statement = StatementImport.objects.create(file_name=file_name[:200], uploaded_by=actor)
    report = []
    counts = {"matched": 0, "duplicates": 0, "unmatched": 0}
    for line in lines:
        entry = {
            "line": line.line,
            "decision_number": line.decision_number,
            "receipt_number": line.receipt_number,
            "amount": line.amount,
            "value_date": line.value_date.isoformat() if line.value_date else None,
        }
        if line.error:
            entry.update(result="unmatched", message=str(line.error))
            counts["unmatched"] += 1
            report.append(entry)
            continue
        case = PenaltyCase.objects.filter(decision_number__iexact=line.decision_number).first()
        if case is None:
            entry.update(result="unmatched", message=str(_("không có quyết định số này")))
            counts["unmatched"] += 1
        else:
            try:
                payment_record(
                    case=case,
                    actor=actor,
                    number=line.receipt_number,
                    value_date=line.value_date,
                    amount=line.amount,
                    statement=statement,
                    request_ip=request_ip,
                )
                entry.update(result="matched", message=str(_("đã ghi nhận")), case=case.pk)
                counts["matched"] += 1
            except DomainError as exc:
                dup = exc.code == "duplicate_receipt"
                entry.update(result="duplicate" if dup else "unmatched", message=str(exc))
                counts["duplicates" if dup else "unmatched"] += 1
        report.append(entry)
    StatementImport.objects.filter(pk=statement.pk).update(report=report, **counts)
    statement.refresh_from_db()
    return statement
