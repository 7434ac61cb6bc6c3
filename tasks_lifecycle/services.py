"""Every change to a council: one service per action.

Each service takes the acting user explicitly, runs in one transaction, locks the
council row, decides who may act (`tasks_lifecycle.access`, through `@_acting`), checks
the state, and performs the FSM transition through `workflows.transitions.
transition_perform` (audit row, ledger changes, outbox rows, flow sync in the same
transaction). Actions that do not move the council's status (a member's declaration,
review or ballot) write their own audit row. Views, the API and the flows call only
these.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notifications_enqueue
from workflows.audit import audit_record
from workflows.calendar import add_working_days
from workflows.errors import DomainError, TransitionRefused
from workflows.ledger import deadline_open, deadlines_close_open
from workflows.selectors import division_by_code
from workflows.sql import sequence_next
from workflows.transitions import mark_held, transition_perform
from workflows.uploads import upload_check

from . import access, rules
from .models import (
    PROCEDURE_CODE,
    Attendance,
    Ballot,
    BallotForm,
    Council,
    CouncilKind,
    CouncilSubject,
    Expert,
    Membership,
    Paper,
    PaperRead,
    Review,
    Status,
    Tally,
)

STAFF_CHANNELS = ["in_app", "email"]
BOARD_SIZE = 3  # TT 20/2023 Art 11(5)(đ); TT 11/2014 Art 10(5)(c)
PRE_MEETING = (Status.SETUP, Status.CONSTITUTED, Status.PAPERS_SENT)
PRE_MEETING_ROWS = ("papers_due", "meeting_due", "questions_due", "review_due", "review_watch")
INSPECTION_OUTCOMES = {
    "on_track": "Đúng tiến độ",
    "adjust": "Cần điều chỉnh",
    "terminate": "Đề nghị chấm dứt hợp đồng",
}


class CouncilRefused(DomainError):
    code = "council_refused"


# --- who may act ------------------------------------------------------------------------
def _lock(pk: int) -> Council:
    return mark_held(
        Council.objects.select_for_update(of=("self",)).select_related("kind").get(pk=pk)
    )


def _acting(who: str):
    """The service acts on the council as `who` ("secretary" or "member"): in one
    transaction the council row is locked and the actor checked, whatever the door."""

    def decorate(service):
        @functools.wraps(service)
        def checked(**kwargs):
            council = kwargs["council"]
            with transaction.atomic():
                locked = _lock(council.pk)
                if who == "secretary":
                    access.secretary_authorize(locked, kwargs.get("actor"))
                else:
                    kwargs["membership"] = access.member_authorize(locked, kwargs.get("actor"))
                kwargs["council"] = locked
                return service(**kwargs)

        return checked

    return decorate


def _today() -> date:
    return timezone.localdate()


def _next_number(key: str) -> int:
    return sequence_next(f"tasks_lifecycle:{key}")


def _require(council: Council, *states: str, action: str) -> None:
    if council.status not in states:
        raise TransitionRefused(
            _("Không thể %(action)s khi hội đồng đang ở trạng thái “%(state)s”.")
            % {"action": action, "state": council.get_status_display()}
        )


def _note(council: Council, actor, action: str, *, data: dict | None = None, note: str = ""):
    audit_record(
        case=council,
        actor=actor,
        action=action,
        from_state=council.status,
        to_state=council.status,
        note=note,
        data=data,
    )


def _active(council: Council):
    return (
        council.memberships.filter(removed_at__isnull=True)
        .select_related("expert__user", "reviews_subject")
        .order_by("id")
    )


def _flow_sync(council: Council, *_rest) -> None:
    from . import flows  # late import: flows → views → services

    flows.flow_sync_locked(council)


def _perform(council: Council, transition: str, actor, *, effects=None, note="", data=None):
    return transition_perform(
        case=council,
        transition=transition,
        actor=actor,
        note=note,
        effects=effects,
        audit_data=data,
        after=_flow_sync,
    )


# --- ledger -----------------------------------------------------------------------------
def _open(council: Council, kind: str, due: date, title: str, owner) -> None:
    deadline_open(
        case=council,
        kind=kind,
        due_date=due,
        title=f"{council.code}: {title}",
        procedure_version=council.kind.procedure_version,
        procedure_code=PROCEDURE_CODE,
        dossier_code=council.code,
        owner_user=owner,
        owner_division=getattr(owner, "division", None)
        or division_by_code(access.MANAGING_DIVISION),
    )


def _reviewers_due(council: Council) -> list[Membership]:
    """Who owes a written review: every member on an acceptance council (TT 11/2014 Art
    10(2)(a): all written reviews), the reviewers elsewhere."""
    members = list(_active(council))
    if council.kind.reviews_lead_working_days:
        return members
    return [m for m in members if m.role == rules.REVIEWER]


def _review_titles(council: Council, m: Membership) -> tuple[str, str]:
    """The titles of one member's review rows: theirs, and the secretary's watch."""
    name = m.expert.full_name
    return (
        f"{council.code}: " + _("Nộp phiếu nhận xét (%(n)s)") % {"n": name},
        f"{council.code}: " + _("Theo dõi phiếu nhận xét của %(n)s") % {"n": name},
    )


def _review_ref(m: Membership) -> str:
    """The ledger's key of one member's review rows within the council."""
    return f"membership:{m.pk}"


def _open_review_rows(council: Council, members: Sequence[Membership]) -> None:
    rule = council.kind.rule()
    due = rules.reviews_due_on(council.meeting_on, rule, add_working_days=add_working_days)
    for m in members:
        mine, watch = _review_titles(council, m)
        for kind, title, owner in (
            ("review_due", mine, m.expert.user),
            ("review_watch", watch, council.secretary),
        ):
            deadline_open(
                case=council,
                kind=kind,
                due_date=due,
                title=title,
                procedure_version=council.kind.procedure_version,
                procedure_code=PROCEDURE_CODE,
                dossier_code=council.code,
                owner_user=owner,
                owner_division=getattr(owner, "division", None)
                or division_by_code(access.MANAGING_DIVISION),
                ref=_review_ref(m),
            )


# --- set-up -----------------------------------------------------------------------------
SUBJECT_FIELDS = (
    "title",
    "pi_name",
    "participants",
    "host_organisation",
    "task_type",
    "host_proposed",
    "state_budget",
    "past_excellent",
    "contract_end",
    "dossier_submitted_on",
)


def council_create(
    *,
    actor,
    kind: str,
    title: str,
    meeting_on: date | None,
    subjects: Sequence[Mapping],
    meeting_place: str = "",
    decision_number: str = "",
    decision_date: date | None = None,
    decision_signer: str = "",
    target=None,
) -> Council:
    """The secretary sets up a council: its kind, what it decides, the meeting date."""
    with transaction.atomic():
        access.secretary_authorize(None, actor)
        council_kind = CouncilKind.objects.filter(code=kind).first()
        if council_kind is None:
            raise CouncilRefused(_("Loại hội đồng không có trong danh mục."), code="unknown_kind")
        if not subjects:
            raise CouncilRefused(
                _("Hội đồng cần ít nhất một đối tượng đánh giá (đề xuất, hồ sơ, nhiệm vụ)."),
                code="no_subject",
            )
        today = _today()
        council = Council(
            kind=council_kind,
            code=f"HD-{today.year}-{_next_number(f'council-{today.year}'):04d}",
            title=title.strip(),
            meeting_on=meeting_on,
            meeting_place=meeting_place,
            decision_number=decision_number,
            decision_date=decision_date,
            decision_signer=decision_signer,
            secretary=actor,
        )
        if target is not None:
            council.target_type, council.target_id = _link(target)
        council.save()
        for i, spec in enumerate(subjects):
            subject = CouncilSubject(
                council=council,
                position=i,
                **{f: spec[f] for f in SUBJECT_FIELDS if f in spec and spec[f] is not None},
            )
            if spec.get("target") is not None:  # the record it decides (an S&T task)
                subject.target_type, subject.target_id = _link(spec["target"])
            subject.save()
        audit_record(case=council, actor=actor, action="create", to_state=council.status)
        _flow_start(council)
        return council


def _link(record) -> tuple:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(record), str(record.pk)


def _flow_start(council: Council) -> None:
    from . import flows

    flows.flow_start_locked(council)


def member_conflicts(council: Council, expert: Expert, role: str) -> list[str]:
    """Why `expert` may not sit on `council` in `role` ([] if they may)."""
    subjects = [s.conflict_view() for s in council.subjects.all()]
    return rules.conflict_reasons(
        expert.conflict_view(), subjects, kind=council.kind.rule(), role=role
    )


@_acting("secretary")
def council_member_add(
    *, council: Council, actor, expert: Expert, role: str, reviews_subject=None
) -> Membership:
    """Add a member from the pool; a conflict of interest is refused with its reason."""
    _require(council, Status.SETUP, action=_("thêm thành viên"))
    if role not in rules.ROLES:
        raise CouncilRefused(_("Vai trò không hợp lệ."), code="bad_role")
    if not expert.is_active:
        raise CouncilRefused(_("Chuyên gia này không còn trong cơ sở dữ liệu."), code="inactive")
    reasons = member_conflicts(council, expert, role)
    if reasons:
        raise CouncilRefused(
            _("Không được mời %(name)s: %(reasons)s")
            % {"name": expert.full_name, "reasons": " ".join(reasons)},
            code="conflict_of_interest",
        )
    active = list(_active(council))
    if any(m.expert_id == expert.pk for m in active):
        raise CouncilRefused(
            _("%(name)s đã là thành viên của hội đồng: mỗi người chỉ giữ một vai trò.")
            % {"name": expert.full_name},
            code="one_role_per_person",
        )
    rule = council.kind.rule()
    if len(active) >= rule.size_max:
        raise CouncilRefused(
            _("%(kind)s có tối đa %(max)02d thành viên (%(basis)s).")
            % {"kind": rule.name, "max": rule.size_max, "basis": rule.size_basis},
            code="too_many_members",
        )
    if role == rules.REVIEWER:
        if reviews_subject is None:
            reviews_subject = council.subjects.order_by("position", "id").first()
        elif reviews_subject.council_id != council.pk:
            raise CouncilRefused(
                _("Đối tượng phản biện không thuộc hội đồng này."), code="bad_subject"
            )
    else:
        reviews_subject = None
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                council=council, expert=expert, role=role, reviews_subject=reviews_subject
            )
    except IntegrityError as exc:
        raise CouncilRefused(
            _("%(name)s đã là thành viên của hội đồng.") % {"name": expert.full_name},
            code="one_role_per_person",
        ) from exc
    _note(council, actor, "member_add", data={"expert": expert.pk, "role": role})
    return membership


@_acting("secretary")
def council_member_remove(*, council: Council, actor, membership: Membership, reason: str) -> None:
    _require(council, Status.SETUP, action=_("rút thành viên"))
    if membership.council_id != council.pk or membership.removed_at is not None:
        raise CouncilRefused(_("Thành viên không thuộc hội đồng này."), code="not_a_member")
    membership.removed_at = timezone.now()
    membership.removed_reason = reason or _("Thư ký rút khỏi danh sách khi lập hội đồng.")
    membership.save(update_fields=["removed_at", "removed_reason"])
    _note(council, actor, "member_remove", data={"membership": membership.pk}, note=reason)


def composition_of(council: Council) -> list[str]:
    members = list(_active(council))
    subjects = list(council.subjects.order_by("position", "id").values_list("id", flat=True))
    index = {pk: i for i, pk in enumerate(subjects)}
    reviewers = [index[m.reviews_subject_id] for m in members if m.role == rules.REVIEWER]
    if council.kind.ballot_form == BallotForm.SELECTION:
        # the applications compete for one task: 2 reviewers for the task (TT 20/2023
        # Art 8(1)(a)), who review every application
        subjects, reviewers = subjects[:1], [0] * len(reviewers)
    return rules.composition_problems(
        council.kind.rule(),
        roles=[m.role for m in members],
        reviewer_subjects=reviewers,
        subjects=len(subjects),
        person_ids=[m.expert_id for m in members],
    )


@_acting("secretary")
def council_constitute(
    *,
    council: Council,
    actor,
    decision_number: str = "",
    decision_date: date | None = None,
    meeting_on: date | None = None,
) -> Council:
    """The decision setting up the council: the composition is checked against the kind,
    and the ledger rows of papers, reviews and the meeting open."""
    _require(council, Status.SETUP, action=_("thành lập hội đồng"))
    council.decision_number = decision_number or council.decision_number
    council.decision_date = decision_date or council.decision_date
    council.meeting_on = meeting_on or council.meeting_on
    missing = []
    if not council.decision_number or not council.decision_date:
        missing.append(_("số và ngày quyết định thành lập"))
    if not council.meeting_on:
        missing.append(_("ngày họp"))
    if missing:
        raise CouncilRefused(
            _("Cần nhập %(what)s.") % {"what": ", ".join(missing)}, code="missing_data"
        )
    problems = composition_of(council)
    if problems:
        raise CouncilRefused(" ".join(problems), code="composition")
    rule = council.kind.rule()
    if rule.meeting_within_days:
        limit = council.decision_date + timedelta(days=rule.meeting_within_days)
        if council.meeting_on > limit:
            raise CouncilRefused(
                _(
                    "Phiên họp phải tổ chức trong %(n)d ngày kể từ ngày quyết định thành lập "
                    "(%(basis)s): chậm nhất ngày %(d)s."
                )
                % {
                    "n": rule.meeting_within_days,
                    "basis": rule.legal_basis,
                    "d": f"{limit:%d/%m/%Y}",
                },
                code="meeting_too_late",
            )

    def effects(case, *_states):
        from workflows.transitions import case_set

        case_set(
            case,
            decision_number=council.decision_number,
            decision_date=council.decision_date,
            meeting_on=council.meeting_on,
        )
        papers_due = rules.papers_due_on(case.meeting_on, rule, add_working_days=add_working_days)
        _open(case, "papers_due", papers_due, _("Gửi tài liệu họp"), case.secretary)
        _open(case, "meeting_due", case.meeting_on, _("Tổ chức phiên họp"), case.secretary)
        if rule.questions_lead_working_days:  # TT 20/2023 Art 10(3)(c)
            due = add_working_days(case.meeting_on, -rule.questions_lead_working_days)
            _open(case, "questions_due", due, _("Nhận câu hỏi của thành viên"), case.secretary)
        _open_review_rows(case, _reviewers_due(case))

    return _perform(council, "constitute", actor, effects=effects)


@_acting("secretary")
def council_paper_upload(*, council: Council, actor, title: str, upload) -> Paper:
    _require(council, *PRE_MEETING, action=_("tải tài liệu họp"))
    checked = upload_check(upload, label=title)
    paper = Paper(council=council, title=title.strip() or checked.original_name, uploaded_by=actor)
    checked.keep(paper)
    paper.save()
    _note(council, actor, "paper_upload", data={"paper": paper.pk})
    return paper


@_acting("secretary")
def council_papers_dispatch(*, council: Council, actor) -> Council:
    """Send the papers to every member (before the kind's lead time, or late and recorded
    as missed on the ledger)."""
    _require(council, Status.CONSTITUTED, action=_("gửi tài liệu"))
    if not council.papers.exists():
        raise CouncilRefused(_("Chưa có tài liệu họp để gửi."), code="no_papers")
    today = _today()

    def effects(case, *_states):
        from workflows.transitions import case_set

        case_set(case, papers_sent_on=today)
        deadlines_close_open(case=case, kinds=["papers_due"], on=today)
        users = [m.expert.user for m in _active(case) if m.expert.user_id]
        if users:
            notifications_enqueue(
                recipients=users,
                template="council_papers",
                context={
                    "council": case.title,
                    "code": case.code,
                    "meeting_on": f"{case.meeting_on:%d/%m/%Y}",
                },
                channels=STAFF_CHANNELS,
                key=f"council:{case.pk}:papers",
                case=case,
            )

    return _perform(council, "dispatch_papers", actor, effects=effects)


# --- members --------------------------------------------------------------------------------
def _withdraw(council: Council, membership: Membership, actor, reason: str) -> Council:
    """A member withdraws (a conflict declared later): they leave, their open rows close,
    and the composition (before the meeting) or the quorum (in session) is checked again."""
    membership.removed_at = timezone.now()
    membership.removed_reason = reason
    membership.save(update_fields=["removed_at", "removed_reason"])
    Ballot.objects.filter(membership=membership, void=False).update(void=True)
    _close_review_rows(council, membership, cancel=True)
    _note(council, actor, "member_conflict", data={"membership": membership.pk}, note=reason)
    composition = composition_of(council)
    if council.status == Status.IN_SESSION:
        attendance = council.attendances.order_by("-id").first()
        rows = [dict(r) for r in attendance.rows if r["membership"] != membership.pk]
        snapshot = _snapshot(
            council, rows, attendance.vice_chair_authorised, actor, extra=composition
        )
        if not composition and not snapshot.quorum_met:
            return _perform(council, "suspend_meeting", actor, note=" ".join(snapshot.problems))
    if composition and council.status in (
        Status.CONSTITUTED,
        Status.PAPERS_SENT,
        Status.IN_SESSION,
    ):
        return _perform(
            council,
            "reopen",
            actor,
            note=" ".join(composition),
            effects=_reopen_effects,
        )
    return council


def _reopen_effects(case: Council, *_states) -> None:
    """Back to set-up: the dated rows of the meeting are cancelled (constituting again
    opens them anew) and the ballots of an interrupted meeting are void."""
    deadlines_close_open(case=case, cancel_kinds=[*PRE_MEETING_ROWS])
    Ballot.objects.filter(council=case, void=False).update(void=True)


@_acting("member")
def council_member_declare(
    *, council: Council, actor, membership: Membership, no_conflict: bool, reason: str = ""
) -> Membership:
    """The member signs the no-conflict declaration (the papers open to them only after
    it), or declares a conflict and leaves the council."""
    _require(council, *PRE_MEETING, Status.IN_SESSION, action=_("kê khai xung đột lợi ích"))
    if no_conflict:
        if membership.declared_at is None:
            membership.declared_at = timezone.now()
            membership.save(update_fields=["declared_at"])
            _note(council, actor, "declare_no_conflict", data={"membership": membership.pk})
            _flow_sync(council)
        return membership
    if not reason.strip():
        raise CouncilRefused(_("Nêu rõ xung đột lợi ích."), code="reason_required")
    council = _withdraw(council, membership, actor, reason.strip())
    _flow_sync(council)
    return membership


def council_paper_open(*, paper: Paper, actor) -> Paper:
    """A paper is served to the council's members (after their declaration) and to staff;
    a member's first reading is recorded."""
    council = paper.council
    if access.is_council_staff(actor):
        return paper
    membership = access.membership_of(actor, council)
    if membership is None:
        raise DomainError(_("Không tìm thấy tài liệu."), code="not_found")
    if membership.declared_at is None:
        raise CouncilRefused(
            _("Ký cam kết không xung đột lợi ích trước khi xem tài liệu."), code="declare_first"
        )
    if council.status in (Status.SETUP, Status.CONSTITUTED):
        raise CouncilRefused(_("Tài liệu chưa được gửi."), code="not_dispatched")
    PaperRead.objects.get_or_create(paper=paper, membership=membership)
    return paper


