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


def user_roles(user) -> set[str]:
    """The role codes of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_motcua_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._motcua_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or user_roles(user) & STAFF_ROLES)
