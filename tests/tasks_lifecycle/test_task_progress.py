"""Periodic inspection and termination of an S&T task (TT 04/2015; Sơn La inspects
every 6 months), through the services with the clock moved and real dates.

The contract 05/2024/HĐ-KHCN takes effect on Thursday 29/02/2024: the first inspection
is due on Thursday 29/08/2024. The host is notified at least 05 working days before
(Art 8(2)(b)): for 29/08 no later than Thursday 22/08. An inspection held on 29/08
opens the workload confirmation within 10 working days and the spending confirmation
within 20 (Art 11): National Day is Monday 02 and Tuesday 03/09/2024, so 16/09 and 30/09.
"""

from datetime import date

import pytest

from notifications.models import Notification
from tasks_lifecycle.models import Decision, Inspection, Stage, Task, TaskDocument
from tasks_lifecycle.task_progress import (
    task_confirm_spending,
    task_confirm_workload,
    task_plan_inspection,
    task_record_inspection,
    task_terminate,
    task_upload_inspection_reports,
)
from tasks_lifecycle.task_services import TaskRefused
from workflows.errors import ActionForbidden, TransitionRefused
from workflows.models import AuditEntry, Deadline
from workflows.uploads import UploadRefused

from .conftest import on, pdf
from .task_helpers import (
    assert_rows_well_formed,
    assert_who_may_act,
    broken_pdf,
    row,
    rows,
    signed_task,
    unchanged,
)

pytestmark = pytest.mark.django_db

TEAM = [
    {"name": "Lê Văn Quản", "role": "managing_leader", "present": True},
    {"name": "Cầm Thị Lý", "role": "managing_officer", "present": True},
    {"name": "Đinh Văn Tài", "role": "finance_leader", "present": False},
    {"name": "Quàng Thị Chính", "role": "finance_officer", "present": True},
]


@pytest.fixture
def task(staff, org):
    return signed_task(staff, org)


def _first(task) -> Inspection:
    return Inspection.objects.get(task=task, number=1)


def _planned(staff, task, *, planned_on=date(2024, 8, 29), today=date(2024, 8, 22)):
    inspection = _first(task)
    with on(today):
        return task_plan_inspection(
            task=task,
            actor=staff["officer"],
            inspection=inspection,
            planned_on=planned_on,
            place="Trung tâm Ứng dụng KH&CN Sơn La",
        )


def _reported(staff, task):
    inspection = _planned(staff, task)
    with on(date(2024, 8, 26)):
        task_upload_inspection_reports(
            task=task,
            actor=staff["host"],
            inspection=inspection,
            progress_report=pdf("bao-cao-tien-do.pdf"),
            spending_report=pdf("bao-cao-kinh-phi.pdf"),
        )
    return Inspection.objects.get(pk=inspection.pk)


def _record(staff, task, inspection, **kw):
    args = {
        "team": TEAM,
        "host_leader": "Giám đốc Trung tâm Hoàng Văn Minh",
        "outcome": "on_track",
        "minutes": pdf("bien-ban-kiem-tra.pdf"),
        "held_on": date(2024, 8, 29),
        **kw,
    }
    return task_record_inspection(task=task, actor=staff["officer"], inspection=inspection, **args)


def _held(staff, task, **kw):
    inspection = _reported(staff, task)
    with on(date(2024, 8, 29), hour=16):
        return _record(staff, task, inspection, **kw)


