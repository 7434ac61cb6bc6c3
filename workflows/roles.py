"""The department's roles. Each is a Django group created by a migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Tổ chức, cá nhân nộp hồ sơ")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    HEAD_OF_DIVISION = "head_of_division", _("Lãnh đạo phòng")
    DIRECTOR = "director", _("Giám đốc / Phó Giám đốc Sở")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký hội đồng")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng")
    INSPECTOR = "inspector", _("Thanh tra viên")
    ACCOUNTANT = "accountant", _("Kế toán")


STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Roles that serve the whole department rather than one division: the director (and
# deputies) sign for the department; the accountant keeps the department's books.
DEPARTMENT_WIDE_ROLES = frozenset({Role.DIRECTOR, Role.ACCOUNTANT})
# Roles that lead: the head of a division leads it, the director the department. A
# leader may act on a step of what they lead even when an officer holds its task.
LEADER_ROLES = frozenset({Role.HEAD_OF_DIVISION, Role.DIRECTOR})


def _load(user) -> None:
    """The user's groups and division code in one query (compiled once, prepared on
    PostgreSQL: every signed-in request runs it), cached on the user object for the
    request (workflows.access reads the division too)."""
    from django.contrib.auth import get_user_model
    from django.db import connections, router

    from .sql import compiled_values

    model = get_user_model()  # not type(user): request.user is a lazy object
    rows = compiled_values(
        "workflows.roles",
        lambda pk: (
            model._default_manager.filter(pk=pk)
            .order_by()
            .values_list("groups__name", "division__code")
        ),
        user.pk,
        connections[router.db_for_read(model)],
    )
    user._motcua_roles = {name for name, _code in rows if name}
    user.__dict__["_motcua_division"] = rows[0][1] if rows else None


def user_roles(user) -> set[str]:
    """The role codes of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "_motcua_roles", None) is None:
        _load(user)
    return user._motcua_roles


def user_division(user) -> str | None:
    """The code of the user's division (None: none), cached like the roles."""
    if not getattr(user, "is_authenticated", False):
        return None
    if "_motcua_division" not in user.__dict__:
        _load(user)
    return user.__dict__["_motcua_division"]


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or user_roles(user) & STAFF_ROLES)
