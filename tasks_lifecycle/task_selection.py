"""Stages 2–3 of an S&T task and the approval of its host (TT 20/2023/TT-BKHCN): the public
call (tuyển chọn) or direct assignment (giao trực tiếp), the applications filed online,
their opening (biên bản mở hồ sơ), the selection council, the revision of the proposal
(thuyết minh), the budget appraisal team, the dossier finalised after it, and the People's
Committee's decision approving the host, the PI, the budget, the lump-sum mode and the
duration; `task_services.task_sign_contract` follows.

The services follow `task_services`: keyword-only, the actor explicit, one transaction
with the task row locked and the actor checked (`@_acting`, `task_access.STEPS`), the stage
moved by `transition_perform` with its audit row and ledger rows. A refused step raises a
`DomainError` with the reason and changes nothing. The councils' decisions are the
councils' (`services.council_*`): the selection council's subjects are the valid
applications (`selection_subjects`), the budget appraisal team's subject is the task
(`Task.subject_spec`); the task reads their published results.

Time limits (`task_rules.LIMITS`, the province's version through `_limits`):
- the call is public for 30 days (Art 3(2)); a second call within 06 months of the start of
  the first (Art 3(3)) — the catalogue counts it from the first call's start, as the
  article does, not from the failure;
- opening within 07 working days of the close (Art 7(1));
- the winner revises within 20 days of the council adopting its minutes (Art 11(12)),
  counted from the day the council's result is published;
- the budget appraisal team meets within 10 days of the revised proposal (Art 13(1)(a));
  the host finalises within 15 days of the appraisal (Art 15(1)); the approval decision is
  submitted within 15 days of the finalised dossier (Art 15(3)(a)), its duration including
  at most 03 months to prepare the acceptance dossier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from workflows.audit import audit_record
from workflows.errors import TransitionRefused
from workflows.ledger import deadlines_close_open
from workflows.transitions import case_set, transition_label
from workflows.uploads import CheckedUpload, upload_check

from . import rules, task_access, task_rules
from .models import (
    Application,
    Call,
    Council,
    Decision,
    HostOrganisation,
    Investigator,
    LumpSum,
    Method,
    Stage,
    Task,
    TaskDocument,
)
from .task_services import (
    TaskRefused,
    _acting,
    _council_for,
    _limits,
    _lock,
    _open,
    _published_tally,
    _step,
    _today,
    bar_reasons_for,
)

TT20 = rules.TT20


# --- helpers ----------------------------------------------------------------------------------
def _require(task: Task, transition: str) -> None:
    """The stage allows `transition`, checked before anything else is read or written."""
    if not can_proceed(getattr(task, transition)):
        raise TransitionRefused(
            _("Không thể thực hiện “%(action)s” khi nhiệm vụ đang ở giai đoạn “%(stage)s”.")
            % {"action": transition_label(task, transition), "stage": task.get_stage_display()}
        )


def _current_call(task: Task) -> Call | None:
    return task.calls.order_by("-round").first()


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _host_owner(task: Task):
    """Who a date the host owes warns: the PI's account, else the host's first account,
    else the officer following the task."""
    if task.pi_id and task.pi.user_id:
        return task.pi.user
    if task.host_id:
        user = task.host.users.order_by("id").first()
        if user is not None:
            return user
    return task.officer


def _store(
    task: Task,
    kind: str,
    checked: CheckedUpload,
    *,
    actor,
    title: str,
    application: Application | None = None,
) -> TaskDocument:
    """Store a checked upload as the current document of its kind (the older one kept, no
    longer current). Callers store last, once every check has passed, so a refused step
    leaves no file behind."""
    TaskDocument.objects.filter(
        task=task, kind=kind, application=application, is_current=True
    ).update(is_current=False)
    doc = TaskDocument(
        task=task, application=application, kind=kind, title=title, uploaded_by=actor
    )
    doc.attach(checked)
    try:
        doc.save()
    except BaseException:
        doc.file.delete(save=False)
        raise
    return doc


def _budget(value, label: str, *, positive: bool) -> tuple[int, list[str]]:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0, [_("%(l)s phải là số tiền (đồng).") % {"l": label}]
    if value < 0 or (positive and value == 0):
        return value, [_("%(l)s phải lớn hơn 0.") % {"l": label}]
    return value, []


# --- 1. the call --------------------------------------------------------------------------------
@_acting("open_call")
def task_open_call(
    *,
    task: Task,
    actor,
    opens_on: date | None = None,
    notice_number: str = "",
    conditions: str = "",
) -> Task:
    """The division publishes the call for applications (thông báo tuyển chọn): public for
    30 days (TT 20/2023 Art 3(2)); the opening is due 7 working days after it closes
    (Art 7(1), ledger row "opening"). From PUBLISHED (a task ordered for selection) as
    round 1; from CALL_FAILED as round 2, which must start within 6 months of the start of
    round 1 (Art 3(3)) — later refused with the reason; there is no third call."""
    _require(task, "open_call")
    today = _today()
    opens_on = opens_on or today
    limits = _limits(task)
    calls = list(task.calls.order_by("round"))
    if task.stage == Stage.PUBLISHED and task.method != Method.SELECTION:
        raise TaskRefused(
            _(
                "Nhiệm vụ được đặt hàng theo phương thức giao trực tiếp: không thông báo tuyển "
                "chọn; tổ chức được giao nộp hồ sơ để đưa ra Hội đồng tư vấn."
            ),
            code="direct_assignment",
        )
    problems = []
    first = next((c for c in calls if c.round == 1), None)
    if task.stage == Stage.CALL_FAILED and first is not None:
        if len(calls) >= 2:
            raise TaskRefused(
                _(
                    "Đã thông báo tuyển chọn lần 2 (khoản 3 Điều 3 %(tt)s): không thông báo "
                    "tuyển chọn lần 3."
                )
                % {"tt": TT20},
                code="no_third_call",
            )
        problems += task_rules.second_call_problems(
            first_opens_on=first.opens_on, opens_on=opens_on, limits=limits
        )
        if first.failed_on and opens_on < first.failed_on:
            problems.append(
                _(
                    "Thông báo lần 2 không thể bắt đầu trước ngày xác định thông báo lần 1 "
                    "không có hồ sơ hợp lệ (%(d)s)."
                )
                % {"d": _d(first.failed_on)}
            )
    if task.published_on and opens_on < task.published_on:
        problems.append(
            _("Thông báo tuyển chọn không thể bắt đầu trước ngày công bố danh mục (%(d)s).")
            % {"d": _d(task.published_on)}
        )
    if problems:
        raise TaskRefused(" ".join(problems), code="call_refused")
    number = len(calls) + 1
    closes_on = task_rules.call_closes_on(opens_on, limits=limits)
    opening_due = task_rules.opening_due_on(closes_on, limits=limits)

    def effects(t, *_states):
        Call.objects.create(
            task=t,
            round=number,
            opens_on=opens_on,
            closes_on=closes_on,
            notice_number=(notice_number or "").strip(),
            conditions=(conditions or "").strip(),
        )
        if t.method != Method.SELECTION:  # a direct assignment that failed goes to a call
            case_set(t, method=Method.SELECTION)
        deadlines_close_open(case=t, kinds=["second_call"], on=opens_on)
        _open(t, "opening", opening_due, owner=t.officer)

    return _step(
        task,
        "open_call",
        actor,
        effects=effects,
        data={
            "round": number,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
            "opening_due": opening_due.isoformat(),
        },
    )


# --- 2. applications ----------------------------------------------------------------------------
def task_apply(
    *,
    actor,
    task: Task,
    host: HostOrganisation,
    pi: Investigator,
    state_budget: int,
    proposal,
    participants: Sequence[Investigator] = (),
    other_budget: int = 0,
) -> Application:
    """A user of `host` files its application online (TT 20/2023 Arts 5–6): the PI, the
    participants, the budget requested from the state and from other sources, and the
    proposal (thuyết minh), checked on its content (`workflows.uploads`). Accepted while
    the call is open (its last day included); refused after it closes. For a direct
    assignment (a PUBLISHED task of method DIRECT) the designated organisation — the task's
    proposer — files its single dossier the same way (Art 21(2)). A new filing by the same
    organisation replaces its earlier one (Art 6(3)). The host and the PI are refused with
    the reasons when a "Không đạt" or an acceptance dossier more than 30 days late bars
    them (`bar_reasons_for`; Art 4(2)(c), 4(4)(b))."""
    checked = upload_check(proposal, label=_("Thuyết minh nhiệm vụ"))
    with transaction.atomic():
        locked = _lock(task.pk)
        task_access.step_authorize(locked, "apply", actor, organisation=host)
        today = _today()
        call = None
        if locked.stage == Stage.CALL_OPEN:
            call = _current_call(locked)
            if today < call.opens_on:
                raise TaskRefused(
                    _("Thông báo tuyển chọn bắt đầu nhận hồ sơ từ ngày %(d)s.")
                    % {"d": _d(call.opens_on)},
                    code="call_not_open",
                )
            if today > call.closes_on:
                raise TaskRefused(
                    _(
                        "Đã hết thời hạn nhận hồ sơ đăng ký tuyển chọn (hết ngày %(d)s, khoản 2 "
                        "Điều 3 %(tt)s); hồ sơ nộp ngày %(on)s không được nhận."
                    )
                    % {"d": _d(call.closes_on), "tt": TT20, "on": _d(today)},
                    code="call_closed",
                )
        elif locked.stage == Stage.PUBLISHED and locked.method == Method.DIRECT:
            if host.pk != (locked.host_id or locked.proposer_id):
                raise TaskRefused(
                    _("Nhiệm vụ giao trực tiếp: chỉ tổ chức được giao nộp hồ sơ."),
                    code="not_designated",
                )
        else:
            raise TransitionRefused(
                _("Nhiệm vụ không nhận hồ sơ đăng ký khi đang ở giai đoạn “%(s)s”.")
                % {"s": locked.get_stage_display()}
            )
        state_budget, problems = _budget(
            state_budget, _("Kinh phí đề nghị từ ngân sách nhà nước"), positive=True
        )
        other_budget, more = _budget(other_budget, _("Kinh phí từ nguồn khác"), positive=False)
        problems += more
        if pi is None:
            problems.append(_("Cần ghi chủ nhiệm nhiệm vụ."))
        if problems:
            raise TaskRefused(" ".join(problems), code="application_invalid")
        reasons = bar_reasons_for(host=host, pi=pi, on=today)
        if reasons:
            raise TaskRefused(" ".join(reasons), code="barred")
        team = list({p.pk: p for p in participants if p.pk != pi.pk}.values())
        # the task row is locked: no other filing of this organisation runs meanwhile
        app = Application.objects.filter(task=locked, call=call, host=host).order_by("pk").first()
        replaces = app is not None
        if app is None:
            app = Application(task=locked, call=call, host=host)
        app.pi, app.submitted_at, app.submitted_by = pi, timezone.now(), actor
        app.state_budget, app.other_budget = state_budget, other_budget
        app.save()
        app.participants.set(team)
        doc = _store(
            locked,
            TaskDocument.Kind.APPLICATION,
            checked,
            actor=actor,
            title=_("Thuyết minh nhiệm vụ – %(h)s") % {"h": host.name},
            application=app,
        )
        audit_record(
            case=locked,
            actor=actor,
            action="apply",
            from_state=locked.stage,
            to_state=locked.stage,
            data={
                "application": app.pk,
                "host": host.name,
                "pi": pi.full_name,
                "state_budget": state_budget,
                "round": call.round if call else None,
                "replaces": replaces,
                "document": doc.pk,
            },
        )
        return app


def _clean_attendees(attendees: Sequence) -> list[dict]:
    out = []
    for a in attendees or ():
        if isinstance(a, Mapping):
            name, position = str(a.get("name", "")), str(a.get("position", ""))
        else:
            name, position = str(a), ""
        name, position = " ".join(name.split()), " ".join(position.split())
        if name:
            out.append({"name": name, "position": position})
    return out


def _clean_verdicts(apps: list[Application], verdicts: Sequence[Mapping]) -> dict[int, tuple]:
    by_id = {a.pk: a for a in apps}
    out, problems = {}, []
    for v in verdicts or ():
        ref = v.get("application")
        pk = getattr(ref, "pk", ref)
        if isinstance(pk, str) and pk.isdigit():  # an id from a form or the API
            pk = int(pk)
        if pk not in by_id:
            problems.append(_("Hồ sơ %(r)s không thuộc thông báo tuyển chọn này.") % {"r": pk})
            continue
        valid, reason = bool(v.get("valid")), " ".join(str(v.get("reason") or "").split())
        if not valid and not reason:
            problems.append(
                _("Cần ghi lý do hồ sơ của %(h)s không hợp lệ.") % {"h": by_id[pk].host.name}
            )
        out[pk] = (valid, "" if valid else reason)
    missing = [a.host.name for a in apps if a.pk not in out]
    if missing:
        problems.append(
            _("Chưa kết luận tính hợp lệ của hồ sơ: %(h)s.") % {"h": "; ".join(missing)}
        )
    if problems:
        raise TaskRefused(" ".join(problems), code="verdicts_invalid")
    return out


@_acting("open_applications")
def task_open_applications(
    *,
    task: Task,
    actor,
    attendees: Sequence,
    verdicts: Sequence[Mapping] = (),
    on: date | None = None,
    note: str = "",
) -> Task:
    """The division opens the applications after the call closes, within 7 working days
    (TT 20/2023 Art 7(1); a later opening is recorded as missed), and records the opening
    record (biên bản mở hồ sơ, Art 7(2)): who attended (`attendees`: name and position)
    and, for every application, valid or not with the reason (`verdicts`: application,
    valid, reason). With no valid application (or none at all) the call fails
    (`task_call_fails`, Art 3(3)(a)–(b))."""
    _require(task, "open_applications")
    today = _today()
    on = on or today
    call = _current_call(task)
    if on <= call.closes_on:
        raise TaskRefused(
            _("Chỉ mở hồ sơ sau khi kết thúc thời hạn nhận hồ sơ (hết ngày %(d)s).")
            % {"d": _d(call.closes_on)},
            code="call_still_open",
        )
    if on > today:
        raise TaskRefused(_("Ngày mở hồ sơ không thể sau hôm nay."), code="future_date")
    people = _clean_attendees(attendees)
    if not people:
        raise TaskRefused(
            _("Cần ghi thành phần tham dự mở hồ sơ (họ tên, chức vụ)."),
            code="attendees_required",
        )
    apps = list(call.applications.select_related("host", "pi"))
    decided = _clean_verdicts(apps, verdicts)
    valid = [a for a in apps if decided[a.pk][0]]

    def effects(t, *_states):
        for a in apps:
            a.valid, a.invalid_reason = decided[a.pk]
        Application.objects.bulk_update(apps, ["valid", "invalid_reason"])
        call.opened_on, call.opening_attendees, call.opening_record = on, people, note.strip()
        call.save(update_fields=["opened_on", "opening_attendees", "opening_record"])
        deadlines_close_open(case=t, kinds=["opening"], on=on)

    task = _step(
        task,
        "open_applications",
        actor,
        effects=effects,
        data={
            "round": call.round,
            "opened_on": on.isoformat(),
            "received": len(apps),
            "valid": [a.pk for a in valid],
            "invalid": {str(a.pk): decided[a.pk][1] for a in apps if not decided[a.pk][0]},
        },
    )
    if valid:
        return task
    reason = (
        _("Không có hồ sơ đăng ký tuyển chọn hợp lệ khi mở hồ sơ ngày %(d)s.")
        if apps
        else _("Không có hồ sơ đăng ký tuyển chọn khi hết thời hạn nhận hồ sơ (mở ngày %(d)s).")
    ) % {"d": _d(on)}
    return task_call_fails(task=task, actor=actor, reason=reason, on=on)


@_acting("call_fails")
def task_call_fails(*, task: Task, actor, reason: str, on: date | None = None) -> Task:
    """The call fails — no application, no valid one, or no winner (TT 20/2023 Art
    3(3)(a)–(c)) — with the reason. After a first call the second call is due within 6
    months of the first call's start (ledger row "second_call")."""
    _require(task, "call_fails")
    if not (reason or "").strip():
        raise TaskRefused(_("Cần ghi rõ lý do không có hồ sơ hợp lệ."), code="reason_required")
    on = on or _today()
    call = _current_call(task)
    limits = _limits(task)
    second_due = (
        task_rules.second_call_latest_on(call.opens_on, limits=limits)
        if call is not None and call.round == 1
        else None
    )

    def effects(t, *_states):
        if call is not None:
            call.failed_on, call.failure_reason = on, reason.strip()
            call.save(update_fields=["failed_on", "failure_reason"])
        deadlines_close_open(case=t, cancel_kinds=["opening"], on=on)
        if second_due:
            _open(t, "second_call", second_due, owner=t.officer)

    return _step(
        task,
        "call_fails",
        actor,
        note=reason.strip(),
        effects=effects,
        data={
            "round": call.round if call else None,
            "second_call_due": second_due.isoformat() if second_due else None,
        },
    )


