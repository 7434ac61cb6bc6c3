"""Row locks on PostgreSQL: two doors acting on one S&T task at once — one wins, the
other is refused with the task as the winner left it."""

from datetime import date

import pytest

from tasks_lifecycle.models import AcceptanceDossier, Contract, Investigator
from tasks_lifecycle.task_import import task_take_over
from tasks_lifecycle.task_services import task_extend, task_file_dossier

from .conftest import on
from .test_concurrency import race
from .test_task_contract import CONTRACT
from .test_task_import import DECISION

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _running(staff, org):
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org)
    with on(date(2024, 3, 1)):
        return task_take_over(
            actor=staff["officer"],
            title="Xây dựng mô hình sản xuất măng tây tại tỉnh Sơn La",
            year=2024,
            host=org,
            pi=pi,
            decision=DECISION,
            contract=CONTRACT,
        )


def test_two_extensions_at_once_only_one_is_granted(staff, org):
    task = _running(staff, org)

    def extend(number):
        with on(date(2025, 6, 2)):
            task_extend(
                task=task, actor=staff["director"], months=6, requested_on=date(2025, 6, 2),
                decision_number=number, signed_on=date(2025, 6, 2), signer="Giám đốc Sở",
                cause="Thời tiết bất lợi",
            )  # fmt: skip

    outcomes = race(lambda: extend("11/QĐ-SKHCN"), lambda: extend("12/QĐ-SKHCN"))
    assert outcomes == ["extension_refused", "ok"]
    contract = Contract.objects.get(task=task)
    assert contract.extended_months == 6 and contract.ends_on == date(2026, 2, 28)


def test_the_dossier_filed_twice_at_once_is_kept_once(staff, org):
    task = _running(staff, org)

    def file():
        with on(date(2025, 9, 10)):
            task_file_dossier(task=task, actor=staff["host"], self_evaluation="Đạt yêu cầu.")

    outcomes = race(file, file)
    assert outcomes == ["ok", "transition_refused"]
    assert AcceptanceDossier.objects.filter(task=task).count() == 1
