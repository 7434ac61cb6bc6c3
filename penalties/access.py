"""Who may act on a penalty case, and who sees its personal data.

The penalty procedure's side of the engine's rule (`workflows.access`): which role acts
on each step and which division owns it. The inspectorate (Thanh tra Sở) owns the
case; its head is the Chief Inspector (Chánh Thanh tra: `head_of_division` of the
`thanh-tra` division), who leads it and signs within their competence; the director
signs above it; the accountant (department-wide) records the treasury's receipts.
The case's inspector holds its inspector steps: another inspector may not act on it
(only the Chief Inspector, who leads the division, or the director).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from workflows.access import access_decide, actor_profile, has_step
from workflows.errors import ActionForbidden
from workflows.roles import Role

from . import rules
from .models import PenaltyCase, Signer

INSPECTORATE = "thanh-tra"
INSPECTORATE_LABEL = "Thanh tra Sở"


@dataclass(frozen=True)
class StepRule:
    roles: tuple[str, ...]
    division: str | None
    held_by_inspector: bool = False


STEPS: dict[str, StepRule] = {
    # the violation record, explanation, the draft decision, delivery, reminder letters
    "record": StepRule((Role.INSPECTOR, Role.HEAD_OF_DIVISION), INSPECTORATE, True),
    # signing the decision, instalments / postponement, enforcement, extensions
    "sign": StepRule((Role.HEAD_OF_DIVISION, Role.DIRECTOR), INSPECTORATE),
    # treasury receipts and statements
    "collect": StepRule((Role.ACCOUNTANT,), None),
}
PROCEDURE_STEPS = tuple(STEPS)
# the signer tier each role may sign for (catalogue tiers: chief_inspector < director)
SIGNER_OF_ROLE = {Role.HEAD_OF_DIVISION: Signer.CHIEF_INSPECTOR, Role.DIRECTOR: Signer.DIRECTOR}


def step_authorize(case: PenaltyCase | None, actor, step: str) -> None:
    """Raise `ActionForbidden` with the reason unless `actor` may act on `step`."""
    rule = STEPS[step]
    holder = case.inspector_id if (case is not None and rule.held_by_inspector) else None
    profile = actor_profile(actor)
    access_decide(
        actor_id=profile.id,
        actor_roles=profile.roles,
        actor_division=profile.division,
        step_roles=rule.roles,
        owner_division=rule.division,
        holder_id=holder,
        owner_division_label=INSPECTORATE_LABEL if rule.division else "",
    ).raise_if_refused()


def holds_step(user, step: str) -> bool:
    rule = STEPS[step]
    profile = actor_profile(user)
    return has_step(
        actor_roles=profile.roles,
        actor_division=profile.division,
        step_roles=rule.roles,
        owner_division=rule.division,
    )


def sees_cases(user) -> bool:
    """A role with a step in the procedure (or the system's administrator) sees the
    penalty pages; other staff, applicants and visitors see none of them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or any(holds_step(user, s) for s in PROCEDURE_STEPS)


def sees_personal_data(user) -> bool:
    """The violator's address and ID number: the inspectorate and the signers only (the
    accountant matches payments by decision number and needs neither)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or holds_step(user, "record") or holds_step(user, "sign")


def signer_tier_of(user) -> str | None:
    """The highest signer tier `user` holds (director above chief inspector)."""
    profile = actor_profile(user)
    if Role.DIRECTOR in profile.roles:
        return Signer.DIRECTOR
    if Role.HEAD_OF_DIVISION in profile.roles and profile.division == INSPECTORATE:
        return Signer.CHIEF_INSPECTOR
    return None


def competence_check(user, amount: int, *, organisation: bool, tiers) -> str:
    """The signer tier with which `user` signs a decision of `amount`; refused with the
    reason when the amount is above their competence."""
    tier = signer_tier_of(user)
    needed = rules.signer_for(amount, organisation=organisation, tiers=tiers)
    order = [t["role"] for t in tiers]
    if tier is None:
        raise ActionForbidden(_("Bạn không có thẩm quyền ký quyết định xử phạt."))
    if needed is None:
        raise ActionForbidden(
            _("Số tiền phạt %(a)s đồng vượt thẩm quyền xử phạt trong danh mục.")
            % {"a": f"{amount:,}".replace(",", ".")},
            code="above_competence",
        )
    if order.index(needed) > order.index(tier):
        raise ActionForbidden(
            _(
                "Số tiền phạt %(a)s đồng vượt thẩm quyền của %(mine)s; quyết định thuộc thẩm "
                "quyền của %(needed)s."
            )
            % {
                "a": f"{amount:,}".replace(",", "."),
                "mine": Signer(tier).label,
                "needed": Signer(needed).label,
            },
            code="above_competence",
        )
    return tier


def chairman_record_check(user, amount: int, *, organisation: bool, tiers) -> str:
    """The director records a decision signed by the Chairman of the People's Committee
    (a fine above the department's competence, the file transmitted to the province):
    refused with the reason unless `user` is the director and the amount is within the
    Chairman's competence in the catalogue."""
    if signer_tier_of(user) != Signer.DIRECTOR:
        raise ActionForbidden(
            _("Chỉ Giám đốc Sở ghi nhận quyết định xử phạt do Chủ tịch Ủy ban nhân dân tỉnh ký.")
        )
    if not rules.signer_competent(Signer.CHAIRMAN, amount, organisation=organisation, tiers=tiers):
        raise ActionForbidden(
            _("Số tiền phạt %(a)s đồng vượt thẩm quyền xử phạt của %(who)s trong danh mục.")
            % {"a": f"{amount:,}".replace(",", "."), "who": Signer.CHAIRMAN.label},
            code="above_competence",
        )
    return Signer.CHAIRMAN