# --- 3. the selection council ------------------------------------------------------------------
def _app_type() -> ContentType:
    return ContentType.objects.get_for_model(Application)


def application_subject(app: Application) -> dict:
    """The `council_create` subject of an application: its parties (conflicts of interest),
    its state budget, whether its host proposed the task (+10 %), and whether its host or PI
    had a task rated "Xuất sắc" within 5 years (the tie-breaks, TT 20/2023 Art 11(7)–(8))."""
    task = app.task
    filed = timezone.localdate(app.submitted_at)
    since = task_rules.excellent_since(filed, limits=_limits(task))
    excellent = (
        Task.objects.filter(Q(host_id=app.host_id) | Q(pi_id=app.pi_id))
        .filter(acceptance_class=rules.XUAT_SAC, concluded_on__gte=since, concluded_on__lte=filed)
        .exists()
    )
    return {
        "title": f"{app.host.name} – {task.title}"[:400],
        "pi_name": app.pi.full_name,
        "participants": [p.full_name for p in app.participants.all()],
        "host_organisation": app.host.name,
        "task_type": task.task_type,
        "state_budget": app.state_budget,
        "host_proposed": app.host_id == task.proposer_id,
        "past_excellent": excellent,
        "target": app,
    }


def _candidates(task: Task) -> list[Application]:
    """What the selection council judges: the valid applications of the current call, or
    (direct assignment, before any call) the designated host's dossier."""
    qs = Application.objects.select_related("task", "host", "pi").prefetch_related("participants")
    if task.stage == Stage.APPLICATIONS_OPENED:
        return list(qs.filter(call=_current_call(task), valid=True).order_by("submitted_at", "id"))
    return list(qs.filter(task=task, call__isnull=True))


