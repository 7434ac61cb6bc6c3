"""Who may act on a step of an S&T task: the tasks' side of `workflows.access`.

`STEPS` names, for every service step, who does it:
- "division": the managing division's specialist (Phòng Quản lý khoa học và công nghệ,
  `qlkh`); the officer following the task holds it once assigned (the first specialist
  to act takes it), the head of that division and the director may act as its leaders;
- "leader": the head of the division or the director only (recording the People's
  Committee's decisions the Chairman signs);
- "host": a user of the task's host organisation (or, before there is a host, of the
  organisation that proposed it), and nobody else.
Nobody acts as the division on a task they lead or take part in (self-dealing).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows.access import access_decide, actor_profile
from workflows.errors import ActionForbidden
from workflows.roles import LEADER_ROLES, Role

from .access import MANAGING_DIVISION, _division_label
from .models import Task

DIVISION, LEADER, HOST = "division", "leader", "host"

STEPS = {
    "propose": HOST,
    "screen": DIVISION,
    "send_to_identification": DIVISION,
    "recommend": DIVISION,
    "not_recommend": DIVISION,
    "approve": LEADER,
    "publish": DIVISION,
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
    ids = {task.pi.user_id} if task.pi_id and task.pi.user_id else set()
    ids |= {uid for uid in task.participants.values_list("user_id", flat=True) if uid}
    return ids


def host_member(task: Task, user) -> bool:
    """A user of the task's host organisation (before a host: of its proposer)."""
    org_id = task.host_id or task.proposer_id
    if not getattr(user, "is_authenticated", False) or org_id is None:
        return False
    return user.host_organisations.filter(pk=org_id).exists()


def step_authorize(task: Task, step: str, actor) -> None:
    """The actor may perform `step` on `task` now, or `ActionForbidden` with the reason."""
    who = STEPS[step]
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
