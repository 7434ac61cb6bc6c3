"""Every change to an S&T task: one service per step, the first stages of the lifecycle
(proposal → overlap check → identification council → recommendation → approval of the
ordered list → publication).

Each service takes the acting user explicitly, runs in one transaction, locks the task
row, decides who may act (`task_access.step_authorize`, through `@_acting`), and moves
the stage through `workflows.transitions.transition_perform` (audit row, ledger rows
with the reminder ladder, in the same transaction). The council decisions are the
councils' (`services.council_*`): the task reads the result of the council whose subject
links to it. Views, the API and flows (not built yet) call only these.
"""

from __future__ import annotations

import functools
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.access import actor_profile
from workflows.audit import audit_record
from workflows.errors import DomainError, TransitionRefused
from workflows.ledger import (
    deadline_cancel,
    deadline_close,
    deadline_open,
    deadline_reschedule,
    deadlines_close_open,
    deadlines_for_case,
)
from workflows.models import Deadline
from workflows.roles import Role
from workflows.selectors import division_by_code
from workflows.transitions import case_set, mark_held, transition_perform

from . import task_access, task_rules
from .access import MANAGING_DIVISION
from .models import (
    TASK_PROCEDURE_CODE,
    AcceptanceDossier,
    Contract,
    Council,
    CouncilSubject,
    Decision,
    HostOrganisation,
    Inspection,
    Instalment,
    KindCode,
    Method,
    Programme,
    Stage,
    Status,
    Task,
)
from .services import _next_number
from .task_catalogue import current_version, task_limits


class TaskRefused(DomainError):
    code = "task_refused"


def _today() -> date:
    return timezone.localdate()


def _lock(pk: int) -> Task:
    return mark_held(
        Task.objects.select_for_update(of=("self",))
        .select_related("pi", "host", "procedure_version")
        .get(pk=pk)
    )


def _acting(step: str):
    """The service performs `step` on the task: in one transaction the task row is
    locked and the actor checked (`task_access.STEPS`), whatever the door."""

    def decorate(service):
        @functools.wraps(service)
        def checked(**kwargs):
            with transaction.atomic():
                locked = _lock(kwargs["task"].pk)
                task_access.step_authorize(locked, step, kwargs.get("actor"))
                kwargs["task"] = locked
                return service(**kwargs)

        return checked

    return decorate


def _limits(task: Task) -> dict:
    return (
        task_limits(task.procedure_version)
        if task.procedure_version_id
        else dict(task_rules.LIMITS)
    )


def _open(task: Task, kind: str, due: date, *, owner=None, ref: str = "") -> None:
    """A ledger row on the task (the ladder of the task catalogue reminds its owner);
    `ref` tells apart rows of one kind within the task (one per inspection)."""
    lim = _limits(task).get(kind)
    deadline_open(
        case=task,
        kind=kind,
        due_date=due,
        title=f"{task.code}: {lim.name if lim else kind}",
        procedure_version=task.procedure_version,
        procedure_code=TASK_PROCEDURE_CODE,
        dossier_code=task.code,
        owner_user=owner,
        owner_division=getattr(owner, "division", None) or division_by_code(MANAGING_DIVISION),
        ref=ref,
    )


def _flow_sync(task: Task, *_rest) -> None:
    from . import task_flows

    task_flows.flow_sync_locked(task)


def _note(task: Task, actor, action: str, *, note: str = "", data: dict | None = None) -> None:
    """The audit row of a step that records something without moving the stage."""
    audit_record(
        case=task,
        actor=actor,
        action=action,
        from_state=task.stage,
        to_state=task.stage,
        note=note,
        data=data,
    )


def _require_stage(task: Task, *stages: str, action: str) -> None:
    """A step that does not move the stage is refused outside the stages it belongs to."""
    if task.stage not in stages:
        raise TransitionRefused(
            _("Không thể %(action)s khi nhiệm vụ đang ở giai đoạn “%(state)s”.")
            % {"action": action, "state": task.get_stage_display()}
        )


def _step(task: Task, transition: str, actor, *, note: str = "", effects=None, data=None):
    """Perform the FSM transition (audit, ledger) and bring the task's flow in line, in
    the caller's transaction."""
    return transition_perform(
        case=task,
        transition=transition,
        actor=actor,
        note=note,
        effects=effects,
        audit_data=data,
        after=_flow_sync,
    )