def _review_store(council, membership, subject, text, questions, actor) -> Review:
    _require(council, Status.PAPERS_SENT, action=_("gửi phiếu nhận xét"))
    if membership.declared_at is None:
        raise CouncilRefused(
            _("Ký cam kết không xung đột lợi ích trước khi gửi nhận xét."), code="declare_first"
        )
    if subject.council_id != council.pk:
        raise CouncilRefused(_("Đối tượng không thuộc hội đồng này."), code="bad_subject")
    if not text.strip():
        raise CouncilRefused(_("Nội dung nhận xét không được để trống."), code="empty_review")
    review, created = Review.objects.get_or_create(
        membership=membership,
        subject=subject,
        defaults={"text": text.strip(), "questions": questions.strip()},
    )
    if not created:
        raise CouncilRefused(_("Đã có phiếu nhận xét cho đối tượng này."), code="review_exists")
    # the member's rows close when they have reviewed every subject they owe
    owed = council.subjects.count() if council.kind.reviews_lead_working_days else 1
    if Review.objects.filter(membership=membership).count() >= owed:
        _close_review_rows(council, membership)
    _note(council, actor, "review_submit", data={"subject": subject.pk})
    _flow_sync(council)
    return review


def _close_review_rows(council: Council, membership: Membership, *, cancel: bool = False) -> None:
    """Close (met or missed) the rows of one member's review, or cancel them (they left)."""
    from workflows.ledger import deadline_cancel, deadline_close
    from workflows.models import Deadline

    for row in Deadline.objects.filter(
        content_type__app_label="tasks_lifecycle",
        content_type__model="council",
        object_id=str(council.pk),
        kind__in=("review_due", "review_watch"),
        ref=_review_ref(membership),
        state=Deadline.State.OPEN,
    ):
        (deadline_cancel if cancel else deadline_close)(deadline=row)


