"""Who may act on a step of an S&T task: the tasks' side of `workflows.access`.

`STEPS` names, for every service step, who does it:
- "division": the managing division's specialist (Phòng Quản lý khoa học và công nghệ,
  `qlkh`); the officer following the task holds it once assigned (the first specialist
  to act takes it), the head of that division and the director may act as its leaders;
- "leader": the head of the division or the director only (recording the People's
  Committee's decisions the Chairman signs);
- "host": a user of the task's host organisation (or, before there is a host, of the
  organisation that proposed it), and nobody else;
- "applicant": a user of the organisation an application is filed for (any organisation
  may answer a public call; `organisation=` names it).
Nobody acts as the division on a task they lead or take part in (self-dealing).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows.access import access_decide, actor_profile
from workflows.errors import ActionForbidden
from workflows.roles import LEADER_ROLES, Role

from .access import MANAGING_DIVISION, _division_label
from .models import Task

DIVISION, LEADER, HOST, APPLICANT = "division", "leader", "host", "applicant"

STEPS = {
    "propose": HOST,
    "take_over": DIVISION,
    "screen": DIVISION,
    "send_to_identification": DIVISION,
    "recommend": DIVISION,
    "not_recommend": DIVISION,
    "approve": LEADER,
    "publish": DIVISION,
    # selection or direct assignment, budget appraisal, approval (task_selection.py)
    "open_call": DIVISION,
    "apply": APPLICANT,
    "open_applications": DIVISION,
    "call_fails": DIVISION,
    "send_to_selection": DIVISION,
    "select": DIVISION,
    "submit_revision": HOST,
    "appraise_budget": DIVISION,
    "finalise": HOST,
    "approve_host": LEADER,
    "sign_contract": DIVISION,
    "extend": LEADER,
    "file_dossier": HOST,
    "request_supplement": DIVISION,
    "accept_dossier": DIVISION,
    # periodic inspection and termination (task_progress)
    "plan_inspection": DIVISION,
    "upload_inspection_reports": HOST,
    "record_inspection": DIVISION,
    "confirm_workload": DIVISION,
    "confirm_spending": DIVISION,
    "terminate": LEADER,
    # acceptance to recognition or refund (task_acceptance)
    "send_to_acceptance": DIVISION,
    "record_acceptance": DIVISION,
    "submit_corrections": HOST,
    "recognise": LEADER,
    "record_refund": DIVISION,
}

STEP_ROLES = {
    DIVISION: (Role.SPECIALIST, *LEADER_ROLES),
    LEADER: tuple(LEADER_ROLES),
}


def _party_user_ids(task: Task) -> set[int]:
    """The accounts of the task's PI and participants (read once per task object: a page
    asks for every step it offers; a service works on the row it locked)."""
    cached = task.__dict__.get("_party_user_ids")
    if cached is None:
        cached = {task.pi.user_id} if task.pi_id and task.pi.user_id else set()
        cached |= {uid for uid in task.participants.values_list("user_id", flat=True) if uid}
        task.__dict__["_party_user_ids"] = cached
    return cached


def _member_of(user, org_id: int | None) -> bool:
    if not getattr(user, "is_authenticated", False) or org_id is None:
        return False
    return user.host_organisations.filter(pk=org_id).exists()


def host_member(task: Task, user) -> bool:
    """A user of the task's host organisation (before a host: of its proposer)."""
    return _member_of(user, task.host_id or task.proposer_id)


def organisation_member(organisation, user) -> bool:
    """A user (account) of `organisation` (a HostOrganisation)."""
    return _member_of(user, getattr(organisation, "pk", None))


def step_authorize(task: Task, step: str, actor, *, organisation=None) -> None:
    """The actor may perform `step` on `task` now, or `ActionForbidden` with the reason
    (`organisation`: the one an application is filed for, for the applicant's steps)."""
    who = STEPS[step]
    if who == APPLICANT:
        if not organisation_member(organisation, actor):
            raise ActionForbidden(
                _("Hồ sơ đăng ký do tài khoản của chính tổ chức đăng ký chủ trì nộp."),
                code="not_member",
            )
        return
    if who == HOST:
        if not host_member(task, actor):
            raise ActionForbidden(
                _("Bước này do tổ chức chủ trì (tổ chức đề xuất) của nhiệm vụ thực hiện."),
                code="not_host",
            )
        return
    profile = actor_profile(actor)
    values = {
        "actor_id": profile.id,
        "actor_roles": profile.roles,
        "actor_division": profile.division,
        "step_roles": STEP_ROLES[who],
        "owner_division": MANAGING_DIVISION,
        "holder_id": task.officer_id if who == DIVISION else None,
        # the PI or a participant acting on their own task is self-dealing
        "applicant_id": profile.id if profile.id in _party_user_ids(task) else None,
    }
    decision = access_decide(**values)
    if not decision and decision.code == "other_division":
        decision = access_decide(**values, owner_division_label=_division_label())
    decision.raise_if_refused()
