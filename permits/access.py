"""Who may act on a one-stop dossier, and who sees its personal data.

The desk's side of the engine's rule (`workflows.access`): which role acts on each
step, which division owns it, and which flow node holds its task. The one-stop desk
owns the receipt, the check and the fee; the steps from the appraisal to the signature
(and the apology slip) belong to the division that appraises the dossier's kind
(`workflows.onestop.kinds`: Phòng Công nghệ và Quản lý khoa học cơ sở for the radiation
kinds, `STEPS` as written; Phòng Quản lý khoa học và công nghệ for a result
registration). The
services call `dossier_lock_for_step` at their start (inside their transaction): one
query locks the dossier and reads who holds the step's task, one more (cached per
request) reads the actor's roles and division.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from workflows.access import (
    access_decide,
    actor_profile,
    counter_filing_decide,
    has_step,
    task_holder_subquery,
)
from workflows.errors import ActionForbidden, DomainError
from workflows.models import Division
from workflows.onestop import kinds
from workflows.roles import Role
from workflows.selectors import compiled_get

from .models import Channel, Dossier

# The division that appraises radiation dossiers (DOMAIN.md §2, Sơn La specifics) and
# the one-stop desk; both are catalogue data of the engine (workflows.Division).
APPRAISAL_DIVISION = "cn-qlkhcs"
ONE_STOP_DIVISION = "mot-cua"


@dataclass(frozen=True)
class StepRule:
    """Who acts on a step: its roles, the division that owns it, and the flow node whose
    task holds it (None: the step has no task of its own)."""

    roles: tuple[str, ...]
    division: str | None
    node: str | None = None
    # the dossier's specialist holds the appraisal (the task follows them)
    held_by_specialist: bool = False


STEPS: dict[str, StepRule] = {
    # a dossier handed in at the counter or by post, recorded by the desk
    "receive": StepRule((Role.ONE_STOP_OFFICER,), ONE_STOP_DIVISION),
    "check": StepRule((Role.ONE_STOP_OFFICER,), ONE_STOP_DIVISION, "check"),
    "fee": StepRule((Role.ACCOUNTANT, Role.ONE_STOP_OFFICER), ONE_STOP_DIVISION, "fee"),
    "appraisal": StepRule((Role.SPECIALIST,), APPRAISAL_DIVISION, "appraisal", True),
    # taking the appraisal (a specialist, if nobody has it) or handing it over (the head)
    "assign": StepRule(
        (Role.SPECIALIST, Role.HEAD_OF_DIVISION), APPRAISAL_DIVISION, "appraisal", True
    ),
    "review": StepRule((Role.HEAD_OF_DIVISION,), APPRAISAL_DIVISION, "review"),
    "signing": StepRule((Role.DIRECTOR,), APPRAISAL_DIVISION, "signing"),
    "apology_draft": StepRule(
        (Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.DIRECTOR),
        APPRAISAL_DIVISION,
        "appraisal",
        True,
    ),
    "apology_issue": StepRule((Role.HEAD_OF_DIVISION, Role.DIRECTOR), APPRAISAL_DIVISION),
}
# The steps owned by the division that appraises the dossier's kind (`step_rule`).
APPRAISING_STEPS = frozenset(
    {"appraisal", "assign", "review", "signing", "apology_draft", "apology_issue"}
)
# The steps of the procedure proper: a role with none of them has no need of the
# dossier's personal data.
PROCEDURE_STEPS = ("check", "fee", "appraisal", "review", "signing")
# The dossier's personal fields: the worker's identity, and the contact details.
PERSONAL_FIELDS = (
    "worker_name",
    "worker_birth_date",
    "worker_id_number",
    "worker_qualification",
    "organisation_address",
    "facility_address",
    "contact_phone",
    "contact_email",
)


def step_rule(step: str, kind: str | None = None) -> StepRule:
    """Who acts on `step` of a dossier of `kind` (None: the radiation kinds, as `STEPS`
    says): the appraising steps move to the kind's division."""
    rule = STEPS[step]
    if kind is None or step not in APPRAISING_STEPS:
        return rule
    spec = kinds.get(kind)
    if spec is None or spec.appraisal_division == rule.division:
        return rule
    return replace(rule, division=spec.appraisal_division)


def _nodes(node: str) -> list:
    from . import flows  # late import: flows → views_staff → services → access

    return [getattr(flow, node) for flow in flows.FLOWS]


def _division_label(code: str | None) -> str:
    if code is None:
        return ""
    name = Division.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code