def selection_subjects(task: Task) -> list[dict]:
    """The subjects the secretary sets the selection council up with (`council_create`)."""
    return [application_subject(a) for a in _candidates(task)]


@_acting("send_to_selection")
def task_send_to_selection(*, task: Task, actor, council: Council) -> Task:
    """Put the task before a selection council (Hội đồng tư vấn tuyển chọn, giao trực tiếp)
    whose subjects are exactly the valid applications of the call (each with its host, PI,
    participants and budget: `selection_subjects`) — or, for a direct assignment (from
    PUBLISHED), the designated host's single dossier."""
    _require(task, "send_to_selection")
    if task.stage == Stage.PUBLISHED and task.method != Method.DIRECT:
        raise TaskRefused(
            _("Nhiệm vụ tuyển chọn: cần thông báo tuyển chọn và mở hồ sơ trước."),
            code="call_required",
        )
    expected = {a.pk: a for a in _candidates(task)}
    if not expected:
        raise TaskRefused(
            _("Tổ chức được giao trực tiếp chưa nộp hồ sơ."), code="no_direct_dossier"
        )
    council = Council.objects.select_related("kind").get(pk=council.pk)
    if council.kind.code != "selection":
        raise TaskRefused(
            _("Cần một Hội đồng tư vấn tuyển chọn, giao trực tiếp."), code="wrong_council_kind"
        )
    if council.meeting_on is None:
        raise TaskRefused(_("Hội đồng chưa có ngày họp."), code="no_meeting_date")
    app_type = _app_type()
    subjects = list(council.subjects.all())
    targeted = {
        int(s.target_id) for s in subjects if s.target_type_id == app_type.pk and s.target_id
    }
    missing = [a.host.name for pk, a in expected.items() if pk not in targeted]
    foreign = [s.title for s in subjects if s.target_type_id != app_type.pk] + [
        s.title
        for s in subjects
        if s.target_type_id == app_type.pk and s.target_id and int(s.target_id) not in expected
    ]
    if missing or foreign:
        problems = []
        if missing:
            problems.append(
                _("Hội đồng chưa có hồ sơ hợp lệ của: %(h)s.") % {"h": "; ".join(missing)}
            )
        if foreign:
            problems.append(
                _("Hội đồng có đối tượng không phải hồ sơ hợp lệ của nhiệm vụ: %(s)s.")
                % {"s": "; ".join(foreign)}
            )
        raise TaskRefused(" ".join(problems), code="subjects_mismatch")

    def effects(t, *_states):
        case_set(t, selection_council_id=council.pk)

    return _step(
        task,
        "send_to_selection",
        actor,
        effects=effects,
        data={"council": council.code, "applications": sorted(expected)},
    )