# --- proposal and overlap check -----------------------------------------------------------
def task_propose(
    *,
    actor,
    proposer: HostOrganisation,
    title: str,
    year: int,
    summary: str = "",
    field: str = "",
    programme: str = Programme.PROVINCIAL,
    task_type: str = "technology",
) -> Task:
    """A host organisation (its user) proposes a task for ordering (đề xuất đặt hàng)."""
    title = " ".join((title or "").split())
    if not title:
        raise TaskRefused(_("Cần ghi tên nhiệm vụ đề xuất."), code="title_required")
    with transaction.atomic():
        probe = Task(proposer=proposer, title=title)
        task_access.step_authorize(probe, "propose", actor)
        today = _today()
        task = Task.objects.create(
            code=f"NV-{year}-{_next_number(f'st-task-{year}'):04d}",
            title=title,
            year=year,
            summary=summary,
            field=field,
            programme=programme,
            task_type=task_type,
            proposer=proposer,
            proposed_on=today,
            procedure_version=current_version(today),
            division=division_by_code(MANAGING_DIVISION),
        )
        audit_record(case=task, actor=actor, action="propose", to_state=task.stage)
        _flow_sync(task)
        return task


@_acting("screen")
def task_screen(*, task: Task, actor) -> Task:
    """The division compiles the proposal and checks it for overlap with earlier tasks
    (the similarity list on titles); the specialist who does it follows the task."""
    earlier = list(Task.objects.exclude(pk=task.pk).values("code", "title"))
    similar = task_rules.similar_titles(task.title, earlier)

    follows = Role.SPECIALIST in actor_profile(actor).roles  # a leader does not take it

    def effects(t, *_):
        case_set(
            t, similar_tasks=similar, officer_id=t.officer_id or (actor.pk if follows else None)
        )

    return _step(task, "screen", actor, effects=effects, data={"similar": similar})


# --- identification council -----------------------------------------------------------------
def _subject_of(task: Task, council: Council) -> CouncilSubject | None:
    return council.subjects.filter(
        target_type=ContentType.objects.get_for_model(Task), target_id=str(task.pk)
    ).first()


def _council_row(task: Task, council: Council) -> dict | None:
    """The published tally's row of this task's subject (result, counts …), or None."""
    subject = _subject_of(task, council)
    tally = _published_tally(council)
    if subject is None or tally is None:
        return None
    return next((s for s in tally.data.get("subjects", []) if s.get("subject") == subject.pk), None)


def _published_tally(council: Council):
    """The council's current tally once its result is published (else None)."""
    if council.status not in (Status.PUBLISHED, Status.CLOSED):
        return None
    return council.tallies.filter(superseded_by__isnull=True).order_by("-number").first()


def _council_result(task: Task, council: Council) -> str | None:
    """The published result for this task's subject ("thuc_hien" …), or None."""
    row = _council_row(task, council)
    return row.get("result") if row else None


def _council_deciding(task: Task, council: Council, kind: str) -> Council:
    """The council, read again, if it is of `kind` and this task is one of its subjects."""
    council = Council.objects.select_related("kind", "secretary").get(pk=council.pk)
    if council.kind.code != kind:
        raise TaskRefused(
            _("Cần một %(kind)s.") % {"kind": KindCode(kind).label}, code="wrong_council_kind"
        )
    if _subject_of(task, council) is None:
        raise TaskRefused(
            _("Nhiệm vụ chưa có trong danh sách đối tượng của hội đồng này."),
            code="not_a_subject",
        )
    return council


@_acting("send_to_identification")
def task_send_to_identification(*, task: Task, actor, council: Council) -> Task:
    """Put the task before an identification council whose subject is this task (its
    parties taken from the task, so conflicts are computed from it); the council's
    recommendations are due 5 working days after its meeting."""
    council = _council_deciding(task, council, "identification")
    if council.meeting_on is None:
        raise TaskRefused(_("Hội đồng chưa có ngày họp."), code="no_meeting_date")
    due = task_rules.recommendation_due_on(council.meeting_on, limits=_limits(task))

    def effects(t, *_):
        _open(t, "recommendation", due, owner=council.secretary)

    return _step(
        task, "send_to_identification", actor, effects=effects, data={"council": council.code}
    )