@_acting("member")
def council_review_submit(
    *, council: Council, actor, membership: Membership, subject: CouncilSubject, text: str,
    questions: str = "",
) -> Review:  # fmt: skip
    """A member sends their written review online."""
    return _review_store(council, membership, subject, text, questions, actor)


@_acting("secretary")
def council_review_record(
    *, council: Council, actor, membership: Membership, subject: CouncilSubject, text: str,
    questions: str = "",
) -> Review:  # fmt: skip
    """The secretary records a written review received on paper or by e-mail."""
    if membership.council_id != council.pk or membership.removed_at is not None:
        raise CouncilRefused(_("Thành viên không thuộc hội đồng này."), code="not_a_member")
    return _review_store(council, membership, subject, text, questions, actor)


@_acting("secretary")
def council_declaration_record(*, council: Council, actor, membership: Membership) -> Membership:
    """The secretary records a no-conflict declaration signed on paper."""
    _require(council, *PRE_MEETING, action=_("ghi nhận cam kết"))
    if membership.council_id != council.pk or membership.removed_at is not None:
        raise CouncilRefused(_("Thành viên không thuộc hội đồng này."), code="not_a_member")
    if membership.declared_at is None:
        membership.declared_at = timezone.now()
        membership.save(update_fields=["declared_at"])
        _note(council, actor, "declaration_record", data={"membership": membership.pk})
        _flow_sync(council)
    return membership