@_acting("select")
def task_select(*, task: Task, actor) -> Task:
    """Read the published result of the selection council the task was sent to: the
    winning application sets the task's host, PI, participants and budget, and the winner
    revises the proposal within 20 days of the result (TT 20/2023 Art 11(12), ledger row
    "revision" owned by the PI or the host). No application reaching 70/100 → the call
    fails (`task_call_fails`)."""
    _require(task, "select")
    council = (
        Council.objects.select_related("kind").get(pk=task.selection_council_id)
        if task.selection_council_id
        else None
    )
    tally = _published_tally(council) if council else None
    if tally is None:
        raise TaskRefused(
            _("Chưa có kết quả đã công bố của Hội đồng tư vấn tuyển chọn, giao trực tiếp."),
            code="no_selection_result",
        )
    if tally.outcome == "tie":
        raise TaskRefused(
            _(
                "Các hồ sơ bằng nhau trên mọi tiêu chí ưu tiên (điểm b khoản 8 Điều 11 %(tt)s): "
                "Hội đồng cần kết luận hồ sơ trúng tuyển."
            )
            % {"tt": TT20},
            code="tie",
        )
    today = _today()
    if not tally.outcome.startswith("winner:"):
        return task_call_fails(
            task=task,
            actor=actor,
            reason=_(
                "Hội đồng tư vấn %(c)s không kiến nghị hồ sơ trúng tuyển (không có hồ sơ đạt từ "
                "70/100 điểm, khoản 8 Điều 11 %(tt)s)."
            )
            % {"c": council.code, "tt": TT20},
            on=today,
        )
    subject = council.subjects.get(pk=int(tally.outcome.split(":", 1)[1]))
    app = (
        Application.objects.select_related("host", "pi", "pi__user")
        .filter(pk=int(subject.target_id or 0), task=task)
        .first()
    )
    if app is None:
        raise TaskRefused(
            _("Hồ sơ trúng tuyển không thuộc nhiệm vụ này."), code="winner_not_of_task"
        )
    base = council.published_on or council.meeting_on or today
    due = task_rules.revision_due_on(base, limits=_limits(task))
    team = list(app.participants.all())

    def effects(t, *_states):
        app.winner = True
        app.save(update_fields=["winner"])
        case_set(
            t,
            host=app.host,
            pi=app.pi,
            state_budget=app.state_budget,
            other_budget=app.other_budget,
        )
        t.participants.set(team)
        _open(t, "revision", due, owner=_host_owner(t))

    return _step(
        task,
        "select",
        actor,
        effects=effects,
        data={
            "council": council.code,
            "winner": app.pk,
            "host": app.host.name,
            "pi": app.pi.full_name,
            "revision_due": due.isoformat(),
        },
    )


