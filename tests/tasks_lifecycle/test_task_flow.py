"""The task's viewflow flow follows its stage: one open stage per task, the stage whose
people act next, in the service's transaction (workflows.stageflow)."""

from datetime import date

import pytest

from tasks_lifecycle import task_flows
from tasks_lifecycle.models import Stage, Task
from tasks_lifecycle.task_services import task_not_recommend, task_screen
from workflows.errors import ActionForbidden

from .conftest import on
from .test_task_services import _proposed

pytestmark = pytest.mark.django_db


def _open(task: Task) -> list[str]:
    return [t.flow_task.name for t in task_flows.open_tasks(task)]


def test_the_flow_opens_the_stage_the_task_is_in(staff, org):
    task = _proposed(staff, org)
    assert _open(task) == ["screen"]
    assert "Chuyên viên" in task_flows.next_actor_label(task)
    with on(date(2023, 10, 9)):
        task = task_screen(task=task, actor=staff["officer"])
    assert _open(task) == ["identify"]


def test_a_refused_step_leaves_the_flow_as_it_was(staff, org):
    task = _proposed(staff, org)
    with pytest.raises(ActionForbidden):
        task_screen(task=task, actor=staff["other_host"])
    assert _open(task) == ["screen"]
    assert Task.objects.get(pk=task.pk).stage == Stage.PROPOSED


def test_an_ended_task_has_no_open_stage(staff, org):
    task = _proposed(staff, org)
    with on(date(2023, 10, 9)):
        task = task_screen(task=task, actor=staff["officer"])
    Task.objects.filter(pk=task.pk).update(stage=Stage.IDENTIFICATION)  # as if sent to it
    with on(date(2023, 11, 2)):
        task = task_not_recommend(task=task, actor=staff["officer"], reason="Trùng lặp")
    assert _open(task) == [] and task_flows.next_actor_label(task) == ""
