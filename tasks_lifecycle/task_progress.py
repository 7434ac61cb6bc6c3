"""A task in progress: its periodic inspections and, when one proposes it, termination
(TT 04/2015/TT-BKHCN; Sơn La inspects every 6 months, `task_catalogue.PROVINCE`).

The inspections are scheduled when the contract is signed (`task_services.
task_sign_contract`), each with its "inspection_due" row and the "inspection_notice"
row of the notice owed 5 working days before. Then, one service per step:

1. `task_plan_inspection` — the division sets the date and place and notifies the host
   and the PI (a notification), at least 5 working days before (Art 8(2)(b));
2. `task_upload_inspection_reports` — the host files the progress and the spending
   reports (Art 8(1)), content-checked;
3. `task_record_inspection` — the team met (≥ 3 of its 4 core members and the host's
   leadership, Art 9), the signed minutes, the outcome (on track / adjust / terminate);
   the workload is confirmed within 10 and the spending within 20 working days (Art 11);
4. `task_confirm_workload`, `task_confirm_spending`;
5. `task_terminate` — the decision ending the contract, with the amount to refund
   (Art 22(3)(c)); every open date of the task is cancelled.

Each takes the acting user, runs in one transaction with the task row locked and the
actor checked (`@_acting`, `task_access.STEPS`); a refused step changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.utils.translation import gettext as _

from notifications.services import notifications_enqueue
from workflows.calendar import is_working_day
from workflows.ledger import deadline_close, deadlines_close_open, deadlines_for_case
from workflows.models import Deadline
from workflows.transitions import case_set
from workflows.uploads import upload_check

from . import rules, task_rules
from .models import Contract, CouncilKind, Decision, Inspection, Stage, Task, TaskDocument
from .task_services import (
    TaskRefused,
    _acting,
    _limits,
    _note,
    _open,
    _require_stage,
    _step,
    _today,
    inspection_ref,
)

CHANNELS = ["in_app", "email"]


# --- helpers shared with task_acceptance ------------------------------------------------------
def _checked(upload, label: str):
    """The upload, content-checked (`workflows.uploads`), or None when there is none."""
    return upload_check(upload, label=label) if upload is not None else None


def _store_file(task: Task, kind: str, checked, actor, *, inspection=None) -> TaskDocument:
    """Keep a checked upload on the task under a random name."""
    TaskDocument.objects.filter(
        task=task, kind=kind, inspection=inspection, is_current=True
    ).update(is_current=False)
    row = TaskDocument(
        task=task,
        inspection=inspection,
        kind=kind,
        title=str(TaskDocument.Kind(kind).label),
        uploaded_by=actor,
    )
    checked.keep(row)
    row.save()
    return row


def _not_future(day: date | None, what: str) -> None:
    if day is not None and day > _today():
        raise TaskRefused(_("%(what)s không thể sau hôm nay.") % {"what": what}, code="future_date")


def _party_users(task: Task) -> list:
    """Who a notice to the host reaches: the host organisation's users and the PI."""
    users = {u.pk: u for u in task.host.users.filter(is_active=True)} if task.host_id else {}
    pi_user = task.pi.user if task.pi_id and task.pi.user_id else None
    if pi_user is not None and pi_user.is_active:
        users.setdefault(pi_user.pk, pi_user)
    return [users[k] for k in sorted(users)]


def _inspection_of(task: Task, inspection: Inspection) -> Inspection:
    """The inspection, read again under the task's lock; refused if not this task's."""
    found = Inspection.objects.filter(pk=inspection.pk, task=task).first()
    if found is None:
        raise TaskRefused(
            _("Đợt kiểm tra này không thuộc nhiệm vụ %(c)s.") % {"c": task.code},
            code="not_this_task",
        )
    return found


def _rows_of(task: Task, inspection: Inspection, *kinds: str):
    return deadlines_for_case(task).filter(
        kind__in=kinds, ref=inspection_ref(inspection), state=Deadline.State.OPEN
    )