def _council_for(task: Task, kind: str) -> Council | None:
    """The latest council of `kind` with this task among its subjects."""
    subject = (
        CouncilSubject.objects.filter(
            target_type=ContentType.objects.get_for_model(Task),
            target_id=str(task.pk),
            council__kind__code=kind,
        )
        .select_related("council__kind")
        .order_by("-council_id")
        .first()
    )
    return subject.council if subject else None


def _identification_council(task: Task) -> Council | None:
    return _council_for(task, "identification")


@_acting("recommend")
def task_recommend(*, task: Task, actor, method: str, on: date | None = None) -> Task:
    """Record the council's recommendation "Thực hiện" with the method (tuyển chọn or
    giao trực tiếp); the approval of the ordered list is due 15 days later."""
    if method not in Method.values:
        raise TaskRefused(
            _("Cần chọn phương thức: tuyển chọn hoặc giao trực tiếp."), code="method_required"
        )
    council = _identification_council(task)
    result = _council_result(task, council) if council else None
    if result != "thuc_hien":
        raise TaskRefused(
            _(
                "Chưa có kết quả “Thực hiện” đã công bố của Hội đồng xác định nhiệm vụ "
                "(khoản 7 Điều 12 Thông tư số 06/2023/TT-BKHCN)."
            ),
            code="no_recommendation",
        )
    on = on or _today()
    due = task_rules.approval_due_on(on, limits=_limits(task))

    def effects(t, *_):
        case_set(t, method=method, recommended_on=on)
        deadlines_close_open(case=t, kinds=["recommendation"], on=on)
        _open(t, "approval", due, owner=t.officer)

    return _step(task, "recommend", actor, effects=effects, data={"method": method})


@_acting("not_recommend")
def task_not_recommend(*, task: Task, actor, reason: str) -> Task:
    """The task is not ordered (the council's "Không thực hiện", or the Committee's
    refusal), with the reason; its open dates close."""
    if not (reason or "").strip():
        raise TaskRefused(_("Cần ghi rõ lý do không đặt hàng."), code="reason_required")

    def effects(t, *_):
        deadlines_close_open(case=t, cancel_kinds=["recommendation", "approval"], on=_today())

    return _step(task, "not_recommend", actor, note=reason.strip(), effects=effects)


# --- approval and publication ---------------------------------------------------------------
@_acting("approve")
def task_approve(
    *, task: Task, actor, number: str, signed_on: date, signer: str, title: str = ""
) -> Task:
    """Record the People's Committee's decision approving the ordered list (number, date,
    signer; one decision covers many tasks); publication is due 15 days after it."""
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number or not signer or signed_on is None:
        raise TaskRefused(
            _("Cần ghi số, ngày ký và người ký quyết định phê duyệt."), code="decision_required"
        )
    if signed_on > _today():
        raise TaskRefused(_("Ngày ký quyết định không thể sau hôm nay."), code="future_decision")
    if task.recommended_on and signed_on < task.recommended_on:
        raise TaskRefused(
            _("Quyết định phê duyệt không thể ký trước ngày có kiến nghị (%(d)s).")
            % {"d": f"{task.recommended_on:%d/%m/%Y}"},
            code="decision_before_recommendation",
        )
    decision, _created = Decision.objects.get_or_create(
        number=number,
        signed_on=signed_on,
        defaults={"kind": Decision.Kind.ORDERED_LIST, "signer": signer, "title": title},
    )
    due = task_rules.publication_due_on(signed_on, limits=_limits(task))

    def effects(t, *_):
        case_set(t, ordering_decision_id=decision.pk)
        deadlines_close_open(case=t, kinds=["approval"], on=signed_on)
        _open(t, "publication", due, owner=t.officer)

    return _step(task, "approve", actor, effects=effects, data={"decision": str(decision)})


@_acting("publish")
def task_publish(*, task: Task, actor, on: date | None = None) -> Task:
    """The approved task is published (công bố công khai)."""
    on = on or _today()

    def effects(t, *_):
        case_set(t, published_on=on)
        deadlines_close_open(case=t, kinds=["publication"], on=on)

    return _step(task, "publish", actor, effects=effects)


__all__ = [
    "Stage",
    "TaskRefused",
    "task_approve",
    "task_not_recommend",
    "task_propose",
    "task_publish",
    "task_recommend",
    "task_screen",
    "task_send_to_identification",
]


