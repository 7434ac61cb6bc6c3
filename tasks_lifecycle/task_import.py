"""Taking over a task already under contract when the system starts (chuyển tiếp).

A province does not start with an empty register: the tasks approved and contracted in
earlier years (the 29 under 6-monthly inspection in 2024, the brand and IP-programme
projects carried over from 2021–2023) enter the system at their contract. The division
records the approval decision the task was contracted under and the contract itself;
the contract then opens the same ledger rows and inspections as a contract signed here
(`task_services.task_sign_contract`), so from that day on the task is followed like any
other; the inspections due before the take-over were held on paper and are not
listed. The audit trail says the task was taken over, by whom, with which decision.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from workflows.audit import audit_record
from workflows.selectors import division_by_code

from . import task_access
from .access import MANAGING_DIVISION
from .models import (
    Decision,
    HostOrganisation,
    Investigator,
    Method,
    Programme,
    Stage,
    Task,
)
from .services import _next_number
from .task_catalogue import current_version
from .task_services import TaskRefused, _flow_sync, _today, task_sign_contract


def task_take_over(
    *,
    actor,
    title: str,
    year: int,
    host: HostOrganisation,
    pi: Investigator,
    decision: dict,
    contract: dict,
    programme: str = Programme.PROVINCIAL,
    field: str = "",
    method: str = Method.DIRECT,
    task_type: str = "technology",
    summary: str = "",
    duration_months: int | None = None,
    officer=None,
) -> Task:
    """Enter a task already approved and contracted: `decision` is the approval
    (number, signed_on, signer), `contract` the arguments of `task_sign_contract`
    (number, signed_on, effective_on, starts_on, ends_on, budget, instalments)."""
    title = " ".join((title or "").split())
    number, signer = (decision.get("number") or "").strip(), (decision.get("signer") or "").strip()
    problems = []
    if not title:
        problems.append(_("Cần ghi tên nhiệm vụ."))
    if not number or not signer or not decision.get("signed_on"):
        problems.append(_("Cần ghi số, ngày ký và người ký quyết định phê duyệt."))
    if host is None or pi is None:
        problems.append(_("Cần ghi tổ chức chủ trì và chủ nhiệm nhiệm vụ."))
    if problems:
        raise TaskRefused(" ".join(problems), code="take_over_invalid")
    with transaction.atomic():
        signed_on: date = decision["signed_on"]
        approval, _created = Decision.objects.get_or_create(
            number=number,
            signed_on=signed_on,
            defaults={
                "kind": Decision.Kind.HOST_APPROVAL,
                "signer": signer,
                "title": decision.get("title", ""),
            },
        )
        task = Task.objects.create(
            code=f"NV-{year}-{_next_number(f'st-task-{year}'):04d}",
            title=title,
            year=year,
            summary=summary,
            field=field,
            programme=programme,
            task_type=task_type,
            method=method,
            proposer=host,
            host=host,
            pi=pi,
            officer=officer,
            proposed_on=signed_on,
            host_decision=approval,
            state_budget=contract.get("budget") or 0,
            duration_months=duration_months,
            procedure_version=current_version(signed_on),
            division=division_by_code(MANAGING_DIVISION),
            stage=Stage.HOST_APPROVED,
        )
        # checked on the new row (its parties decide self-dealing); a refusal rolls it back
        task_access.step_authorize(task, "take_over", actor)
        audit_record(
            case=task,
            actor=actor,
            action="take_over",
            to_state=task.stage,
            note=_("Tiếp nhận nhiệm vụ chuyển tiếp theo quyết định %(d)s.") % {"d": approval},
            data={"decision": str(approval)},
        )
        _flow_sync(task)
        return task_sign_contract(task=task, actor=actor, followed_from=_today(), **contract)