def reviews_missing(council: Council) -> list[tuple[Membership, CouncilSubject]]:
    owed = _reviewers_due(council)
    subjects = list(council.subjects.all())
    have = set(
        Review.objects.filter(membership__council=council).values_list(
            "membership_id", "subject_id"
        )
    )
    missing = []
    for m in owed:
        targets = subjects if council.kind.reviews_lead_working_days else [m.reviews_subject]
        for s in targets:
            if s is not None and (m.pk, s.pk) not in have:
                missing.append((m, s))
    return missing


# --- the meeting ----------------------------------------------------------------------------
def _snapshot(
    council: Council, rows: list[dict], authorised: bool, actor, extra: Sequence[str] = ()
) -> Attendance:
    """The attendance as recorded now; `extra`: problems of the composition (a member
    withdrew in session), recorded with the quorum's."""
    rule = council.kind.rule()
    problems = rules.quorum_problems(
        council.kind.code,
        roles=[r["role"] for r in rows],
        present=[r["present"] for r in rows],
        vice_chair_authorised=authorised,
        rule=rule,
    )
    return Attendance.objects.create(
        council=council,
        rows=rows,
        vice_chair_authorised=authorised,
        quorum_met=not problems,
        problems=[*problems, *extra],
        recorded_by=actor,
    )