# --- the notice: at least 05 working days before (TT 04/2015 Art 8(2)(b)) ---------------------
def test_notice_less_than_five_working_days_before_is_refused_with_the_last_day(staff, task):
    inspection = _first(task)
    with on(date(2024, 8, 23)), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_plan_inspection(
            task=task, actor=staff["officer"], inspection=inspection, planned_on=date(2024, 8, 29)
        )
    assert "22/08/2024" in str(exc.value) and "05 ngày làm việc" in str(exc.value)
    assert exc.value.code == "notice_too_late"
    # over National Day (02–03/09/2024 off): for Friday 06/09 the notice is due by 28/08
    with on(date(2024, 8, 29)), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_plan_inspection(
            task=task, actor=staff["officer"], inspection=inspection, planned_on=date(2024, 9, 6)
        )
    assert "28/08/2024" in str(exc.value)
    # not on a day off: Tuesday 03/09/2024 is National Day
    with on(date(2024, 8, 1)), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_plan_inspection(
            task=task, actor=staff["officer"], inspection=inspection, planned_on=date(2024, 9, 3)
        )
    assert exc.value.code == "day_off"


def test_notice_on_the_last_day_reaches_the_host_and_the_pi(staff, task):
    notice_row = row(task, "inspection_notice", _first(task))
    assert notice_row.due_date == date(2024, 8, 22)  # 5 working days before 29/08
    assert notice_row.owner_user == staff["officer"]
    inspection = _planned(staff, task)
    assert inspection.planned_on == date(2024, 8, 29)
    assert inspection.notified_on == date(2024, 8, 22)
    assert inspection.place == "Trung tâm Ứng dụng KH&CN Sơn La"
    assert row(task, "inspection_notice", inspection).state == Deadline.State.MET
    assert row(task, "inspection_due", inspection).state == Deadline.State.OPEN
    sent = Notification.objects.filter(template="task_inspection_notice")
    assert {n.recipient for n in sent} == {staff["host"]}  # the host's user, also the PI
    assert "29/08/2024" in sent.first().body and task.code in sent.first().subject
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="plan_inspection")
    assert entry.data["planned_on"] == "2024-08-29"


def test_the_notice_is_for_an_inspection_of_this_task(staff, task, org):
    other = signed_task(staff, org, title="Ứng dụng công nghệ sinh học", number="06/2024/HĐ")
    with on(date(2024, 8, 1)), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_plan_inspection(
            task=task, actor=staff["officer"], inspection=_first(other), planned_on=date(2024, 9, 6)
        )
    assert exc.value.code == "not_this_task"


# --- the host's reports, content-checked ------------------------------------------------------
def test_host_uploads_the_progress_and_spending_reports_content_checked(staff, task):
    inspection = _planned(staff, task)
    with on(date(2024, 8, 26)):
        with unchanged(task), pytest.raises(UploadRefused):
            task_upload_inspection_reports(
                task=task, actor=staff["host"], inspection=inspection, progress_report=broken_pdf()
            )
        with unchanged(task), pytest.raises(TaskRefused):  # nothing to upload
            task_upload_inspection_reports(task=task, actor=staff["host"], inspection=inspection)
        with unchanged(task), pytest.raises(ActionForbidden):
            task_upload_inspection_reports(
                task=task, actor=staff["other_host"], inspection=inspection, progress_report=pdf()
            )
        files = task_upload_inspection_reports(
            task=task,
            actor=staff["host"],
            inspection=inspection,
            progress_report=pdf("bao-cao-tien-do.pdf"),
            spending_report=pdf("bao-cao-kinh-phi.pdf"),
        )
    assert [f.kind for f in files] == ["progress_report", "spending_report"]
    stored = TaskDocument.objects.get(inspection=inspection, kind="progress_report")
    assert (
        stored.original_name == "bao-cao-tien-do.pdf" and stored.content_type == "application/pdf"
    )
    assert stored.uploaded_by == staff["host"] and stored.file.name.startswith(f"tasks/{task.pk}/")