# --- 4. revision and budget appraisal ------------------------------------------------------------
def _host_files(
    task: Task,
    actor,
    upload,
    *,
    transition: str,
    kind: str,
    title: str,
    closes: str,
    opens: str,
    due_on,
    explanation: str,
) -> Task:
    """The host files a document of `kind` (content-checked): the row `closes` closes (met
    or missed: a late filing is recorded, not refused) and the division's row `opens`
    opens, due `due_on(today)`."""
    _require(task, transition)
    checked = upload_check(upload, label=title)
    on = _today()
    due = due_on(on, limits=_limits(task))

    def effects(t, *_states):
        deadlines_close_open(case=t, kinds=[closes], on=on)
        _open(t, opens, due, owner=t.officer)
        _store(t, kind, checked, actor=actor, title=title)

    return _step(
        task,
        transition,
        actor,
        note=(explanation or "").strip(),
        effects=effects,
        data={f"{opens}_due": due.isoformat()},
    )


@_acting("submit_revision")
def task_submit_revision(*, task: Task, actor, proposal, explanation: str = "") -> Task:
    """The host files the proposal (thuyết minh) revised as the council concluded, with its
    explanation (TT 20/2023 Art 11(12)); a filing after the 20 days is recorded as missed.
    The budget appraisal team meets within 10 days (Art 13(1)(a), row "budget_meeting")."""
    return _host_files(
        task,
        actor,
        proposal,
        transition="submit_revision",
        kind=TaskDocument.Kind.REVISION,
        title=_("Thuyết minh hoàn thiện theo kết luận của Hội đồng tư vấn"),
        closes="revision",
        opens="budget_meeting",
        due_on=task_rules.budget_meeting_due_on,
        explanation=explanation,
    )