def _close(task: Task, inspection: Inspection, kind: str, on: date) -> None:
    for row in _rows_of(task, inspection, kind):
        deadline_close(deadline=row, on=on)


def _in_progress(task: Task, action: str) -> None:
    _require_stage(task, Stage.IN_PROGRESS, action=action)


# --- 1. the date and the notice ---------------------------------------------------------------
@_acting("plan_inspection")
def task_plan_inspection(
    *, task: Task, actor, inspection: Inspection, planned_on: date, place: str = ""
) -> Inspection:
    """The division sets the inspection's date (and place) and notifies the host and the
    PI now: at least 5 working days before the date (TT 04/2015 Art 8(2)(b)), or it is
    refused with the last day the notice could have gone. A new date before the
    inspection is held is a new notice under the same rule."""
    _in_progress(task, _("thông báo lịch kiểm tra"))
    inspection = _inspection_of(task, inspection)
    if inspection.ended_on is not None:
        raise TaskRefused(_("Đợt kiểm tra này đã được tổ chức."), code="already_held")
    if planned_on is None:
        raise TaskRefused(_("Cần chọn ngày kiểm tra."), code="date_required")
    if not is_working_day(planned_on):
        raise TaskRefused(
            _("Ngày %(d)s là ngày nghỉ: chọn một ngày làm việc để kiểm tra.")
            % {"d": f"{planned_on:%d/%m/%Y}"},
            code="day_off",
        )
    today = _today()
    limits = _limits(task)
    lim = limits["inspection_notice"]
    latest = task_rules.inspection_notice_latest_on(planned_on, limits=limits)
    if today > latest:
        raise TaskRefused(
            _(
                "Phải thông báo cho tổ chức chủ trì trước ngày kiểm tra %(n)02d ngày làm việc "
                "(%(basis)s): để kiểm tra ngày %(d)s, chậm nhất ngày %(last)s thông báo; "
                "hôm nay là %(today)s. Chọn ngày kiểm tra muộn hơn."
            )
            % {
                "n": lim.amount,
                "basis": lim.legal_basis,
                "d": f"{planned_on:%d/%m/%Y}",
                "last": f"{latest:%d/%m/%Y}",
                "today": f"{today:%d/%m/%Y}",
            },
            code="notice_too_late",
        )
    inspection.planned_on, inspection.notified_on = planned_on, today
    inspection.place = (place or "").strip()
    inspection.save(update_fields=["planned_on", "notified_on", "place"])
    _close(task, inspection, "inspection_notice", today)
    recipients = _party_users(task)
    if recipients:
        notifications_enqueue(
            recipients=recipients,
            template="task_inspection_notice",
            context={
                "code": task.code,
                "title": task.title,
                "number": inspection.number,
                "planned_on": f"{planned_on:%d/%m/%Y}",
                "place": inspection.place,
            },
            channels=CHANNELS,
            key=f"task:{task.pk}:inspection:{inspection.pk}:notice:{planned_on:%Y%m%d}",
            case=task,
        )
    _note(
        task,
        actor,
        "plan_inspection",
        data={
            "inspection": inspection.number,
            "planned_on": planned_on.isoformat(),
            "notified": [u.pk for u in recipients],
        },
    )
    return inspection


# --- 2. the host's reports --------------------------------------------------------------------
@_acting("upload_inspection_reports")
def task_upload_inspection_reports(
    *, task: Task, actor, inspection: Inspection, progress_report=None, spending_report=None
) -> list[TaskDocument]:
    """The host files the progress report (Mẫu A-2-BCTĐ) and the spending report (Mẫu
    A-3-BCSDKP) for an inspection (TT 04/2015 Art 8(1)); each is checked by its
    content. A later upload of the same report replaces it for the inspection."""
    _in_progress(task, _("nộp báo cáo kiểm tra định kỳ"))
    inspection = _inspection_of(task, inspection)
    if inspection.ended_on is not None:
        raise TaskRefused(_("Đợt kiểm tra này đã được tổ chức."), code="already_held")
    uploads = [
        (TaskDocument.Kind.PROGRESS_REPORT, progress_report, _("Báo cáo tiến độ")),
        (
            TaskDocument.Kind.SPENDING_REPORT,
            spending_report,
            _("Báo cáo tình hình sử dụng kinh phí"),
        ),
    ]
    checked = [(kind, _checked(u, str(label))) for kind, u, label in uploads if u is not None]
    if not checked:
        raise TaskRefused(
            _("Cần tải lên báo cáo tiến độ hoặc báo cáo tình hình sử dụng kinh phí."),
            code="report_required",
        )
    files = [_store_file(task, kind, c, actor, inspection=inspection) for kind, c in checked]
    _note(
        task,
        actor,
        "upload_inspection_reports",
        data={"inspection": inspection.number, "files": [f.kind for f in files]},
    )
    return files


