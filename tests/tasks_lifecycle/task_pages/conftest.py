"""Fixtures of the S&T tasks' pages and API: tasks at given stages with their parties,
a signed contract (its ledger rows and inspections through the service), and the
people of the permission matrix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from tasks_lifecycle.models import HostOrganisation, Investigator, Stage, Task
from tasks_lifecycle.task_catalogue import current_version
from tasks_lifecycle.task_services import task_sign_contract
from tests.conftest import make_user
from workflows.models import Deadline
from workflows.roles import Role

from ..conftest import on
from ..test_task_contract import CONTRACT

SAM = "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam tại huyện Mường La"
_seq = iter(range(1, 10**6))


def browser(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def new_task(org, *, stage=Stage.PROPOSED, title=SAM, officer=None, pi=None, host=True, **kw):
    n = next(_seq)
    task = Task.objects.create(
        code=kw.pop("code", f"NV-2024-{n:04d}"),
        title=title,
        year=kw.pop("year", 2024),
        proposer=org,
        host=org if host else None,
        pi=pi,
        officer=officer,
        proposed_on=date(2023, 10, 2),
        field=kw.pop("field", "Nông nghiệp"),
        procedure_version=current_version(date(2024, 1, 1)),
        **kw,
    )
    Task.objects.filter(pk=task.pk).update(stage=stage)  # the stage is protected
    return Task.objects.get(pk=task.pk)


def ledger_row(task, kind: str, due: date, owner=None) -> Deadline:
    return Deadline.objects.create(
        content_type=ContentType.objects.get_for_model(Task),
        object_id=str(task.pk),
        kind=kind,
        procedure_code="nhiem-vu-khcn",
        dossier_code=task.code,
        title=f"{task.code}: {kind}",
        due_date=due,
        owner_user=owner,
    )


@pytest.fixture
def world(staff, org, db):
    """The matrix's people and two tasks: ours (org, PI `chunhiem`, officer `cvqlkh`) in
    progress with its contract, and another organisation's."""
    pi_user = make_user("chunhiem", Role.APPLICANT, first_name="An", last_name="Nguyễn Văn")
    pi = Investigator.objects.create(
        full_name="Nguyễn Văn An", organisation=org, user=pi_user, email="an.nv@example.vn"
    )
    helper = Investigator.objects.create(full_name="Lò Thị Bình", email="binh.lt@example.vn")
    task = new_task(org, stage=Stage.HOST_APPROVED, officer=staff["officer"], pi=pi)
    task.participants.add(helper)
    with on(date(2024, 2, 29)):
        task = task_sign_contract(task=task, actor=staff["officer"], **CONTRACT)
    other_org = HostOrganisation.objects.get(name="Trường Đại học Tây Bắc")
    other = new_task(other_org, title="Ứng dụng công nghệ sinh học trong chăn nuôi bò")
    users = {
        "officer": staff["officer"],
        "head": staff["head"],
        "director": staff["director"],
        "host": staff["host"],
        "pi": pi_user,
        "other_host": staff["other_host"],
        "secretary": staff["secretary"],
        "member": make_user("thanhvien", Role.COUNCIL_MEMBER),
        "other_division": staff["specialist"],
        "applicant": staff["applicant"],
        "anon": None,
    }
    return {"task": task, "other": other, "users": users, "staff": staff, "org": org}


def many_tasks(org, n: int, *, officer=None, start: int = 0) -> list[Task]:
    """n tasks over every stage, each with two open ledger rows (bulk)."""
    stages = list(Stage.values)
    tasks = Task.objects.bulk_create(
        Task(
            code=f"NV-B-{start + i:05d}",
            title=f"Nhiệm vụ thử số {start + i}",
            year=2020 + i % 5,
            proposer=org,
            host=org,
            officer=officer,
            proposed_on=date(2023, 1, 1),
            stage=stages[i % len(stages)],
        )
        for i in range(n)
    )
    ct = ContentType.objects.get_for_model(Task)
    Deadline.objects.bulk_create(
        Deadline(
            content_type=ct,
            object_id=str(t.pk),
            kind=kind,
            procedure_code="nhiem-vu-khcn",
            dossier_code=t.code,
            title=kind,
            due_date=timezone.localdate() + timedelta(days=(i % 30) - 10 + k),
            owner_user=officer,
        )
        for i, t in enumerate(tasks)
        for k, kind in enumerate(("contract_end", "inspection_due"))
    )
    return tasks
