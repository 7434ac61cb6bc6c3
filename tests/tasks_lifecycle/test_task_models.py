"""The task's lifecycle graph (FSM) and its council subject, without the services."""

from datetime import date

import pytest
from django_fsm import can_proceed

from tasks_lifecycle import rules
from tasks_lifecycle.models import (
    AcceptanceDossier,
    Contract,
    HostOrganisation,
    Investigator,
    Stage,
    Task,
)

pytestmark = pytest.mark.django_db

DIRECT = [
    "screen",
    "send_to_identification",
    "recommend",
    "approve",
    "publish",
    "send_to_selection",
    "select",
    "submit_revision",
    "appraise_budget",
    "finalise",
    "approve_host",
    "sign_contract",
    "file_dossier",
    "accept_dossier",
    "send_to_acceptance",
    "pass_acceptance",
    "recognise",
]


def _task(**kw) -> Task:
    return Task.objects.create(
        code=kw.pop("code", "NV-2024-001"),
        title="Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam",
        year=2024,
        proposed_on=date(2023, 10, 2),
        **kw,
    )


def _walk(task: Task, names: list[str]) -> list[str]:
    seen = []
    for name in names:
        method = getattr(task, name)
        assert can_proceed(method), (name, task.stage)
        method()
        seen.append(task.stage)
    return seen


def test_direct_assignment_path_ends_recognised():
    task = _task()
    stages = _walk(task, DIRECT)
    assert stages[-1] == Stage.RECOGNISED
    assert Stage.SELECTION in stages and Stage.CALL_OPEN not in stages


def test_selection_with_a_failed_first_call_then_a_second_call():
    task = _task()
    _walk(task, ["screen", "send_to_identification", "recommend", "approve", "publish"])
    _walk(task, ["open_call", "open_applications", "call_fails"])
    assert task.stage == Stage.CALL_FAILED
    _walk(task, ["open_call", "open_applications", "send_to_selection", "select"])
    assert task.stage == Stage.REVISION


def test_wrong_state_is_refused_and_the_stage_is_protected():
    task = _task()
    assert not can_proceed(task.publish)
    assert not can_proceed(task.file_dossier)
    with pytest.raises(AttributeError):
        task.stage = Stage.RECOGNISED


def test_failure_and_supplement_branches():
    task = _task()
    _walk(task, DIRECT[: DIRECT.index("file_dossier") + 1])
    _walk(task, ["request_supplement", "file_dossier", "accept_dossier", "send_to_acceptance"])
    _walk(task, ["fail_acceptance"])
    assert task.stage == Stage.FAILED
    assert not can_proceed(task.recognise)


def test_transitions_carry_vietnamese_labels():
    labels = {t.name: t.custom["label"] for t in Task().get_all_stage_transitions()}
    assert set(DIRECT) <= set(labels)
    assert str(labels["file_dossier"]) == "Nộp hồ sơ đánh giá, nghiệm thu"


def test_subject_spec_takes_the_parties_from_the_task_for_conflicts():
    host = HostOrganisation.objects.create(
        name="Viện Khoa học Kỹ thuật Nông Lâm nghiệp miền núi phía Bắc"
    )
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=host)
    helper = Investigator.objects.create(full_name="Lò Thị Bình", organisation=host)
    task = _task(host=host, proposer=host, pi=pi, state_budget=1_500_000_000)
    task.participants.add(helper)
    Contract.objects.create(
        task=task,
        number="05/2024/HĐ-SKHCN",
        signed_on=date(2024, 3, 1),
        effective_on=date(2024, 3, 1),
        starts_on=date(2024, 3, 1),
        original_ends_on=date(2026, 2, 28),
        ends_on=date(2026, 2, 28),
        budget=1_500_000_000,
    )
    task = Task.objects.select_related("contract", "pi", "host").get(pk=task.pk)
    spec = task.subject_spec()
    assert spec["target"] == task and spec["host_proposed"] is True
    assert spec["contract_end"] == date(2026, 2, 28) and spec["dossier_submitted_on"] is None
    AcceptanceDossier.objects.create(task=task, submitted_on=date(2026, 3, 20), self_evaluation="x")
    AcceptanceDossier.objects.create(task=task, submitted_on=date(2026, 4, 2), self_evaluation="y")
    assert task.subject_spec()["dossier_submitted_on"] == date(2026, 3, 20)
    view = {
        "title": spec["title"],
        "pi": spec["pi_name"],
        "participants": spec["participants"],
        "host_organisation": spec["host_organisation"],
    }
    for person, expected in (
        ({"name": "nguyễn  văn an"}, "chủ nhiệm"),
        ({"name": "Lò Thị Bình"}, "thành viên tham gia"),
        ({"name": "Ai Đó", "organisation": host.name}, "tổ chức chủ trì"),
        ({"name": "Ai Khác", "relatives": ["Nguyễn Văn An"]}, "người thân"),
    ):
        reasons = rules.conflict_reasons(person, [view], kind="selection")
        assert any(expected in r for r in reasons), (person, reasons)
    assert rules.conflict_reasons({"name": "Người Ngoài"}, [view], kind="selection") == []