def _reports_missing(inspection: Inspection) -> list[str]:
    have = set(inspection.documents.values_list("kind", flat=True))
    return [
        str(label)
        for kind, label in (
            (TaskDocument.Kind.PROGRESS_REPORT, _("báo cáo tiến độ")),
            (TaskDocument.Kind.SPENDING_REPORT, _("báo cáo tình hình sử dụng kinh phí")),
        )
        if kind not in have
    ]


def _team_rule() -> rules.KindRule:
    kind = CouncilKind.objects.filter(code="inspection").first()
    return kind.rule() if kind else rules.KINDS["inspection"]


# --- 3. the inspection itself -----------------------------------------------------------------
@_acting("record_inspection")
def task_record_inspection(
    *,
    task: Task,
    actor,
    inspection: Inspection,
    team: Sequence[Mapping],
    host_leader: str,
    outcome: str,
    minutes,
    conclusion: str = "",
    held_on: date | None = None,
) -> Inspection:
    """Record the inspection held on `held_on` (default today): the team and who was
    present (≥ 3 of the 4 core members and the host's leadership, TT 04/2015 Art 9(2)),
    after the host's reports (Art 9(1)), the signed minutes (Art 10(9)), the outcome
    (on track / adjust / terminate) and the conclusion. It closes the inspection's row
    and opens the workload (10 working days) and spending (20) confirmations (Art 11)."""
    _in_progress(task, _("ghi nhận kết quả kiểm tra"))
    inspection = _inspection_of(task, inspection)
    held_on = held_on or _today()
    problems = []
    if inspection.ended_on is not None:
        problems.append(_("Đợt kiểm tra này đã được ghi nhận kết quả."))
    if inspection.planned_on is None:
        problems.append(
            _("Chưa thông báo lịch kiểm tra cho tổ chức chủ trì (điểm b khoản 2 Điều 8 %(tt)s).")
            % {"tt": rules.TT04}
        )
    elif held_on < inspection.planned_on:
        problems.append(
            _("Ngày kiểm tra không thể trước ngày đã thông báo (%(d)s).")
            % {"d": f"{inspection.planned_on:%d/%m/%Y}"}
        )
    missing = _reports_missing(inspection)
    if missing:
        problems.append(
            _("Chưa nhận đủ báo cáo của tổ chức chủ trì (khoản 1 Điều 9 %(tt)s): %(m)s.")
            % {"tt": rules.TT04, "m": ", ".join(missing)}
        )
    team = [
        {
            "name": str(r.get("name") or "").strip(),
            "role": r.get("role"),
            "present": bool(r.get("present")),
        }
        for r in team or []
    ]
    problems += task_rules.inspection_team_problems(
        team, host_leader=host_leader, rule=_team_rule()
    )
    if outcome not in Inspection.Outcome.values:
        problems.append(
            _("Chọn kết luận: đúng tiến độ, cần điều chỉnh hoặc đề nghị chấm dứt hợp đồng.")
        )
    elif outcome != Inspection.Outcome.ON_TRACK and not (conclusion or "").strip():
        problems.append(_("Cần ghi nội dung kết luận (điều chỉnh hoặc lý do đề nghị chấm dứt)."))
    if minutes is None:
        problems.append(_("Cần tải lên biên bản kiểm tra đã ký."))
    if problems:
        raise TaskRefused(" ".join(problems), code="inspection_refused")
    _not_future(held_on, _("Ngày kiểm tra"))
    checked = _checked(minutes, str(_("Biên bản kiểm tra")))
    limits = _limits(task)
    inspection.ended_on, inspection.outcome = held_on, outcome
    inspection.team, inspection.host_leader = team, host_leader.strip()
    inspection.conclusion = (conclusion or "").strip()
    inspection.save(update_fields=["ended_on", "outcome", "team", "host_leader", "conclusion"])
    _store_file(task, TaskDocument.Kind.INSPECTION_MINUTES, checked, actor, inspection=inspection)
    _close(task, inspection, "inspection_due", held_on)
    for row in _rows_of(task, inspection, "inspection_notice"):  # notified outside the system
        deadline_close(deadline=row, on=inspection.notified_on or held_on)
    ref = inspection_ref(inspection)
    for kind, due in (
        ("workload_confirmation", task_rules.workload_confirmation_due_on(held_on, limits=limits)),
        ("spending_confirmation", task_rules.spending_confirmation_due_on(held_on, limits=limits)),
    ):
        _open(task, kind, due, owner=task.officer, ref=ref)
    core = [r for r in team if r["role"] in task_rules.CORE_TEAM_ROLES]
    _note(
        task,
        actor,
        "record_inspection",
        note=inspection.conclusion,
        data={
            "inspection": inspection.number,
            "held_on": held_on.isoformat(),
            "outcome": outcome,
            "core_present": sum(1 for r in core if r["present"]),
        },
    )
    return inspection


