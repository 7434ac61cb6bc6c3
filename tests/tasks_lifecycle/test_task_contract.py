"""The contract opens the dates that follow from its end; an extension (once, within its
maximum, requested at least 1 month before the end) moves each of them, with its cause."""

from datetime import date

import pytest

from tasks_lifecycle.models import (
    AcceptanceDossier,
    Contract,
    Decision,
    Inspection,
    Investigator,
    Stage,
    Task,
)
from tasks_lifecycle.task_services import (
    TaskRefused,
    bar_reasons_for,
    task_accept_dossier,
    task_extend,
    task_file_dossier,
    task_request_supplement,
    task_sign_contract,
)
from workflows.errors import ActionForbidden
from workflows.models import AuditEntry, Deadline

from .conftest import on
from .test_task_services import _proposed

pytestmark = pytest.mark.django_db

CONTRACT = {
    "number": "05/2024/HĐ-KHCN",
    "signed_on": date(2024, 2, 29),
    "effective_on": date(2024, 2, 29),
    "starts_on": date(2024, 3, 1),
    "ends_on": date(2025, 8, 31),
    "budget": 1_200_000_000,
    "instalments": [(date(2024, 3, 15), 700_000_000), (date(2024, 11, 15), 500_000_000)],
}


@pytest.fixture
def approved(staff, org):
    task = _proposed(staff, org)
    pi_user = staff["host"]
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org, user=pi_user)
    Task.objects.filter(pk=task.pk).update(
        stage=Stage.HOST_APPROVED, host=org, pi=pi, officer=staff["officer"]
    )
    return Task.objects.get(pk=task.pk)


def _rows(task) -> dict:
    return {
        d.kind: d
        for d in Deadline.objects.filter(object_id=str(task.pk), procedure_code="nhiem-vu-khcn")
    }


def test_contract_opens_the_dates_of_its_end_and_the_inspections(staff, approved):
    with on(date(2024, 2, 29)):
        task = task_sign_contract(task=approved, actor=staff["officer"], **CONTRACT)
    assert task.stage == Stage.IN_PROGRESS and task.duration_months == 18
    contract = Contract.objects.get(task=task)
    assert [i.amount for i in contract.instalments.all()] == [700_000_000, 500_000_000]
    rows = _rows(task)
    assert rows["contract_end"].due_date == date(2025, 8, 31)
    assert rows["contract_end"].owner_user == staff["host"]  # the PI is warned
    assert rows["contract_end"].next_action_on == date(2025, 8, 1)  # T-30 days
    assert rows["extension_window"].due_date == date(2025, 7, 31)
    assert rows["acceptance_dossier"].due_date == date(2025, 9, 30)
    assert rows["acceptance_limit_warning"].due_date == date(2026, 1, 31)
    assert rows["acceptance_limit"].due_date == date(2026, 2, 28)
    # Sơn La: every 6 months from the effect date 29/02/2024 (the catalogue, not 12)
    due = list(Inspection.objects.filter(task=task).values_list("due_on", flat=True))
    assert due == [date(2024, 8, 29), date(2025, 2, 28), date(2025, 8, 29)]
    inspections = Deadline.objects.filter(object_id=str(task.pk), kind="inspection_due")
    assert sorted(d.due_date for d in inspections) == due


def test_contract_input_is_checked_and_nothing_is_lost(staff, approved):
    with on(date(2024, 2, 29)):
        for bad in (
            {"number": " "},
            {"ends_on": date(2024, 2, 1)},
            {"budget": 0},
            {"instalments": [(date(2024, 3, 15), 700_000_000)]},  # not the whole budget
            {"effective_on": date(2024, 2, 1)},  # before the signature
        ):
            with pytest.raises(TaskRefused):
                task_sign_contract(task=approved, actor=staff["officer"], **{**CONTRACT, **bad})
        with pytest.raises(ActionForbidden):
            task_sign_contract(task=approved, actor=staff["officer2"], **CONTRACT)
    assert Task.objects.get(pk=approved.pk).stage == Stage.HOST_APPROVED
    assert not Contract.objects.exists() and not _rows(approved)


def _signed(staff, approved):
    with on(date(2024, 2, 29)):
        return task_sign_contract(task=approved, actor=staff["officer"], **CONTRACT)


EXT = {"decision_number": "120/QĐ-UBND", "signer": "Chủ tịch UBND tỉnh", "cause": "Thời tiết"}


def test_extension_moves_every_date_that_follows_from_the_end(staff, approved):
    task = _signed(staff, approved)
    with on(date(2025, 7, 31)):  # exactly 1 month before 31/08/2025: in time
        task = task_extend(
            task=task,
            actor=staff["head"],
            months=6,
            requested_on=date(2025, 7, 31),
            signed_on=date(2025, 7, 31),
            **EXT,
        )
    contract = Contract.objects.get(task=task)
    assert contract.ends_on == date(2026, 2, 28) and contract.extended_months == 6
    assert contract.original_ends_on == date(2025, 8, 31)
    assert contract.extension_decision.kind == Decision.Kind.EXTENSION
    rows = _rows(task)
    assert rows["contract_end"].due_date == date(2026, 2, 28)
    assert rows["acceptance_dossier"].due_date == date(2026, 3, 30)
    assert rows["acceptance_limit"].due_date == date(2026, 8, 28)
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="extend")
    assert entry.note == "Thời tiết"
    assert entry.data["moved"]["contract_end"] == ["2025-08-31", "2026-02-28"]
    # the schedule is recomputed for the new end: the next one (28/02/2026) is the end itself
    due = list(Inspection.objects.filter(task=task).values_list("due_on", flat=True))
    assert due == [date(2024, 8, 29), date(2025, 2, 28), date(2025, 8, 29)]
    # once only
    with on(date(2025, 9, 1)), pytest.raises(TaskRefused) as exc:
        task_extend(task=task, actor=staff["head"], months=1, requested_on=date(2025, 9, 1),
                    signed_on=date(2025, 9, 1), **EXT)  # fmt: skip
    assert "01 lần" in str(exc.value)