# --- contract and extension -----------------------------------------------------------------
# the rows a contract end opens (task_rules.contract_deadlines), which an extension moves
CONTRACT_ROWS = (
    "contract_end",
    "extension_window",
    "acceptance_dossier",
    "acceptance_limit_warning",
    "acceptance_limit",
)


def _months_between(start: date, end: date) -> int:
    """The task's duration: the months from `start` until the day after `end`."""
    n = 0
    while task_rules.add_months(start, n + 1) <= end:
        n += 1
    return n + 1


def _party_owner(task: Task):
    """Who a contract date warns first: the PI's account (else the officer)."""
    return (task.pi.user if task.pi_id and task.pi.user_id else None) or task.officer


def _schedule_inspections(
    task: Task, contract: Contract, limits: dict, *, followed_from: date | None = None
) -> list[Inspection]:
    """Create the inspections the schedule adds (never removes one already held), each
    with its row and the row of the notice the host is owed 5 working days before; with
    `followed_from` (a task taken over), none whose notice was due before that day."""
    due = task_rules.inspection_schedule(
        effective_on=contract.effective_on,
        contract_end=contract.ends_on,
        interval=limits["inspection_interval"],
    )
    have = set(task.inspections.values_list("due_on", flat=True))
    created = []
    number = len(have)
    for day in due:
        notice = task_rules.inspection_notice_latest_on(day, limits=limits)
        if day in have or (followed_from and notice < followed_from):
            continue
        number += 1
        inspection = Inspection.objects.create(task=task, number=number, due_on=day)
        created.append(inspection)
        ref = inspection_ref(inspection)
        _open(task, "inspection_due", day, owner=task.officer, ref=ref)
        _open(task, "inspection_notice", notice, owner=task.officer, ref=ref)
    return created


def _end_inspections(task: Task, on: date) -> None:
    """The acceptance dossier ends the periodic inspections: an inspection (or its notice)
    already overdue is missed, a later one no longer needed (cancelled). The
    confirmations of an inspection held stay owed."""
    rows = deadlines_for_case(task).filter(
        kind__in=("inspection_due", "inspection_notice"), state=Deadline.State.OPEN
    )
    for row in rows:
        if row.due_date < on:
            deadline_close(deadline=row, on=on)
        else:
            deadline_cancel(deadline=row, on=on)


def inspection_ref(inspection: Inspection) -> str:
    """The ledger's key of one inspection's rows within its task."""
    return f"inspection:{inspection.pk}"


@_acting("sign_contract")
def task_sign_contract(
    *,
    task: Task,
    actor,
    number: str,
    signed_on: date,
    effective_on: date,
    starts_on: date,
    ends_on: date,
    budget: int,
    instalments=(),
    followed_from: date | None = None,
) -> Task:
    """Record the contract (number, dates, budget, instalments). Its end opens the ledger
    rows that follow from it (end, extension window, acceptance dossier, the 6-month
    limit and its warning) and its effect date the periodic inspections (for a task taken
    over, `followed_from`: those from that day; earlier ones were held on paper)."""
    number = (number or "").strip()
    problems = []
    if not number:
        problems.append(_("Cần ghi số hợp đồng."))
    if not (signed_on and effective_on and starts_on and ends_on):
        problems.append(_("Cần ghi đủ ngày ký, ngày hiệu lực, thời gian thực hiện."))
    else:
        if effective_on < signed_on:
            problems.append(_("Hợp đồng không thể có hiệu lực trước ngày ký."))
        if ends_on <= starts_on:
            problems.append(_("Ngày kết thúc phải sau ngày bắt đầu thực hiện."))
    if not budget or budget <= 0:
        problems.append(_("Kinh phí hợp đồng phải lớn hơn 0."))
    instalments = [(d, int(a)) for d, a in instalments]
    if instalments and sum(a for _d, a in instalments) != budget:
        problems.append(
            _("Tổng các đợt cấp kinh phí (%(sum)s đồng) phải bằng kinh phí hợp đồng (%(b)s đồng).")
            % {"sum": f"{sum(a for _d, a in instalments):,}", "b": f"{budget:,}"}
        )
    if any(a <= 0 for _d, a in instalments):
        problems.append(_("Mỗi đợt cấp kinh phí phải lớn hơn 0."))
    if Contract.objects.filter(number=number).exists():
        problems.append(_("Số hợp đồng %(n)s đã được dùng.") % {"n": number})
    if problems:
        raise TaskRefused(" ".join(problems), code="contract_invalid")
    limits = _limits(task)
    owner = _party_owner(task)

    def effects(t, *_):
        contract = Contract.objects.create(
            task=t,
            number=number,
            signed_on=signed_on,
            effective_on=effective_on,
            starts_on=starts_on,
            original_ends_on=ends_on,
            ends_on=ends_on,
            budget=budget,
        )
        Instalment.objects.bulk_create(
            Instalment(contract=contract, number=i, due_on=d, amount=a)
            for i, (d, a) in enumerate(instalments, start=1)
        )
        case_set(t, duration_months=t.duration_months or _months_between(starts_on, ends_on))
        for kind, due in task_rules.contract_deadlines(ends_on, limits=limits).items():
            _open(t, kind, due, owner=owner)
        _schedule_inspections(t, contract, limits, followed_from=followed_from)

    return _step(task, "sign_contract", actor, effects=effects, data={"contract": number})