# --- 4. the confirmations ---------------------------------------------------------------------
def _confirm(
    task: Task, actor, inspection: Inspection, *, what: str, on: date | None, **values
) -> Inspection:
    """Record one confirmation after an inspection (`what`: "workload" or "spending"):
    once, after the inspection, not in the future; it closes its row."""
    inspection = _inspection_of(task, inspection)
    done_on = getattr(inspection, f"{what}_confirmed_on")
    on = on or _today()
    if inspection.ended_on is None:
        raise TaskRefused(_("Đợt kiểm tra này chưa được tổ chức."), code="not_held")
    if done_on is not None:
        raise TaskRefused(
            _("Đã xác nhận ngày %(d)s.") % {"d": f"{done_on:%d/%m/%Y}"}, code="already_confirmed"
        )
    if on < inspection.ended_on:
        raise TaskRefused(
            _("Ngày xác nhận không thể trước ngày kiểm tra (%(d)s).")
            % {"d": f"{inspection.ended_on:%d/%m/%Y}"},
            code="before_inspection",
        )
    _not_future(on, _("Ngày xác nhận"))
    values[f"{what}_confirmed_on"] = on
    for name, value in values.items():
        setattr(inspection, name, value)
    inspection.save(update_fields=list(values))
    _close(task, inspection, f"{what}_confirmation", on)
    data = {"inspection": inspection.number, **values}
    data = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
    _note(task, actor, f"confirm_{what}", data=data)
    return inspection


@_acting("confirm_workload")
def task_confirm_workload(
    *, task: Task, actor, inspection: Inspection, note: str = "", on: date | None = None
) -> Inspection:
    """The division confirms the work done (Mẫu B-1-XNKLCV), due 10 working days after
    the inspection (TT 04/2015 Art 11(1))."""
    _in_progress(task, _("xác nhận khối lượng công việc"))
    return _confirm(
        task, actor, inspection, what="workload", on=on, workload_note=(note or "").strip()
    )


@_acting("confirm_spending")
def task_confirm_spending(
    *, task: Task, actor, inspection: Inspection, amount: int | None = None, on: date | None = None
) -> Inspection:
    """The division confirms the spending (Mẫu B-2-XNSDKP, the amount confirmed), due 20
    working days after the inspection (TT 04/2015 Art 11(2))."""
    _in_progress(task, _("xác nhận kinh phí thực hiện"))
    if amount is not None and int(amount) <= 0:
        raise TaskRefused(_("Số kinh phí được xác nhận phải lớn hơn 0."), code="amount_invalid")
    return _confirm(
        task,
        actor,
        inspection,
        what="spending",
        on=on,
        spending_confirmed_amount=int(amount) if amount is not None else None,
    )