@_acting("appraise_budget")
def task_appraise_budget(*, task: Task, actor) -> Task:
    """Read the published conclusion of the budget appraisal team (Tổ thẩm định kinh phí, a
    council of kind budget_appraisal with its 5 members) whose subject is the task; its
    meeting closes the "budget_meeting" row (met if within 10 days), and the host
    finalises within 15 days of the appraisal (TT 20/2023 Art 15(1), row "budget_finalise")."""
    _require(task, "appraise_budget")
    council = _council_for(task, "budget_appraisal")
    tally = _published_tally(council) if council else None
    if tally is None:
        raise TaskRefused(
            _("Chưa có kết luận đã công bố của Tổ thẩm định kinh phí (điều 13, 14 %(tt)s).")
            % {"tt": TT20},
            code="no_budget_conclusion",
        )
    conclusion = (tally.data or {}).get("conclusion") or council.conclusion
    met_on = council.meeting_on or council.published_on
    base = council.published_on or met_on
    due = task_rules.budget_finalise_due_on(base, limits=_limits(task))

    def effects(t, *_states):
        deadlines_close_open(case=t, kinds=["budget_meeting"], on=met_on)
        _open(t, "budget_finalise", due, owner=_host_owner(t))

    return _step(
        task,
        "appraise_budget",
        actor,
        effects=effects,
        data={
            "council": council.code,
            "conclusion": conclusion,
            "met_on": met_on.isoformat() if met_on else None,
            "finalise_due": due.isoformat(),
        },
    )