def test_extension_refused_late_or_too_long_with_the_reason(staff, approved):
    task = _signed(staff, approved)
    with on(date(2025, 8, 1)):
        with pytest.raises(TaskRefused) as exc:
            task_extend(task=task, actor=staff["head"], months=6, requested_on=date(2025, 8, 1),
                        signed_on=date(2025, 8, 1), **EXT)  # fmt: skip
        assert "31/07/2025" in str(exc.value)
        with pytest.raises(TaskRefused) as exc:
            task_extend(task=task, actor=staff["head"], months=7, requested_on=date(2025, 7, 1),
                        signed_on=date(2025, 8, 1), **EXT)  # fmt: skip
        assert "06 tháng" in str(exc.value) or "không quá 6" in str(exc.value)
        with pytest.raises(ActionForbidden):
            task_extend(task=task, actor=staff["officer"], months=6, requested_on=date(2025, 7, 1),
                        signed_on=date(2025, 8, 1), **EXT)  # fmt: skip
    assert Contract.objects.get(task=task).ends_on == date(2025, 8, 31)
    assert _rows(task)["contract_end"].due_date == date(2025, 8, 31)


# --- the acceptance dossier and the bar ---------------------------------------------------------
def test_dossier_filed_supplemented_and_valid_with_its_dates(staff, approved):
    task = _signed(staff, approved)
    with on(date(2025, 9, 5)):
        with pytest.raises(ActionForbidden):  # another organisation's user
            task_file_dossier(task=task, actor=staff["other_host"], self_evaluation="Đạt")
        with pytest.raises(TaskRefused):
            task_file_dossier(task=task, actor=staff["host"], self_evaluation=" ")
        task = task_file_dossier(task=task, actor=staff["host"], self_evaluation="Đạt yêu cầu")
    rows = _rows(task)
    assert task.stage == Stage.DOSSIER_FILED
    assert rows["acceptance_dossier"].state == Deadline.State.MET
    assert rows["acceptance_limit"].state == Deadline.State.MET
    assert rows["extension_window"].state == Deadline.State.CANCELLED
    assert rows["validity_notice"].due_date == date(2025, 9, 10)  # 3 working days
    with on(date(2025, 9, 9)):
        with pytest.raises(TaskRefused):
            task_request_supplement(task=task, actor=staff["officer"], missing=[" "])
        task = task_request_supplement(
            task=task, actor=staff["officer"], missing=["Báo cáo tổng hợp", "Biên bản tự đánh giá"]
        )
    assert _rows(task)["supplement"].due_date == date(2025, 9, 16)  # 5 working days
    assert _rows(task)["supplement"].owner_user == staff["host"]
    with on(date(2025, 9, 15)):
        task = task_file_dossier(task=task, actor=staff["host"], self_evaluation="Bổ sung đủ")
    with on(date(2025, 9, 16)):
        task = task_accept_dossier(task=task, actor=staff["officer"])
    assert task.stage == Stage.DOSSIER_VALID
    assert _rows(task)["supplement"].state == Deadline.State.MET
    # the acceptance council within 15 working days of the valid dossier
    assert _rows(task)["acceptance_council_setup"].due_date == date(2025, 10, 7)


def test_dossier_more_than_six_months_late_is_recorded(staff, approved):
    task = _signed(staff, approved)
    with on(date(2026, 3, 1)):  # the limit was 28/02/2026
        task = task_file_dossier(task=task, actor=staff["host"], self_evaluation="Muộn")
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="file_dossier")
    assert entry.data["late_over_limit"] is True
    assert _rows(task)["acceptance_limit"].state == Deadline.State.MISSED


def test_the_bar_is_checked_from_the_host_and_pi_history(staff, approved, org):
    task = _signed(staff, approved)
    pi = task.pi
    # 30 days after the end (31/08/2025) is 30/09/2025: not filed by then → barred
    assert bar_reasons_for(host=org, on=date(2025, 9, 30)) == []
    assert bar_reasons_for(host=org, on=date(2025, 10, 1))
    assert bar_reasons_for(pi=pi, on=date(2025, 10, 1))
    assert bar_reasons_for(on=date(2025, 10, 1)) == []
    Task.objects.filter(pk=task.pk).update(stage=Stage.FAILED, concluded_on=date(2025, 12, 1))
    with on(date(2025, 11, 1)):
        AcceptanceDossier.objects.create(
            task=task, submitted_on=date(2025, 11, 1), self_evaluation="x"
        )
    reasons = bar_reasons_for(pi=pi, on=date(2027, 12, 1))
    assert len(reasons) == 1 and "Không đạt" in reasons[0]
    assert bar_reasons_for(pi=pi, on=date(2027, 12, 2)) == []