def quorum_preview(council: Council, present: Mapping[int, bool], authorised: bool) -> list[str]:
    members = list(_active(council))
    return rules.quorum_problems(
        council.kind.code,
        roles=[m.role for m in members],
        present=[bool(present.get(m.pk)) for m in members],
        vice_chair_authorised=authorised,
        rule=council.kind.rule(),
    )


@_acting("secretary")
def council_attendance_record(
    *, council: Council, actor, present: Mapping[int, bool], vice_chair_authorised: bool = False
) -> Attendance:
    """Attendance as a snapshot (who was entitled, present, voting); the kind's quorum is
    evaluated on it; a meeting without a quorum is refused and nothing changes."""
    _require(council, Status.PAPERS_SENT, action=_("khai mạc phiên họp"))
    members = list(_active(council))
    unknown = set(present) - {m.pk for m in members}
    if unknown:
        raise CouncilRefused(
            _("Danh sách điểm danh có người không thuộc hội đồng."), code="bad_row"
        )
    rows = [
        {
            "membership": m.pk,
            "name": str(m.expert),
            "role": m.role,
            "entitled": True,
            "present": bool(present.get(m.pk)),
            "votes": bool(present.get(m.pk)),
        }
        for m in members
    ]
    problems = quorum_preview(council, present, vice_chair_authorised)
    if problems:
        raise CouncilRefused(
            _("Phiên họp không đủ điều kiện: %(p)s") % {"p": " ".join(problems)}, code="no_quorum"
        )
    missing = reviews_missing(council) if council.kind.reviews_lead_working_days else []
    if missing:
        names = ", ".join(sorted({m.expert.full_name for m, _s in missing}))
        raise CouncilRefused(
            _("Chưa nhận đủ phiếu nhận xét bằng văn bản (%(basis)s): %(names)s.")
            % {"basis": council.kind.reviews_basis, "names": names},
            code="reviews_missing",
        )
    attendance = None

    def effects(case, *_states):
        nonlocal attendance
        from workflows.transitions import case_set

        case_set(case, vice_chair_authorised=vice_chair_authorised)
        attendance = _snapshot(case, rows, vice_chair_authorised, actor)
        deadlines_close_open(
            case=case,
            kinds=["meeting_due", "questions_due"],
            cancel_kinds=["review_due", "review_watch"],
        )

    _perform(council, "open_meeting", actor, effects=effects)
    return attendance


def _present_ids(council: Council) -> set[int]:
    attendance = council.attendances.order_by("-id").first()
    return {r["membership"] for r in attendance.rows if r["votes"]} if attendance else set()


@_acting("secretary")
def council_board_elect(
    *, council: Council, actor, memberships: Sequence[Membership], chief: Membership
) -> list[Membership]:
    """The vote-counting board: 3 members present, one its chief."""
    _require(council, Status.IN_SESSION, action=_("bầu ban kiểm phiếu"))
    ids = {m.pk for m in memberships}
    present = _present_ids(council)
    if len(ids) != BOARD_SIZE or not ids <= present or chief.pk not in ids:
        raise CouncilRefused(
            _("Ban kiểm phiếu gồm 03 thành viên hội đồng có mặt, trong đó có trưởng ban."),
            code="bad_board",
        )
    council.memberships.update(on_board=False, board_chief=False)
    council.memberships.filter(pk__in=ids).update(on_board=True)
    council.memberships.filter(pk=chief.pk).update(board_chief=True)
    _note(council, actor, "board_elect", data={"board": sorted(ids), "chief": chief.pk})
    return list(council.memberships.filter(pk__in=ids))