@_acting("extend")
def task_extend(
    *,
    task: Task,
    actor,
    months: int,
    requested_on: date,
    decision_number: str,
    signed_on: date,
    signer: str,
    cause: str,
) -> Task:
    """Record an extension (the host's request and the decision granting it): once only,
    within its maximum, requested at least 1 month before the contract ends (TT 04/2015
    Art 12). It moves the contract end and every ledger row that follows from it; the
    audit row keeps each old and new date with the cause."""
    if task.stage != Stage.IN_PROGRESS:
        raise TransitionRefused(
            _("Chỉ gia hạn nhiệm vụ đang thực hiện (hiện: “%(s)s”).")
            % {"s": task.get_stage_display()}
        )
    contract = Contract.objects.select_for_update().get(task=task)
    limits = _limits(task)
    problems = task_rules.extension_problems(
        contract_end=contract.ends_on,
        duration_months=task.duration_months or 0,
        extended_before=contract.extended_months > 0,
        requested_on=requested_on,
        months=months,
        limits=limits,
    )
    if not (decision_number or "").strip() or not (signer or "").strip() or signed_on is None:
        problems.append(_("Cần ghi số, ngày ký và người ký quyết định gia hạn."))
    if not (cause or "").strip():
        problems.append(_("Cần ghi lý do gia hạn."))
    if problems:
        raise TaskRefused(" ".join(problems), code="extension_refused")
    decision = Decision.objects.create(
        kind=Decision.Kind.EXTENSION,
        number=decision_number.strip(),
        signed_on=signed_on,
        signer=signer.strip(),
        title=_("Gia hạn thời gian thực hiện nhiệm vụ %(c)s") % {"c": task.code},
    )
    old_end = contract.ends_on
    contract.ends_on = task_rules.extension_end(old_end, months)
    contract.extended_months = months
    contract.extension_decision = decision
    contract.save(update_fields=["ends_on", "extended_months", "extension_decision"])
    new = task_rules.contract_deadlines(contract.ends_on, limits=limits)
    moved = {}
    for row in deadlines_for_case(task).filter(kind__in=CONTRACT_ROWS, state=Deadline.State.OPEN):
        moved[row.kind] = [row.due_date.isoformat(), new[row.kind].isoformat()]
        deadline_reschedule(deadline=row, due_date=new[row.kind])
    added = _schedule_inspections(task, contract, limits)
    audit_record(
        case=task,
        actor=actor,
        action="extend",
        from_state=task.stage,
        to_state=task.stage,
        note=cause.strip(),
        data={
            "months": months,
            "decision": str(decision),
            "moved": moved,
            "inspections_added": [i.due_on.isoformat() for i in added],
        },
    )
    return task


# --- acceptance dossier ----------------------------------------------------------------------
def _current_dossier(task: Task) -> AcceptanceDossier:
    return task.dossiers.order_by("-submitted_on", "-id").first()


