"""A task already under contract when the system starts is taken over at its contract:
the same ledger rows and inspections as a contract signed here, an audit row saying so."""

from datetime import date

import pytest

from tasks_lifecycle import task_flows
from tasks_lifecycle.models import Contract, Investigator, Stage, Task
from tasks_lifecycle.task_import import task_take_over
from tasks_lifecycle.task_services import TaskRefused
from workflows.errors import ActionForbidden
from workflows.models import AuditEntry, Deadline

from .conftest import on
from .test_task_contract import CONTRACT

pytestmark = pytest.mark.django_db

DECISION = {"number": "1520/QĐ-UBND", "signed_on": date(2024, 2, 20), "signer": "Lê Hồng Minh"}


def _take_over(staff, org, actor_key="officer", **kw):
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org)
    with on(date(2024, 3, 1)):
        return task_take_over(
            actor=staff[actor_key],
            title="Xây dựng mô hình sản xuất măng tây tại tỉnh Sơn La",
            year=2024,
            host=org,
            pi=pi,
            decision=kw.pop("decision", DECISION),
            contract=CONTRACT,
            **kw,
        )


def test_take_over_enters_the_task_at_its_contract(staff, org):
    task = _take_over(staff, org)
    assert task.stage == Stage.IN_PROGRESS and task.host == org
    assert Contract.objects.get(task=task).ends_on == date(2025, 8, 31)
    kinds = set(
        Deadline.objects.filter(object_id=str(task.pk), procedure_code="nhiem-vu-khcn").values_list(
            "kind", flat=True
        )
    )
    assert {"contract_end", "acceptance_dossier", "inspection_due"} <= kinds
    actions = list(
        AuditEntry.objects.filter(object_id=str(task.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["take_over", "sign_contract"]
    assert [t.flow_task.name for t in task_flows.open_tasks(task)] == ["implementation"]


def test_take_over_is_the_division_s_and_checked(staff, org):
    with pytest.raises(ActionForbidden):
        _take_over(staff, org, actor_key="host")
    with pytest.raises(TaskRefused):
        _take_over(staff, org, decision={"number": "", "signed_on": None, "signer": ""})
    assert not Task.objects.exists()


def test_inspections_before_the_take_over_are_not_followed(staff, org):
    pi = Investigator.objects.create(full_name="Lò Văn Tâm", organisation=org)
    with on(date(2025, 1, 6)):
        task = task_take_over(
            actor=staff["officer"],
            title="Ứng dụng tiến bộ kỹ thuật nuôi cá lồng trên lòng hồ thủy điện Sơn La",
            year=2024,
            host=org,
            pi=pi,
            decision=DECISION,
            contract=CONTRACT,
        )
    due = list(task.inspections.order_by("number").values_list("number", "due_on"))
    assert due and all(d >= date(2025, 1, 6) for _n, d in due) and due[0][0] == 1
    open_rows = Deadline.objects.filter(
        object_id=str(task.pk), kind="inspection_due", state="open"
    ).values_list("due_date", flat=True)
    assert sorted(open_rows) == [d for _n, d in due]