# --- ballots --------------------------------------------------------------------------------
def ballot_form(council: Council, subject: CouncilSubject) -> dict:
    """The form a ballot is cast on, frozen with it."""
    form = council.kind.ballot_form
    if form == BallotForm.SELECTION:
        spec = rules.SELECTION_CRITERIA[subject.task_type]
        return {
            "form": form,
            "task_type": subject.task_type,
            "name": spec["name"],
            "criteria": [list(c) for c in spec["criteria"]],
            "content": list(spec["content"]),
            "basis": "Điều 12 Thông tư số 20/2023/TT-BKHCN",
        }
    if form == BallotForm.IDENTIFICATION:
        return {
            "form": form,
            "contents": [list(c) for c in rules.IDENTIFICATION_CONTENTS],
            "basis": "khoản 6 Điều 12 Thông tư số 06/2023/TT-BKHCN",
        }
    if form == BallotForm.ACCEPTANCE:
        return {
            "form": form,
            "options": [list(o) for o in rules.ACCEPTANCE_FORM],
            "basis": "Điều 13 Thông tư số 11/2014/TT-BKHCN (Mẫu 7)",
        }
    if form == BallotForm.OPINION:
        return {"form": form, "options": [list(o) for o in rules.OPINION_FORM]}
    return {"form": form}


def _clean_values(form: dict, values: Mapping) -> dict:
    kind = form["form"]
    bad = CouncilRefused(_("Phiếu không đúng mẫu."), code="bad_ballot")
    if kind == BallotForm.SELECTION:
        clean = {}
        for code, name, top in form["criteria"]:
            raw = values.get(code)
            try:
                points = float(raw)
            except (TypeError, ValueError):
                raise CouncilRefused(
                    _("Tiêu chí “%(c)s”: nhập số điểm từ 0 đến %(m)d.") % {"c": name, "m": top},
                    code="bad_ballot",
                ) from None
            if not 0 <= points <= top:
                raise CouncilRefused(
                    _("Tiêu chí “%(c)s”: điểm từ 0 đến %(m)d.") % {"c": name, "m": top},
                    code="bad_ballot",
                )
            clean[code] = int(points) if points == int(points) else points
        return {"points": clean}
    if kind == BallotForm.IDENTIFICATION:
        contents = values.get("contents") or {}
        clean = {}
        for code, name in form["contents"]:
            v = contents.get(code)
            if v not in (rules.DAT, rules.KHONG_DAT):
                raise CouncilRefused(
                    _("Nội dung “%(c)s”: chọn Đạt hoặc Không đạt yêu cầu.") % {"c": name},
                    code="bad_ballot",
                )
            clean[code] = v
        return {"contents": clean}
    if kind in (BallotForm.ACCEPTANCE, BallotForm.OPINION):
        vote = values.get("vote")
        if vote not in {o[0] for o in form["options"]}:
            raise bad
        return {"vote": vote}
    raise CouncilRefused(_("Loại hội đồng này không bỏ phiếu."), code="no_ballot")


def _ballot_store(council, membership, subject, values, actor, channel, invalid_reason=""):
    _require(council, Status.IN_SESSION, action=_("nhận phiếu đánh giá"))
    if membership.pk not in _present_ids(council):
        raise CouncilRefused(
            _("Chỉ thành viên có mặt tại phiên họp đủ điều kiện mới được bỏ phiếu."),
            code="not_present",
        )
    if subject.council_id != council.pk:
        raise CouncilRefused(_("Đối tượng không thuộc hội đồng này."), code="bad_subject")
    form = ballot_form(council, subject)
    if invalid_reason:  # a paper ballot left blank or not filled as the rules say
        clean = {"invalid": True, "why": invalid_reason}
    else:
        clean = _clean_values(form, values)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                council=council,
                membership=membership,
                subject=subject,
                form=form,
                values=clean,
                channel=channel,
                entered_by=actor,
            )
    except IntegrityError as exc:
        raise CouncilRefused(
            _("%(n)s đã bỏ phiếu cho đối tượng này.") % {"n": membership.expert.full_name},
            code="ballot_exists",
        ) from exc
    # the ballot's content is not in the audit trail: nobody else may read it yet
    _note(council, actor, "ballot", data={"membership": membership.pk, "subject": subject.pk})
    _flow_sync(council)
    return ballot


@_acting("member")
def council_ballot_cast(
    *, council: Council, actor, membership: Membership, subject: CouncilSubject, values: Mapping
) -> Ballot:
    """A member casts their ballot online."""
    return _ballot_store(council, membership, subject, values, actor, Ballot.Channel.ONLINE)


@_acting("secretary")
def council_ballot_enter(
    *,
    council: Council,
    actor,
    membership: Membership,
    subject: CouncilSubject,
    values: Mapping,
    invalid_reason: str = "",
) -> Ballot:
    """The secretary enters a paper ballot (an invalid one too, with why)."""
    if membership.council_id != council.pk:
        raise CouncilRefused(_("Thành viên không thuộc hội đồng này."), code="not_a_member")
    return _ballot_store(
        council, membership, subject, values, actor, Ballot.Channel.PAPER, invalid_reason.strip()
    )


# --- tally ----------------------------------------------------------------------------------
def _ballot_row(b: Ballot) -> dict:
    return {
        "ballot": b.pk,
        "membership": b.membership_id,
        "member": str(b.membership.expert),
        "role": b.membership.role,
        "channel": b.channel,
        "values": b.values,
        "form": b.form,
        "paper_valid": not b.values.get("invalid"),
        "why": b.values.get("why", ""),
    }