@_acting("file_dossier")
def task_file_dossier(*, task: Task, actor, self_evaluation: str, on: date | None = None) -> Task:
    """The host files the acceptance dossier with its self-evaluation (TT 11/2014 Arts 5–7),
    first or after a supplement request; the division owes the validity notice within 3
    working days. A first filing more than 6 months after the contract end is recorded
    as late: the result will be "Không đạt" whatever the votes (Art 13(1)(c))."""
    if not (self_evaluation or "").strip():
        raise TaskRefused(
            _("Cần nộp báo cáo tự đánh giá kết quả thực hiện nhiệm vụ."),
            code="self_evaluation_required",
        )
    on = on or _today()
    limits = _limits(task)
    end = Contract.objects.get(task=task).ends_on
    first = not task.dossiers.exists()
    late = task_rules.acceptance_late(contract_end=end, submitted_on=on, limits=limits)
    due = task_rules.validity_notice_due_on(on, limits=limits)

    def effects(t, *_):
        AcceptanceDossier.objects.create(
            task=t, submitted_on=on, self_evaluation=self_evaluation.strip()
        )
        deadlines_close_open(
            case=t,
            kinds=[
                "contract_end",
                "acceptance_dossier",
                "acceptance_limit_warning",
                "acceptance_limit",
                "supplement",
            ],
            cancel_kinds=["extension_window"],
            on=on,
        )
        _end_inspections(t, on)
        _open(t, "validity_notice", due, owner=t.officer)

    return _step(
        task,
        "file_dossier",
        actor,
        effects=effects,
        data={"first": first, "late_over_limit": late, "days_after_end": (on - end).days},
    )


@_acting("request_supplement")
def task_request_supplement(
    *, task: Task, actor, missing: list[str], on: date | None = None
) -> Task:
    """The division notifies the host that the dossier is not valid, listing every item
    at once; the host supplements within 5 working days (TT 11/2014 Art 7(3))."""
    missing = [m.strip() for m in missing or [] if m and m.strip()]
    if not missing:
        raise TaskRefused(_("Cần liệt kê các tài liệu phải bổ sung."), code="missing_required")
    on = on or _today()
    due = task_rules.supplement_due_on(on, limits=_limits(task))
    dossier = _current_dossier(task)

    def effects(t, *_):
        dossier.validity, dossier.notice_on, dossier.missing = (
            AcceptanceDossier.Validity.SUPPLEMENT,
            on,
            missing,
        )
        dossier.save(update_fields=["validity", "notice_on", "missing"])
        deadlines_close_open(case=t, kinds=["validity_notice"], on=on)
        _open(t, "supplement", due, owner=_party_owner(t))

    return _step(task, "request_supplement", actor, effects=effects, data={"missing": missing})


@_acting("accept_dossier")
def task_accept_dossier(*, task: Task, actor, on: date | None = None) -> Task:
    """The division notifies the host that the dossier is valid; the acceptance council
    is due to be set up within 15 working days (TT 11/2014 Art 9(1))."""
    on = on or _today()
    due = task_rules.acceptance_council_setup_due_on(on, limits=_limits(task))
    dossier = _current_dossier(task)

    def effects(t, *_):
        dossier.validity, dossier.notice_on = AcceptanceDossier.Validity.VALID, on
        dossier.save(update_fields=["validity", "notice_on"])
        deadlines_close_open(case=t, kinds=["validity_notice"], on=on)
        _open(t, "acceptance_council_setup", due, owner=t.officer)

    return _step(task, "accept_dossier", actor, effects=effects)


# --- the bar on new calls ----------------------------------------------------------------------
def bar_reasons_for(*, host=None, pi=None, on: date) -> list[str]:
    """Why `host` (a HostOrganisation) or `pi` (an Investigator) may not apply on `on`:
    a "Không đạt" within the catalogue's period, or an acceptance dossier more than its
    limit late (task_rules.bar_reasons over their earlier tasks)."""
    from django.db.models import Min, Q

    who = Q()
    if host is not None:
        who |= Q(host=host)
    if pi is not None:
        who |= Q(pi=pi)
    if not who:
        return []
    tasks = (
        Task.objects.filter(who)
        .select_related("contract", "procedure_version")
        .annotate(first_dossier=Min("dossiers__submitted_on"))
    )
    reasons = []
    for t in tasks:
        contract = getattr(t, "contract", None)
        row = {
            "title": t.title,
            "failed_on": t.concluded_on if t.stage == Stage.FAILED else None,
            "contract_end": contract.ends_on if contract else None,
            "dossier_on": t.first_dossier,
        }
        reasons += task_rules.bar_reasons([row], on=on, limits=_limits(t))
    return reasons