def dossier_lock_for_step(pk: int, actor, *steps: str, choose=None, queryset=None) -> Dossier:
    """Lock the dossier row, read who holds the step's task in the same query, and check
    the actor may act on it (raises `ActionForbidden` with the reason).

    `steps` are the steps the service may act on; `choose(case)` picks one from the
    locked row (None: no check here — the transition's own guard answers). `queryset`
    (a queryset, or a function making one) is what the row is read with.
    """
    nodes = sorted({STEPS[s].node for s in steps if STEPS[s].node})

    def build():
        base = queryset() if callable(queryset) else queryset
        qs = (base if base is not None else Dossier.objects.all()).select_for_update(of=("self",))
        if nodes:
            qs = qs.annotate(
                task_holder=task_holder_subquery(
                    Dossier, [n for node in nodes for n in _nodes(node)]
                )
            )
        return qs

    if callable(queryset):  # a factory: its SQL is compiled once per process
        case = compiled_get(("dossier_lock_for_step", queryset, tuple(nodes)), build, pk)
    else:
        case = build().get(pk=pk)
    step = choose(case) if choose is not None else steps[0]
    if step is not None:
        step_authorize(case, actor, step)
    return case


def step_authorize(case: Dossier, actor, step: str) -> None:
    rule = step_rule(step, case.kind)
    holder = getattr(case, "task_holder", None)
    if rule.held_by_specialist and case.specialist_id:
        holder = case.specialist_id
    profile = actor_profile(actor)
    values = {
        "actor_id": profile.id,
        "actor_roles": profile.roles,
        "actor_division": profile.division,
        "step_roles": rule.roles,
        "owner_division": rule.division,
        "holder_id": holder,
        "applicant_id": case.applicant_id,
    }
    decision = access_decide(**values)
    if not decision and decision.code == "other_division":  # name the division
        decision = access_decide(**values, owner_division_label=_division_label(rule.division))
    decision.raise_if_refused()


def holds_step(user, step: str, kind: str | None = None) -> bool:
    """The user has the step's role in the division that owns it on a dossier of `kind`
    (whoever holds its task now): who may claim it, and who is offered its buttons."""
    rule = step_rule(step, kind)
    profile = actor_profile(user)
    return has_step(
        actor_roles=profile.roles,
        actor_division=profile.division,
        step_roles=rule.roles,
        owner_division=rule.division,
    )


def desk_officer(user) -> bool:
    """A one-stop officer of the desk (who completes a dossier filed at the counter)."""
    return holds_step(user, "receive")


def assignee_check(case: Dossier, specialist) -> None:
    """The appraisal goes to a specialist of the division that appraises the dossier's
    kind, never to the account the dossier is filed in."""
    profile = actor_profile(specialist)
    division = step_rule("appraisal", case.kind).division
    if not has_step(
        actor_roles=profile.roles,
        actor_division=profile.division,
        step_roles=(Role.SPECIALIST,),
        owner_division=division,
    ):
        raise DomainError(
            _("Người được giao phải là chuyên viên của %(division)s.")
            % {"division": _division_label(division)},
            code="not_a_specialist",
        )
    if profile.id == case.applicant_id:
        raise ActionForbidden(
            _("Không giao thẩm định hồ sơ cho chính người đứng tên hồ sơ."), code="self_dealing"
        )


def filing_authorize(*, actor, applicant, channel: str) -> None:
    """A dossier is filed online in one's own account, or at the desk (counter, post)
    by a one-stop officer for an applicant account (F4, F5)."""
    me = actor_profile(actor)
    other = me if applicant.pk == actor.pk else actor_profile(applicant)
    counter_filing_decide(
        actor_id=me.id,
        actor_roles=me.roles,
        actor_division=me.division,
        desk_division=ONE_STOP_DIVISION,
        online=channel == Channel.ONLINE,
        applicant_id=other.id,
        applicant_roles=other.roles,
        applicant_active=other.is_active,
        applicant_is_staff=other.is_staff,
        applicant_is_superuser=other.is_superuser,
    ).raise_if_refused()


def counter_applicant_refusal(applicant) -> str:
    """Why this account cannot be named in a counter filing ("" if it can)."""
    profile = actor_profile(applicant)
    decision = counter_filing_decide(
        actor_id=-1,
        actor_roles={Role.ONE_STOP_OFFICER},
        actor_division=None,
        desk_division=None,
        online=False,
        applicant_id=profile.id,
        applicant_roles=profile.roles,
        applicant_active=profile.is_active,
        applicant_is_staff=profile.is_staff,
        applicant_is_superuser=profile.is_superuser,
    )
    return "" if decision else decision.reason


def sees_personal_data(user, dossier: Dossier | None = None) -> bool:
    """Whether `user` may see the personal fields, uploads and generated documents of
    the dossier (None: of the radiation dossiers and their register): the dossier's own
    applicant, a role with a step in its procedure (in the division that owns it), or a
    superuser (the system's administrator). Council members and secretaries,
    inspectors, and officers of other divisions have no step, so they see none."""
    if not getattr(user, "is_authenticated", False):
        return False
    if dossier is not None and dossier.applicant_id == user.pk:
        return True
    if user.is_superuser:
        return True
    kind = dossier.kind if dossier is not None else None
    spec = kinds.get(kind) if kind is not None else None
    steps = [s for s in PROCEDURE_STEPS if s != "fee" or spec is None or spec.fee]
    return any(holds_step(user, s, kind) for s in steps)