def _tally_subject(council: Council, subject: CouncilSubject, ballots: list[Ballot]) -> dict:
    form = council.kind.ballot_form
    rows = [_ballot_row(b) for b in ballots]
    kept = [r for r in rows if r["paper_valid"]]
    out = {"subject": subject.pk, "title": subject.title, "ballots": rows, "counted": len(kept)}
    if form == BallotForm.IDENTIFICATION:
        votes = [rules.identification_ballot_dat(r["values"]["contents"]) for r in kept]
        for r, v in zip(kept, votes, strict=True):
            r["dat"] = v
        out.update(
            dat=sum(votes),
            khong_dat=len(votes) - sum(votes),
            rule="trên 3/4 tổng số phiếu “Đạt yêu cầu” "
            "(khoản 7 Điều 12 Thông tư số 06/2023/TT-BKHCN)",
            result="thuc_hien" if rules.identification_recommended(votes) else "khong_thuc_hien",
        )
    elif form == BallotForm.ACCEPTANCE:
        votes = [r["values"]["vote"] for r in kept]
        late = bool(
            subject.contract_end
            and subject.dossier_submitted_on
            and rules.acceptance_late(
                contract_end=subject.contract_end, dossier_submitted_on=subject.dossier_submitted_on
            )
        )
        result = (
            rules.acceptance_class(
                votes,
                contract_end=subject.contract_end or date.min,
                dossier_submitted_on=subject.dossier_submitted_on or date.min,
            )
            if votes
            else rules.KHONG_DAT
        )
        out.update(
            present=len(votes),
            counts={v: votes.count(v) for v in rules.ACCEPTANCE_VOTES},
            dossier_late=late,
            rule="Điều 13 Thông tư số 11/2014/TT-BKHCN",
            result=result,
        )
    elif form == BallotForm.OPINION:
        votes = [r["values"]["vote"] == "dong_y" for r in kept]
        out.update(
            dong_y=sum(votes),
            khong_dong_y=len(votes) - sum(votes),
            rule="trên 3/4 thành viên có mặt đồng ý [GK]",
            result="thong_qua" if rules.opinion_passed(votes) else "khong_thong_qua",
        )
    return out


RESULT_LABELS = {
    "thuc_hien": "Đề nghị “Thực hiện”",
    "khong_thuc_hien": "Đề nghị “Không thực hiện”",
    rules.XUAT_SAC: "Xuất sắc",
    rules.DAT: "Đạt",
    rules.KHONG_DAT: "Không đạt",
    "thong_qua": "Thông qua",
    "khong_thong_qua": "Không thông qua",
}


def _tally_data(council: Council, conclusion: str, outcome: str) -> tuple[dict, str, str]:
    form = council.kind.ballot_form
    subjects = list(council.subjects.order_by("position", "id"))
    if form == BallotForm.NONE:
        if council.kind.code == "inspection" and outcome not in INSPECTION_OUTCOMES:
            raise CouncilRefused(
                _("Chọn kết luận: đúng tiến độ, cần điều chỉnh hoặc đề nghị chấm dứt."),
                code="outcome_required",
            )
        if not conclusion.strip():
            raise CouncilRefused(
                _("Nhập kết luận tập thể của tổ/đoàn."), code="conclusion_required"
            )
        label = INSPECTION_OUTCOMES.get(outcome, _("Kết luận tập thể"))
        return (
            {"form": form, "conclusion": conclusion.strip(), "outcome": outcome},
            outcome or "concluded",
            label,
        )
    ballots = list(
        Ballot.objects.filter(council=council, void=False).select_related("membership__expert")
    )
    present = _present_ids(council)
    by_subject = {s.pk: [b for b in ballots if b.subject_id == s.pk] for s in subjects}
    missing = [s.title for s in subjects if {b.membership_id for b in by_subject[s.pk]} != present]
    if missing:
        raise CouncilRefused(
            _("Chưa đủ phiếu của các thành viên có mặt cho: %(s)s.") % {"s": "; ".join(missing)},
            code="ballots_missing",
        )
    if form == BallotForm.SELECTION:
        apps = []
        rows = {}
        for s in subjects:
            kept = [b for b in by_subject[s.pk] if not b.values.get("invalid")]
            rows[s.pk] = [_ballot_row(b) for b in by_subject[s.pk]]
            apps.append(
                {
                    "id": str(s.pk),
                    "ballots": [b.values["points"] for b in kept],
                    "host_proposed": s.host_proposed,
                    "state_budget": s.state_budget,
                    "past_excellent": s.past_excellent,
                    "content_criteria": rules.SELECTION_CRITERIA[s.task_type]["content"],
                }
            )
        tally = rules.selection_tally(apps)
        for a in tally["applications"]:
            a["title"] = next(s.title for s in subjects if str(s.pk) == a["id"])
            a["ballot_rows"] = rows[int(a["id"])]
        data = {
            "form": form,
            "rule": "khoản 5, 7, 8 Điều 11 Thông tư số 20/2023/TT-BKHCN",
            **tally,
        }
        if tally["winner"]:
            title = next(s.title for s in subjects if str(s.pk) == tally["winner"])
            return data, f"winner:{tally['winner']}", _("Trúng tuyển: %(t)s") % {"t": title}
        if tally["tied"]:
            return (
                data,
                "tie",
                _("Các hồ sơ bằng nhau trên mọi tiêu chí ưu tiên: hội đồng quyết định"),
            )
        return data, "none", _("Không có hồ sơ đạt yêu cầu: tuyển chọn lần hai")
    per = [_tally_subject(council, s, by_subject[s.pk]) for s in subjects]
    data = {"form": form, "subjects": per}
    label = "; ".join(f"{p['title']}: {RESULT_LABELS[p['result']]}" for p in per)
    outcome = per[0]["result"] if len(per) == 1 else "multiple"
    return data, outcome, label