# --- the inspection: the team, the host's leadership, the signed minutes ----------------------
def test_inspection_needs_the_reports_first(staff, task):
    inspection = _planned(staff, task)
    with on(date(2024, 8, 29)), unchanged(task), pytest.raises(TaskRefused) as exc:
        _record(staff, task, inspection)
    assert "Điều 9" in str(exc.value) and exc.value.code == "inspection_refused"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"team": [{**TEAM[0], "present": False}, *TEAM[1:]]}, "2/4"),  # 2 of 4 core present
        ({"team": TEAM[:3]}, "04 thành viên chính"),  # a core member missing
        ({"host_leader": " "}, "lãnh đạo tổ chức chủ trì"),
        ({"minutes": None}, "biên bản"),
        ({"minutes": "broken"}, "PDF"),
        ({"outcome": "postpone"}, "kết luận"),
        ({"outcome": "adjust", "conclusion": ""}, "nội dung"),
        ({"held_on": date(2024, 8, 28)}, "29/08/2024"),  # before the date notified
    ],
)
def test_inspection_refused_with_the_reason_and_nothing_changes(staff, task, change, expected):
    inspection = _reported(staff, task)
    if change.get("minutes") == "broken":
        change = {**change, "minutes": broken_pdf()}
    with on(date(2024, 8, 29)), unchanged(task), pytest.raises((TaskRefused, UploadRefused)) as exc:
        _record(staff, task, inspection, **change)
    assert expected in str(exc.value)


def test_inspection_with_three_of_four_core_members_opens_the_confirmations(staff, task):
    inspection = _held(staff, task)
    assert inspection.ended_on == date(2024, 8, 29) and inspection.outcome == "on_track"
    assert inspection.host_leader == "Giám đốc Trung tâm Hoàng Văn Minh"
    assert [r["present"] for r in inspection.team] == [True, True, False, True]
    assert (
        TaskDocument.objects.filter(inspection=inspection, kind="inspection_minutes").count() == 1
    )
    # TT 04/2015 Art 11: 10 and 20 working days after 29/08/2024, National Day off
    workload = row(task, "workload_confirmation", inspection)
    spending = row(task, "spending_confirmation", inspection)
    assert workload.due_date == date(2024, 9, 16) and spending.due_date == date(2024, 9, 30)
    assert workload.owner_user == staff["officer"] and workload.title.endswith(
        "Xác nhận khối lượng công việc"
    )
    # the inspection closes its own row; the later inspections stay due
    assert row(task, "inspection_due", inspection).state == Deadline.State.MET
    later = rows(task, "inspection_due").exclude(ref=f"inspection:{inspection.pk}")
    assert [r.state for r in later] == [Deadline.State.OPEN, Deadline.State.OPEN]
    assert Task.objects.get(pk=task.pk).stage == Stage.IN_PROGRESS
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="record_inspection")
    assert entry.data["outcome"] == "on_track" and entry.data["core_present"] == 3
    assert_rows_well_formed(task)
    # held once
    with on(date(2024, 8, 30)), unchanged(task), pytest.raises(TaskRefused):
        _record(staff, task, inspection)


def test_an_inspection_held_late_misses_its_row(staff, task):
    inspection = _reported(staff, task)
    with on(date(2024, 8, 30)):
        _record(staff, task, inspection, held_on=date(2024, 8, 30))
    assert row(task, "inspection_due", inspection).state == Deadline.State.MISSED


def test_workload_confirmed_on_the_last_day_spending_a_day_late(staff, task):
    inspection = _held(staff, task)
    with on(date(2024, 9, 16)):
        with unchanged(task), pytest.raises(TaskRefused):  # spending: an amount > 0 if given
            task_confirm_spending(
                task=task, actor=staff["officer"], inspection=inspection, amount=0
            )
        inspection = task_confirm_workload(
            task=task, actor=staff["officer"], inspection=inspection, note="Đạt 60% khối lượng"
        )
        with unchanged(task), pytest.raises(TaskRefused) as exc:  # once
            task_confirm_workload(task=task, actor=staff["officer"], inspection=inspection)
        assert exc.value.code == "already_confirmed"
    assert inspection.workload_confirmed_on == date(2024, 9, 16)
    assert row(task, "workload_confirmation", inspection).state == Deadline.State.MET
    with on(date(2024, 10, 1)):
        inspection = task_confirm_spending(
            task=task, actor=staff["officer"], inspection=inspection, amount=650_000_000
        )
    assert inspection.spending_confirmed_on == date(2024, 10, 1)
    assert inspection.spending_confirmed_amount == 650_000_000
    assert row(task, "spending_confirmation", inspection).state == Deadline.State.MISSED


