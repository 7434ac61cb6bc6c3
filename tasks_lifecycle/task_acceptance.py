"""A task from its valid acceptance dossier to recognition or refund (TT 11/2014/TT-BKHCN).

The acceptance council is the councils' own (`services.council_*`, 9 members, its
subject this task through `Task.subject_spec`, so conflicts and the 6-month rule come
from the task); the task reads its published result. One service per step:

1. `task_send_to_acceptance` — the council set up (its decision) closes the 15 working
   days to set it up (Art 9(1)) and opens its meeting within 30 days (Art 10(2));
2. `task_record_acceptance` — the published class: "Xuất sắc"/"Đạt" → corrections
   within 30 working days (Art 13(3)); "Không đạt" (also a dossier more than 6 months
   late, Art 13(1)(c), whatever the votes) → the amount to refund (Art 15(2)) and the
   bar on new calls for the catalogue's period (Art 15(4); `bar_reasons_for`);
3. `task_submit_corrections` — the host files the corrected dossier's report (Mẫu 10);
   the recognition decision is due within 10 working days (Art 17(2));
4. `task_recognise` — the decision recognising the result (number, date, signer);
5. `task_record_refund` — a payment refunding the state budget, against the amount a
   "Không đạt" result or a termination set.

Each takes the acting user, runs in one transaction with the task row locked and the
actor checked (`@_acting`, `task_access.STEPS`); a refused step changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from workflows.ledger import deadlines_close_open, deadlines_for_case
from workflows.models import Deadline
from workflows.sql import save_fields
from workflows.transitions import case_set

from . import rules, task_rules
from .models import Council, Decision, RefundPayment, Stage, Status, Task, TaskDocument
from .task_progress import _checked, _not_future, _store_file, refund_problems
from .task_services import (
    TaskRefused,
    _acting,
    _council_deciding,
    _council_for,
    _council_row,
    _limits,
    _note,
    _open,
    _party_owner,
    _require_stage,
    _step,
    _today,
)

PASSED = (rules.XUAT_SAC, rules.DAT)


def _cancel_open(task: Task, on: date) -> None:
    kinds = set(
        deadlines_for_case(task).filter(state=Deadline.State.OPEN).values_list("kind", flat=True)
    )
    if kinds:
        deadlines_close_open(case=task, cancel_kinds=sorted(kinds), on=on)


# --- 1. the acceptance council ----------------------------------------------------------------
@_acting("send_to_acceptance")
def task_send_to_acceptance(*, task: Task, actor, council: Council) -> Task:
    """Put the task before its acceptance council (set up by the secretary with this
    task as its subject and constituted by its decision). The decision's date closes
    the 15 working days to set the council up (TT 11/2014 Art 9(1)) and opens its
    meeting, due 30 days later (Art 10(2))."""
    council = _council_deciding(task, council, "acceptance")
    if council.status == Status.SETUP or council.decision_date is None:
        raise TaskRefused(
            _(
                "Hội đồng chưa được thành lập: cần đủ thành viên (%(basis)s) và quyết định "
                "thành lập hội đồng."
            )
            % {"basis": council.kind.size_basis},
            code="council_not_set_up",
        )
    set_up_on = council.decision_date
    _not_future(set_up_on, _("Ngày quyết định thành lập hội đồng"))
    due = task_rules.acceptance_meeting_due_on(set_up_on, limits=_limits(task))

    def effects(t, *_states):
        deadlines_close_open(case=t, kinds=["acceptance_council_setup"], on=set_up_on)
        _open(t, "acceptance_meeting", due, owner=council.secretary)

    return _step(
        task,
        "send_to_acceptance",
        actor,
        effects=effects,
        data={"council": council.code, "set_up_on": set_up_on.isoformat()},
    )


# --- 2. the council's result ------------------------------------------------------------------
@_acting("record_acceptance")
def task_record_acceptance(*, task: Task, actor, refund_amount: int | None = None) -> Task:
    """Record the class the acceptance council published for this task. "Xuất sắc" or
    "Đạt": the corrections are due 30 working days after the result (TT 11/2014 Art
    13(3)). "Không đạt" (more than 1/3 of those present, or a dossier more than 6 months
    late, Art 13(1)(c)): the amount to refund to the state budget is recorded with it
    (Art 15(2)), the task's dates end, and the host and PI are barred from new calls
    (Art 15(4), checked by `bar_reasons_for` from the conclusion's date)."""
    council = _council_for(task, "acceptance")
    row = _council_row(task, council) if council else None
    result = row.get("result") if row else None
    if result not in (*PASSED, rules.KHONG_DAT):
        raise TaskRefused(
            _("Chưa có kết quả đã công bố của Hội đồng đánh giá, nghiệm thu nhiệm vụ này."),
            code="no_result",
        )
    failed = result == rules.KHONG_DAT
    if failed:
        problems = refund_problems(task, refund_amount)
        if problems:
            raise TaskRefused(" ".join(problems), code="refund_required")
    elif refund_amount is not None:
        raise TaskRefused(
            _("Chỉ xác định kinh phí phải hoàn trả khi nhiệm vụ xếp loại Không đạt."),
            code="refund_not_due",
        )
    concluded = council.published_on or _today()
    due = task_rules.corrections_due_on(concluded, limits=_limits(task))

    def effects(t, *_states):
        case_set(t, acceptance_class=result, concluded_on=concluded)
        deadlines_close_open(
            case=t, kinds=["acceptance_meeting"], on=council.meeting_on or concluded
        )
        if failed:
            case_set(t, refund_amount=int(refund_amount))
            _cancel_open(t, concluded)
        else:
            _open(t, "corrections", due, owner=_party_owner(t))

    return _step(
        task,
        "fail_acceptance" if failed else "pass_acceptance",
        actor,
        effects=effects,
        data={
            "council": council.code,
            "result": result,
            "counts": row.get("counts"),
            "dossier_late": bool(row.get("dossier_late")),
            "refund_amount": int(refund_amount) if failed else None,
        },
    )


# --- 3. corrections ---------------------------------------------------------------------------
@_acting("submit_corrections")
def task_submit_corrections(*, task: Task, actor, report, note: str = "") -> Task:
    """The host files the report on completing the dossier as the council concluded
    (Mẫu 10, TT 11/2014 Art 13(3), 17(1)(c)); the recognition decision is due within 10
    working days (Art 17(2))."""
    _require_stage(task, Stage.CORRECTIONS, action=_("nộp hồ sơ hoàn thiện"))
    if task.corrections_submitted_on is not None:
        raise TaskRefused(
            _("Hồ sơ hoàn thiện đã nộp ngày %(d)s.")
            % {"d": f"{task.corrections_submitted_on:%d/%m/%Y}"},
            code="already_submitted",
        )
    if report is None:
        raise TaskRefused(
            _("Cần tải lên báo cáo về việc hoàn thiện hồ sơ đánh giá, nghiệm thu."),
            code="report_required",
        )
    checked = _checked(report, str(_("Báo cáo hoàn thiện hồ sơ")))
    today = _today()
    due = task_rules.recognition_due_on(today, limits=_limits(task))
    task.corrections_submitted_on = today
    save_fields(task, ["corrections_submitted_on"])
    _store_file(task, TaskDocument.Kind.CORRECTIONS_REPORT, checked, actor)
    deadlines_close_open(case=task, kinds=["corrections"], on=today)
    _open(task, "recognition", due, owner=task.officer)
    _note(
        task,
        actor,
        "submit_corrections",
        note=(note or "").strip(),
        data={"on": today.isoformat(), "recognition_due": due.isoformat()},
    )
    return task


# --- 4. recognition ---------------------------------------------------------------------------
@_acting("recognise")
def task_recognise(
    *, task: Task, actor, decision_number: str, signed_on: date, signer: str
) -> Task:
    """Record the decision recognising the task's result (Mẫu 11, TT 11/2014 Art 17(2)):
    number, date, signer; after the corrected dossier, not in the future."""
    decision_number, signer = (decision_number or "").strip(), (signer or "").strip()
    problems = []
    if task.stage == Stage.CORRECTIONS and task.corrections_submitted_on is None:
        problems.append(_("Tổ chức chủ trì chưa nộp hồ sơ hoàn thiện sau nghiệm thu."))
    if not decision_number or not signer or signed_on is None:
        problems.append(_("Cần ghi số, ngày ký và người ký quyết định công nhận."))
    elif signed_on > _today():
        problems.append(_("Ngày ký quyết định không thể sau hôm nay."))
    elif task.corrections_submitted_on and signed_on < task.corrections_submitted_on:
        problems.append(
            _("Quyết định công nhận không thể ký trước ngày nộp hồ sơ hoàn thiện (%(d)s).")
            % {"d": f"{task.corrections_submitted_on:%d/%m/%Y}"}
        )
    elif Decision.objects.filter(number=decision_number, signed_on=signed_on).exists():
        problems.append(
            _("Quyết định số %(n)s ngày %(d)s đã được ghi nhận.")
            % {"n": decision_number, "d": f"{signed_on:%d/%m/%Y}"}
        )
    if problems:
        raise TaskRefused(" ".join(problems), code="recognition_refused")

    def effects(t, *_states):
        decision = Decision.objects.create(
            kind=Decision.Kind.RECOGNITION,
            number=decision_number,
            signed_on=signed_on,
            signer=signer,
            title=_("Công nhận kết quả thực hiện nhiệm vụ %(c)s") % {"c": t.code},
        )
        case_set(t, recognition_decision_id=decision.pk)
        deadlines_close_open(case=t, kinds=["recognition"], on=signed_on)

    return _step(
        task,
        "recognise",
        actor,
        effects=effects,
        data={"decision": f"{decision_number} ({signed_on:%d/%m/%Y})"},
    )


# --- 5. refunds -------------------------------------------------------------------------------
def refund_paid(task: Task) -> int:
    return RefundPayment.objects.filter(task=task).aggregate(s=Sum("amount"))["s"] or 0


def refund_outstanding(task: Task) -> int:
    """What is still to be refunded of the amount set (0 when none was set)."""
    return max(0, (task.refund_amount or 0) - refund_paid(task))


@_acting("record_refund")
def task_record_refund(
    *, task: Task, actor, amount: int, paid_on: date, reference: str = ""
) -> RefundPayment:
    """The division records a payment refunding the state budget (the treasury's
    receipt number as `reference`), against the amount a "Không đạt" result or a
    termination set; never more than what is outstanding."""
    _require_stage(task, Stage.FAILED, Stage.TERMINATED, action=_("ghi nhận hoàn trả kinh phí"))
    outstanding = refund_outstanding(task)
    problems = []
    if amount is None or int(amount) <= 0:
        problems.append(_("Số tiền nộp trả phải lớn hơn 0."))
    elif int(amount) > outstanding:
        problems.append(
            _("Số tiền nộp trả (%(a)s đồng) vượt số còn phải hoàn trả (%(o)s đồng).")
            % {"a": f"{int(amount):,}", "o": f"{outstanding:,}"}
        )
    if paid_on is None:
        problems.append(_("Cần ghi ngày nộp trả."))
    elif paid_on > _today():
        problems.append(_("Ngày nộp trả không thể sau hôm nay."))
    if problems:
        raise TaskRefused(" ".join(problems), code="refund_invalid")
    payment = RefundPayment.objects.create(
        task=task,
        number=RefundPayment.objects.filter(task=task).count() + 1,
        paid_on=paid_on,
        amount=int(amount),
        reference=(reference or "").strip(),
        recorded_by=actor,
    )
    _note(
        task,
        actor,
        "record_refund",
        data={
            "number": payment.number,
            "amount": payment.amount,
            "paid_on": paid_on.isoformat(),
            "outstanding": outstanding - payment.amount,
        },
    )
    return payment


__all__ = [
    "refund_outstanding",
    "refund_paid",
    "task_recognise",
    "task_record_acceptance",
    "task_record_refund",
    "task_send_to_acceptance",
    "task_submit_corrections",
]