# --- 5. termination ---------------------------------------------------------------------------
def refund_problems(task: Task, refund_amount) -> list[str]:
    """Why an amount to refund cannot be recorded ([] if it can): a whole number of đồng,
    not negative, not more than the contract's state budget."""
    if refund_amount is None:
        return [_("Cần ghi số kinh phí phải hoàn trả ngân sách nhà nước (0 nếu không có).")]
    contract = Contract.objects.filter(task=task).first()
    budget = contract.budget if contract else task.state_budget
    if int(refund_amount) < 0:
        return [_("Số kinh phí phải hoàn trả không thể âm.")]
    if int(refund_amount) > budget:
        return [
            _(
                "Số kinh phí phải hoàn trả (%(a)s đồng) vượt kinh phí ngân sách của hợp đồng "
                "(%(b)s đồng)."
            )
            % {"a": f"{int(refund_amount):,}", "b": f"{budget:,}"}
        ]
    return []


@_acting("terminate")
def task_terminate(
    *,
    task: Task,
    actor,
    decision_number: str,
    signed_on: date,
    signer: str,
    reason: str,
    refund_amount: int,
    inspection: Inspection | None = None,
) -> Task:
    """Record the decision ending the contract (number, date, signer), the reason and the
    amount to refund to the state budget (TT 04/2015 Art 22(3)(c)); when an inspection
    is its ground, that inspection proposed termination. The task leaves "in progress"
    and every open date of it is cancelled."""
    problems = []
    decision_number, signer = (decision_number or "").strip(), (signer or "").strip()
    if not decision_number or not signer or signed_on is None:
        problems.append(_("Cần ghi số, ngày ký và người ký quyết định chấm dứt hợp đồng."))
    elif signed_on > _today():
        problems.append(_("Ngày ký quyết định không thể sau hôm nay."))
    elif Decision.objects.filter(number=decision_number, signed_on=signed_on).exists():
        problems.append(
            _("Quyết định số %(n)s ngày %(d)s đã được ghi nhận.")
            % {"n": decision_number, "d": f"{signed_on:%d/%m/%Y}"}
        )
    if not (reason or "").strip():
        problems.append(_("Cần ghi lý do chấm dứt hợp đồng."))
    problems += refund_problems(task, refund_amount)
    if inspection is not None:
        inspection = _inspection_of(task, inspection)
        if inspection.outcome != Inspection.Outcome.TERMINATE:
            problems.append(
                _("Đợt kiểm tra lần %(n)d không đề nghị chấm dứt hợp đồng.")
                % {"n": inspection.number}
            )
    if problems:
        raise TaskRefused(" ".join(problems), code="termination_refused")
    today = _today()

    def effects(t, *_states):
        decision = Decision.objects.create(
            kind=Decision.Kind.TERMINATION,
            number=decision_number,
            signed_on=signed_on,
            signer=signer,
            title=_("Chấm dứt hợp đồng thực hiện nhiệm vụ %(c)s") % {"c": t.code},
        )
        case_set(
            t,
            termination_decision_id=decision.pk,
            termination_reason=reason.strip(),
            refund_amount=int(refund_amount),
        )
        open_kinds = set(
            deadlines_for_case(t).filter(state=Deadline.State.OPEN).values_list("kind", flat=True)
        )
        deadlines_close_open(case=t, cancel_kinds=sorted(open_kinds), on=today)

    return _step(
        task,
        "terminate",
        actor,
        note=reason.strip(),
        effects=effects,
        data={
            "decision": f"{decision_number} ({signed_on:%d/%m/%Y})",
            "refund_amount": int(refund_amount),
            "inspection": inspection.number if inspection else None,
        },
    )


__all__ = [
    "task_confirm_spending",
    "task_confirm_workload",
    "task_plan_inspection",
    "task_record_inspection",
    "task_terminate",
    "task_upload_inspection_reports",
]
