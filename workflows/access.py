"""Who may act on a step of a procedure: one rule, used by every door (page, API, admin,
flow), because every door calls the same service and the service asks this module.

The rule (issue 8, point 1):

- the actor holds the task of the step (claimed, or assigned to them); or
- the task is unclaimed and the actor holds the step's role in the division that owns
  the step (taking it is claiming it); or
- the actor leads the owner of the step and acts as such: the head of the division that
  owns it (a head acts only in their own division), or the director, who leads the
  whole department;
- roles that serve the whole department (director, accountant) are not tied to a
  division; every other role acts only in the division that owns the step;
- nobody acts on a case filed in their own name (self-dealing).

A counter filing (a one-stop officer filing for an applicant) names an applicant
account only, and is never an "online" filing in someone else's account.

`access_decide` and `counter_filing_decide` are pure: plain values in, a `Decision` out
(allowed, or a Vietnamese reason a person can act on). `actor_profile` and
`task_holder_subquery` load those values for the services in one query each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from .errors import ActionForbidden
from .roles import (
    DEPARTMENT_WIDE_ROLES,
    LEADER_ROLES,
    STAFF_ROLES,
    Role,
    user_division,
    user_roles,
)


@dataclass(frozen=True)
class Decision:
    """The answer of the rule: allowed, or refused with a reason and a stable code."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise ActionForbidden(self.reason, code=self.code or "forbidden")


ALLOWED = Decision(True)


def _refuse(reason: str, code: str) -> Decision:
    return Decision(False, reason, code)


def _role_labels(roles: Iterable[str]) -> str:
    labels = []
    for r in roles:
        try:
            labels.append(str(Role(r).label))
        except ValueError:
            labels.append(str(r))
    return ", ".join(labels)


def roles_in_division(
    roles: Collection[str], actor_division: str | None, owner_division: str | None
) -> set[str]:
    """The roles among `roles` that the actor may use on a step owned by
    `owner_division` (None: the department as a whole)."""
    return {
        r
        for r in roles
        if r in DEPARTMENT_WIDE_ROLES or owner_division is None or actor_division == owner_division
    }


def has_step(
    *,
    actor_roles: Collection[str],
    actor_division: str | None,
    step_roles: Collection[str],
    owner_division: str | None,
) -> bool:
    """Whether the actor could ever act on this step (role and division, whoever holds
    its task now): what "having a step in a procedure" means for personal data."""
    return bool(
        roles_in_division(set(actor_roles) & set(step_roles), actor_division, owner_division)
    )


