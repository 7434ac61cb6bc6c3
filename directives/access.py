"""Who may act on an assignment and who sees it.

The office (Văn phòng Sở: its specialists and its head) registers what the Committee
assigns, one by one or by importing its book; a head of division registers what their
own division leads; the director anything. The head of the lead division (or the
director) assigns the officer, extends, and records a withdrawal by the Committee. The
officer or the head of the lead division completes it. The officer, the lead division's
head, the director and the members of the supporting divisions add progress notes.

Who sees: the office and the director every assignment; the staff of a division those it
leads or supports, and the officer their own. Other roles (accountant, council members,
one-stop officers outside these divisions, applicants) see none (403).

`decide` is pure over the values it reads (the actor's roles and division, loaded once
per request by `workflows.access.actor_profile`; the assignment's lead division, officer
and supporting divisions).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from workflows.access import ALLOWED, Decision, actor_profile
from workflows.roles import Role

OFFICE = "van-phong"
DIVISION_STAFF_ROLES = frozenset({Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.INSPECTOR})
OFFICE_ROLES = frozenset({Role.SPECIALIST, Role.HEAD_OF_DIVISION})
STEPS = ("create", "import", "assign", "note", "extend", "complete", "cancel")


def _refuse(reason: str, code: str = "forbidden") -> Decision:
    return Decision(False, reason, code)


def _facts(user):
    profile = actor_profile(user)
    roles = profile.roles
    return profile, {
        "director": Role.DIRECTOR in roles,
        "office": profile.division == OFFICE and bool(roles & OFFICE_ROLES),
        "head": Role.HEAD_OF_DIVISION in roles,
        "staff": bool(roles & DIVISION_STAFF_ROLES) and profile.division is not None,
    }


def _division_code(assignment) -> str | None:
    division = getattr(assignment, "lead_division", None)
    return division.code if division is not None else None


def _supporting_codes(assignment) -> set[str]:
    cached = assignment.__dict__.get("_supporting_codes")
    if cached is None:
        cached = {d.code for d in assignment.supporting_divisions.all()}
        assignment.__dict__["_supporting_codes"] = cached
    return cached


def decide(step: str, assignment, user, *, lead_division_code: str | None = None) -> Decision:
    """May `user` take `step` on `assignment` (None for create / import)?"""
    if step not in STEPS:
        raise ValueError(step)
    if user is None or not getattr(user, "is_authenticated", False):
        return _refuse(_("Bạn cần đăng nhập để thực hiện thao tác này."), "not_authenticated")
    profile, f = _facts(user)
    lead = _division_code(assignment) if assignment is not None else lead_division_code
    head_of_lead = f["head"] and lead is not None and profile.division == lead
    officer = assignment is not None and assignment.officer_id == profile.id
    if step == "import":
        if f["director"] or f["office"]:
            return ALLOWED
        return _refuse(_("Chỉ Văn phòng Sở và lãnh đạo Sở được nhập sổ theo dõi nhiệm vụ."))
    if step == "create":
        if f["director"] or f["office"] or head_of_lead:
            return ALLOWED
        if f["head"]:
            return _refuse(
                _("Lãnh đạo phòng chỉ vào sổ nhiệm vụ do phòng mình chủ trì."), "other_division"
            )
        return _refuse(
            _(
                "Chỉ Văn phòng Sở, lãnh đạo phòng và lãnh đạo Sở được vào sổ nhiệm vụ "
                "UBND tỉnh giao."
            )
        )
    if step in ("assign", "extend", "cancel"):
        if f["director"] or head_of_lead:
            return ALLOWED
        if f["head"]:
            return _refuse(
                _("Lãnh đạo phòng chỉ xử lý nhiệm vụ do phòng mình chủ trì."), "other_division"
            )
        return _refuse(_("Bước này do lãnh đạo phòng chủ trì hoặc lãnh đạo Sở thực hiện."))
    if step == "complete":
        if officer or head_of_lead:
            return ALLOWED
        if assignment is not None and assignment.officer_id is not None and f["staff"]:
            return _refuse(
                _(
                    "Nhiệm vụ này đã giao cho cán bộ khác; chỉ cán bộ được giao hoặc lãnh đạo "
                    "phòng chủ trì mới báo cáo hoàn thành."
                ),
                "held_by_other",
            )
        return _refuse(
            _("Chỉ cán bộ được giao hoặc lãnh đạo phòng chủ trì mới báo cáo hoàn thành nhiệm vụ.")
        )
    # note
    if officer or head_of_lead or f["director"]:
        return ALLOWED
    if f["staff"] and profile.division in _supporting_codes(assignment):
        return ALLOWED
    return _refuse(
        _(
            "Chỉ cán bộ được giao, lãnh đạo phòng chủ trì, lãnh đạo Sở và cán bộ các phòng "
            "phối hợp được ghi nhận tiến độ."
        )
    )


def authorize(step: str, assignment, user, **kwargs) -> None:
    decide(step, assignment, user, **kwargs).raise_if_refused()


def may_create_any(user) -> bool:
    """Whether `user` may register an assignment for some division (the page's button)."""
    if not getattr(user, "is_authenticated", False):
        return False
    _profile, f = _facts(user)
    return f["director"] or f["office"] or f["head"]


def sees_register(user) -> bool:
    """The register and the API: the office, the director, and division staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    _profile, f = _facts(user)
    return f["director"] or f["office"] or f["staff"]


def sees_all(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    _profile, f = _facts(user)
    return f["director"] or f["office"]


def visible(queryset, user):
    """The assignments `user` may see, as a filter of `queryset` (no join: an EXISTS for
    the supporting divisions)."""
    if not sees_register(user):
        return queryset.none()
    if sees_all(user):
        return queryset
    from .models import Assignment

    profile = actor_profile(user)
    through = Assignment.supporting_divisions.through
    supports = through.objects.filter(assignment_id=OuterRef("pk"), division__code=profile.division)
    return queryset.filter(
        Q(lead_division__code=profile.division) | Q(officer_id=profile.id) | Exists(supports)
    )


def steps_for(assignment, user) -> set[str]:
    """The steps `user` may take on `assignment` now (state and actor), for the page."""
    from .models import Status

    by_state = {
        Status.RECEIVED: ("assign", "note", "extend", "cancel"),
        Status.IN_PROGRESS: ("assign", "note", "extend", "complete", "cancel"),
        Status.COMPLETED: ("note",),
        Status.CANCELLED: (),
    }
    return {s for s in by_state.get(assignment.status, ()) if decide(s, assignment, user)}