@_acting("secretary")
def council_tally_compute(
    *, council: Council, actor, reason: str = "", conclusion: str = "", outcome: str = ""
) -> Tally:
    """Count the ballots by the kind's rule, storing every ballot and intermediate value.
    A tally is frozen; counting again (a correction) makes a new tally with a reason."""
    _require(council, Status.IN_SESSION, Status.TALLIED, Status.PUBLISHED, action=_("kiểm phiếu"))
    previous = council.tallies.order_by("-number").first()
    if previous is not None and not reason.strip():
        raise CouncilRefused(
            _("Kiểm phiếu lại cần ghi rõ lý do (kết quả cũ được giữ nguyên để đối chiếu)."),
            code="reason_required",
        )
    if (
        council.kind.ballot_form != BallotForm.NONE
        and council.memberships.filter(on_board=True, removed_at__isnull=True).count() != BOARD_SIZE
    ):
        raise CouncilRefused(
            _("Hội đồng chưa bầu ban kiểm phiếu (03 thành viên)."), code="no_board"
        )
    data, result, label = _tally_data(council, conclusion, outcome)
    tally = None

    def effects(case, *_states):
        nonlocal tally
        tally = Tally.objects.create(
            council=case,
            number=(previous.number + 1) if previous else 1,
            supersedes=previous,
            reason=reason.strip(),
            data=data,
            outcome=result[:60],
            outcome_label=str(label)[:300],
            computed_by=actor,
        )
        if case.kind.ballot_form == BallotForm.NONE:
            from workflows.transitions import case_set

            case_set(case, conclusion=conclusion.strip())

    _perform(council, "tally", actor, effects=effects, note=reason, data={"outcome": result})
    return tally


def _confirm(council: Council, tally: Tally, membership: Membership, actor) -> Tally:
    if tally.confirmed_at is not None:
        return tally
    if any(c["membership"] == membership.pk for c in tally.confirmations):
        return tally
    tally.confirmations = [
        *tally.confirmations,
        {"membership": membership.pk, "name": str(membership.expert), "by": actor.pk,
         "at": timezone.now().isoformat()},
    ]  # fmt: skip
    board = set(
        council.memberships.filter(on_board=True, removed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if board and board <= {c["membership"] for c in tally.confirmations}:
        tally.confirmed_at = timezone.now()
    tally.save(update_fields=["confirmations", "confirmed_at"])
    _note(council, actor, "tally_confirm", data={"tally": tally.pk, "membership": membership.pk})
    _flow_sync(council)
    return tally


def _latest_tally(council: Council) -> Tally:
    tally = council.tallies.order_by("-number").first()
    if tally is None:
        raise CouncilRefused(_("Chưa kiểm phiếu."), code="no_tally")
    return tally


@_acting("member")
def council_tally_confirm(*, council: Council, actor, membership: Membership) -> Tally:
    """A member of the vote-counting board confirms the tally online."""
    _require(council, Status.TALLIED, action=_("xác nhận kết quả kiểm phiếu"))
    if not membership.on_board:
        raise CouncilRefused(_("Chỉ thành viên ban kiểm phiếu xác nhận."), code="not_on_board")
    return _confirm(council, _latest_tally(council), membership, actor)


@_acting("secretary")
def council_tally_confirm_paper(*, council: Council, actor, membership: Membership) -> Tally:
    """The secretary records a board member's signature on the paper record."""
    _require(council, Status.TALLIED, action=_("xác nhận kết quả kiểm phiếu"))
    membership = Membership.objects.select_related("expert").get(pk=membership.pk)
    if membership.council_id != council.pk or not membership.on_board:
        raise CouncilRefused(_("Chỉ thành viên ban kiểm phiếu xác nhận."), code="not_on_board")
    return _confirm(council, _latest_tally(council), membership, actor)


@_acting("secretary")
def council_publish(*, council: Council, actor) -> Council:
    """The result, confirmed by the board, is published; the ballots become readable and
    the conclusions are due within the kind's working days."""
    _require(council, Status.TALLIED, action=_("công bố kết quả"))
    tally = _latest_tally(council)
    needs_board = council.kind.ballot_form != BallotForm.NONE
    if needs_board and tally.confirmed_at is None:
        raise CouncilRefused(
            _("Ban kiểm phiếu chưa xác nhận đủ kết quả kiểm phiếu."), code="not_confirmed"
        )
    today = _today()
    rule = council.kind.rule()

    def effects(case, *_states):
        from workflows.transitions import case_set

        case_set(case, published_on=today)
        base = max(case.meeting_on or today, today)
        due = rules.conclusions_due_on(base, rule, add_working_days=add_working_days)
        _open(case, "conclusions_due", due, _("Gửi kết luận của hội đồng"), case.secretary)

    return _perform(council, "publish", actor, effects=effects)


@_acting("secretary")
def council_close(*, council: Council, actor, conclusion: str = "") -> Council:
    """The minutes are final and the conclusions sent (ledger row closed)."""
    _require(council, Status.PUBLISHED, action=_("gửi kết luận"))
    today = _today()
    text = conclusion.strip() or council.conclusion

    def effects(case, *_states):
        from workflows.transitions import case_set

        case_set(case, conclusions_sent_on=today, conclusion=text)
        deadlines_close_open(case=case, kinds=["conclusions_due"], on=today)

    return _perform(council, "close", actor, effects=effects)


def experts_available(council: Council):
    """The pool, each expert with why they may not sit (computed now)."""
    taken = set(_active(council).values_list("expert_id", flat=True))
    rows = []
    for e in Expert.objects.filter(is_active=True).order_by("full_name"):
        rows.append((e, member_conflicts(council, e, rules.MEMBER), e.pk in taken))
    return rows