def user_has_step(user, step_roles: Collection[str], owner_division: str | None) -> bool:
    """`has_step` for a user (their roles and division, one query cached on the user);
    a superuser has every step, a visitor none."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    profile = actor_profile(user)
    return has_step(
        actor_roles=profile.roles,
        actor_division=profile.division,
        step_roles=step_roles,
        owner_division=owner_division,
    )


def access_decide(
    *,
    actor_id: int | None,
    actor_roles: Collection[str],
    actor_division: str | None,
    step_roles: Collection[str],
    owner_division: str | None,
    holder_id: int | None,
    applicant_id: int | None = None,
    owner_division_label: str = "",
) -> Decision:
    """May this actor act on this step now?

    `owner_division` is the code of the division that owns the step (None: the
    department as a whole); `holder_id` the user holding the step's task (None: nobody
    has claimed it); `applicant_id` the account the case is filed in.
    """
    if actor_id is None:
        return _refuse(_("Bạn cần đăng nhập để thực hiện thao tác này."), "not_authenticated")
    if applicant_id is not None and actor_id == applicant_id:
        return _refuse(
            _(
                "Hồ sơ này đứng tên tài khoản của chính bạn: bạn không được tiếp nhận, thẩm "
                "định, xem xét hay ký hồ sơ của mình. Hồ sơ sẽ do cán bộ khác xử lý."
            ),
            "self_dealing",
        )
    matching = set(actor_roles) & set(step_roles)
    if not matching:
        return _refuse(
            _("Bước này do %(roles)s thực hiện; bạn không giữ vai trò này.")
            % {"roles": _role_labels(step_roles)},
            "forbidden",
        )
    division = owner_division_label or owner_division or ""
    in_division = roles_in_division(matching, actor_division, owner_division)
    if not in_division:
        if Role.HEAD_OF_DIVISION in matching:
            return _refuse(
                _("Lãnh đạo phòng chỉ xử lý hồ sơ của phòng mình; bước này thuộc %(division)s.")
                % {"division": division},
                "other_division",
            )
        return _refuse(
            _("Bước này do %(division)s xử lý; bạn thuộc đơn vị khác.") % {"division": division},
            "other_division",
        )
    if holder_id is None or holder_id == actor_id:
        return ALLOWED
    if in_division & LEADER_ROLES:
        return ALLOWED  # the head of the owning division (or the director), acting as such
    return _refuse(
        _(
            "Hồ sơ này đang do cán bộ khác được giao xử lý; chỉ người được giao hoặc lãnh "
            "đạo phòng mới thực hiện được bước này."
        ),
        "held_by_other",
    )


def counter_filing_decide(
    *,
    actor_id: int,
    actor_roles: Collection[str],
    actor_division: str | None,
    desk_division: str | None,
    online: bool,
    applicant_id: int,
    applicant_roles: Collection[str],
    applicant_active: bool,
    applicant_is_staff: bool,
    applicant_is_superuser: bool,
) -> Decision:
    """May this actor open a dossier in the applicant's account through this channel?

    Anyone signed in files online in their own account. Anything else is a counter
    filing: a one-stop officer of the desk, at the counter or by post, for an applicant
    account (active, in the applicant group, not a staff or admin account).
    """
    if online and applicant_id == actor_id:
        return ALLOWED
    officer = Role.ONE_STOP_OFFICER in actor_roles and (
        desk_division is None or actor_division == desk_division
    )
    if not officer:
        if online:
            return _refuse(
                _("Chỉ cán bộ một cửa được lập hồ sơ thay tổ chức, cá nhân."), "not_one_stop"
            )
        return _refuse(
            _("Hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ một cửa lập."), "not_one_stop"
        )
    if online:
        return _refuse(
            _(
                "Cán bộ một cửa không được lập hồ sơ trực tuyến trong tài khoản của tổ chức, cá "
                "nhân. Hồ sơ nhận tại quầy hoặc qua bưu chính: chọn hình thức nộp tương ứng."
            ),
            "online_for_other",
        )
    eligible = (
        applicant_active
        and Role.APPLICANT in applicant_roles
        and not (set(applicant_roles) & STAFF_ROLES)
        and not applicant_is_staff
        and not applicant_is_superuser
    )
    if not eligible:
        return _refuse(
            _(
                "Hồ sơ nhận tại quầy chỉ được lập cho tài khoản của tổ chức, cá nhân nộp hồ sơ "
                "(đang hoạt động, không phải tài khoản cán bộ hay quản trị)."
            ),
            "not_an_applicant",
        )
    return ALLOWED


# --- loading the values -------------------------------------------------------------------
@dataclass(frozen=True)
class ActorProfile:
    id: int | None
    roles: frozenset[str]
    division: str | None  # the division's code
    is_active: bool = False
    is_staff: bool = False
    is_superuser: bool = False


def actor_profile(user) -> ActorProfile:
    """The user's roles and division code: one query, cached on the user object for the
    request and shared with `workflows.roles.user_roles`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ActorProfile(None, frozenset(), None)
    return ActorProfile(
        user.pk,
        frozenset(user_roles(user)),
        user_division(user),
        bool(user.is_active),
        bool(user.is_staff),
        bool(user.is_superuser),
    )


OPEN_HELD_STATUSES = ("ASSIGNED", "STARTED")  # viewflow's STATUS values of a claimed task


def task_holder_subquery(model, nodes: Iterable, *, pk: str = "pk") -> Subquery:
    """An expression for `annotate()`: the user holding the open task of one of `nodes`
    (viewflow flow nodes) in the process whose artifact is the annotated row; NULL when
    the task is unclaimed or there is none. Lets a service read the holder in the query
    that locks the case."""
    from viewflow.workflow.models import Task

    ct = ContentType.objects.get_for_model(model)
    return Subquery(
        Task.objects.filter(
            process__artifact_content_type=ct,
            process__artifact_object_id=OuterRef(pk),
            flow_task__in=list(nodes),
            status__in=OPEN_HELD_STATUSES,
        )
        .order_by("-pk")
        .values("owner_id")[:1]
    )
