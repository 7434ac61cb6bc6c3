"""Who may act on a council, and who sees what of it.

The councils' side of the engine's rule (`workflows.access.access_decide`): the
secretary's steps belong to the council secretary role of the managing division
(Phòng Quản lý khoa học và công nghệ); the council's own secretary holds them (the
head of that division may act as its leader; the director leads the department). A
member's steps (declaration, review, ballot, board confirmation) belong to the person
holding the membership, through the account linked to their expert record, and to
nobody else.

What one sees:
- the council's secretary and the division's leaders: everything, except the ballots
  before the tally is published (only the secretary and the vote-counting board);
- the other council secretaries of the division ("staff"): the council page and its
  papers, no ballot before publication;
- a member of the council: their page (papers after their no-conflict declaration,
  their review, their ballot);
- anyone else (a member of another council, an applicant, an officer of another
  division): nothing — the council does not exist for them (404).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows.access import access_decide, actor_profile, user_has_step
from workflows.errors import ActionForbidden
from workflows.models import Division
from workflows.roles import LEADER_ROLES, Role

from .models import Council, Membership, Status

MANAGING_DIVISION = "qlkh"
SECRETARY_ROLES = (Role.COUNCIL_SECRETARY,)


def _division_label() -> str:
    name = Division.objects.filter(code=MANAGING_DIVISION).values_list("name", flat=True).first()
    return name or MANAGING_DIVISION


def secretary_authorize(council: Council | None, actor) -> None:
    """The actor may act on the secretary's steps of `council` (None: set up a new one)."""
    profile = actor_profile(actor)
    values = {
        "actor_id": profile.id,
        "actor_roles": profile.roles,
        "actor_division": profile.division,
        "step_roles": (*SECRETARY_ROLES, *(LEADER_ROLES if council is not None else ())),
        "owner_division": MANAGING_DIVISION,
        "holder_id": council.secretary_id if council is not None else None,
    }
    decision = access_decide(**values)
    if not decision and decision.code == "other_division":
        decision = access_decide(**values, owner_division_label=_division_label())
    decision.raise_if_refused()


def is_council_staff(user) -> bool:
    """A council secretary of the managing division, its head, the director, or a
    superuser: who works on councils (sees the workspace and council pages)."""
    return user_has_step(user, (*SECRETARY_ROLES, *LEADER_ROLES), MANAGING_DIVISION)


def manages(user, council: Council) -> bool:
    """The council's own secretary, or a leader of the managing division."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == council.secretary_id or user.is_superuser:
        return True
    profile = actor_profile(user)
    return bool(profile.roles & LEADER_ROLES) and is_council_staff(user)


def membership_of(user, council: Council) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.select_related("expert")
        .filter(council=council, expert__user=user, removed_at__isnull=True)
        .first()
    )


def member_authorize(council: Council, actor) -> Membership:
    """The actor's own membership of the council, or `ActionForbidden`."""
    if not getattr(actor, "is_authenticated", False):
        raise ActionForbidden(
            _("Bạn cần đăng nhập để thực hiện thao tác này."), code="not_authenticated"
        )
    membership = membership_of(actor, council)
    if membership is None:
        raise ActionForbidden(_("Bạn không phải thành viên của hội đồng này."), code="not_a_member")
    return membership


def sees_council(user, council: Council) -> bool:
    return is_council_staff(user) or membership_of(user, council) is not None


def reads_ballots(user, council: Council, membership: Membership | None = None) -> bool:
    """Ballots are unreadable by anyone but the council's secretary and the vote-counting
    board until the tally is published; afterwards by whoever sees the council."""
    if council.status in (Status.PUBLISHED, Status.CLOSED):
        return sees_council(user, council)
    if getattr(user, "pk", None) == council.secretary_id:
        return True
    membership = membership if membership is not None else membership_of(user, council)
    return bool(membership and membership.on_board)