@_acting("finalise")
def task_finalise(*, task: Task, actor, dossier, explanation: str = "") -> Task:
    """The host files the dossier finalised as the budget appraisal team concluded, with its
    explanation (TT 20/2023 Art 15(1)); a filing after the 15 days is recorded as missed.
    The division submits the approval decision within 15 days (Art 15(3)(a), row
    "budget_approval")."""
    return _host_files(
        task,
        actor,
        dossier,
        transition="finalise",
        kind=TaskDocument.Kind.FINALISED,
        title=_("Hồ sơ hoàn thiện theo kết luận của Tổ thẩm định kinh phí"),
        closes="budget_finalise",
        opens="budget_approval",
        due_on=task_rules.budget_approval_due_on,
        explanation=explanation,
    )


# --- 5. the approval decision ---------------------------------------------------------------------
@_acting("approve_host")
def task_approve_host(
    *,
    task: Task,
    actor,
    number: str,
    signed_on: date,
    signer: str,
    host: HostOrganisation,
    pi: Investigator,
    state_budget: int,
    lump_sum: str,
    duration_months: int,
    acceptance_prep_months: int,
    other_budget: int = 0,
    submitted_on: date | None = None,
    title: str = "",
) -> Task:
    """A leader records the People's Committee's decision approving the host, the PI, the
    budget, the lump-sum mode (khoán chi) and the duration in months, which includes at
    most 3 months to prepare the acceptance dossier (TT 20/2023 Art 15(3)(a)). The
    "budget_approval" row closes on the day the division submitted it (`submitted_on`,
    by default the signature). The task then waits for its contract
    (`task_sign_contract`)."""
    _require(task, "approve_host")
    number, signer = (number or "").strip(), (signer or "").strip()
    problems = []
    if not number or not signer or signed_on is None:
        problems.append(_("Cần ghi số, ngày ký và người ký quyết định phê duyệt."))
    elif signed_on > _today():
        problems.append(_("Ngày ký quyết định không thể sau hôm nay."))
    submitted_on = submitted_on or signed_on
    if signed_on and submitted_on and submitted_on > signed_on:
        problems.append(_("Ngày trình không thể sau ngày ký quyết định."))
    if host is None or host.pk != task.host_id:
        problems.append(
            _("Quyết định phê duyệt giao cho tổ chức chủ trì trúng tuyển (%(h)s).")
            % {"h": task.host.name if task.host_id else "…"}
        )
    if pi is None or pi.pk != task.pi_id:
        problems.append(
            _("Quyết định phê duyệt giao cho chủ nhiệm trúng tuyển (%(p)s).")
            % {"p": task.pi.full_name if task.pi_id else "…"}
        )
    state_budget, more = _budget(state_budget, _("Kinh phí từ ngân sách nhà nước"), positive=True)
    problems += more
    other_budget, more = _budget(other_budget, _("Kinh phí từ nguồn khác"), positive=False)
    problems += more
    if lump_sum not in LumpSum.values:
        problems.append(
            _("Cần chọn phương thức khoán chi: đến sản phẩm cuối cùng hoặc khoán chi từng phần.")
        )
    problems += task_rules.duration_problems(
        duration_months=duration_months,
        prep_months=acceptance_prep_months,
        limits=_limits(task),
    )
    if number and signed_on:
        other = Decision.objects.filter(number=number, signed_on=signed_on).first()
        if other is not None and other.kind != Decision.Kind.HOST_APPROVAL:
            problems.append(
                _("Số quyết định %(n)s ngày %(d)s đã được dùng cho quyết định khác.")
                % {"n": number, "d": _d(signed_on)}
            )
    if problems:
        raise TaskRefused(" ".join(problems), code="approval_invalid")

    def effects(t, *_states):
        decision, _created = Decision.objects.get_or_create(
            number=number,
            signed_on=signed_on,
            defaults={
                "kind": Decision.Kind.HOST_APPROVAL,
                "signer": signer,
                "title": title
                or _("Phê duyệt tổ chức chủ trì, chủ nhiệm, kinh phí nhiệm vụ %(c)s")
                % {"c": t.code},
            },
        )
        case_set(
            t,
            host_decision_id=decision.pk,
            state_budget=state_budget,
            other_budget=other_budget,
            lump_sum=lump_sum,
            duration_months=duration_months,
            acceptance_prep_months=acceptance_prep_months,
        )
        deadlines_close_open(case=t, kinds=["budget_approval"], on=submitted_on)

    return _step(
        task,
        "approve_host",
        actor,
        effects=effects,
        data={
            "decision": f"{number} ({_d(signed_on)})",
            "state_budget": state_budget,
            "lump_sum": lump_sum,
            "duration_months": duration_months,
            "acceptance_prep_months": acceptance_prep_months,
        },
    )


__all__ = [
    "application_subject",
    "selection_subjects",
    "task_appraise_budget",
    "task_apply",
    "task_approve_host",
    "task_call_fails",
    "task_finalise",
    "task_open_applications",
    "task_open_call",
    "task_select",
    "task_send_to_selection",
    "task_submit_revision",
]