def test_confirmations_wait_for_the_inspection(staff, task):
    inspection = _planned(staff, task)
    with on(date(2024, 8, 23)):
        for service in (task_confirm_workload, task_confirm_spending):
            with unchanged(task), pytest.raises(TaskRefused) as exc:
                service(task=task, actor=staff["officer"], inspection=inspection)
            assert exc.value.code == "not_held"


# --- termination ------------------------------------------------------------------------------
TERMINATION = {
    "decision_number": "1520/QĐ-UBND",
    "signed_on": date(2024, 10, 10),
    "signer": "Chủ tịch UBND tỉnh",
    "reason": "Tổ chức chủ trì không triển khai nội dung nghiên cứu theo thuyết minh",
    "refund_amount": 350_000_000,
}


def test_outcome_terminate_then_the_leader_terminates_and_every_open_row_is_cancelled(staff, task):
    inspection = _held(
        staff, task, outcome="terminate", conclusion="Không triển khai nội dung 1, 2"
    )
    assert inspection.outcome == "terminate"
    with on(date(2024, 10, 10)):
        with unchanged(task), pytest.raises(ActionForbidden):
            task_terminate(task=task, actor=staff["officer"], inspection=inspection, **TERMINATION)
        for bad in (
            {"decision_number": " "},
            {"reason": ""},
            {"refund_amount": -1},
            {"refund_amount": 1_200_000_001},  # more than the contract's budget
            {"signed_on": date(2024, 10, 11)},  # after today
        ):
            with unchanged(task), pytest.raises(TaskRefused):
                task_terminate(
                    task=task, actor=staff["head"], inspection=inspection, **{**TERMINATION, **bad}
                )
        assert rows(task).filter(state=Deadline.State.OPEN).exists()
        task = task_terminate(task=task, actor=staff["head"], inspection=inspection, **TERMINATION)
    assert task.stage == Stage.TERMINATED and task.refund_amount == 350_000_000
    assert task.termination_decision.kind == Decision.Kind.TERMINATION
    assert task.termination_decision.number == "1520/QĐ-UBND"
    assert "không triển khai" in task.termination_reason
    assert not rows(task).filter(state=Deadline.State.OPEN).exists()
    assert rows(task, "contract_end").get().state == Deadline.State.CANCELLED
    assert row(task, "workload_confirmation", inspection).state == Deadline.State.CANCELLED
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="terminate")
    assert entry.to_state == Stage.TERMINATED and entry.data["inspection"] == inspection.number
    # and only once, from a task in progress
    with on(date(2024, 10, 11)), unchanged(task), pytest.raises(TransitionRefused):
        task_terminate(task=task, actor=staff["head"], **{**TERMINATION, "decision_number": "2/QĐ"})


def test_an_inspection_that_did_not_propose_termination_is_not_its_ground(staff, task):
    inspection = _held(staff, task)
    with on(date(2024, 10, 10)), unchanged(task), pytest.raises(TaskRefused) as exc:
        task_terminate(task=task, actor=staff["director"], inspection=inspection, **TERMINATION)
    assert exc.value.code == "termination_refused"


# --- who may act ------------------------------------------------------------------------------
SERVICES = {
    "plan_inspection": task_plan_inspection,
    "upload_inspection_reports": task_upload_inspection_reports,
    "record_inspection": task_record_inspection,
    "confirm_workload": task_confirm_workload,
    "confirm_spending": task_confirm_spending,
    "terminate": task_terminate,
}


@pytest.mark.parametrize("step", list(SERVICES))
def test_who_may_act_on_each_inspection_step(staff, task, step):
    assert_who_may_act(staff, task, step, SERVICES[step], inspection=_first(task))
