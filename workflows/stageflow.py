"""Status-routed flows: who acts next on a case whose legal state is its own FSM field.

A procedure whose steps are taken through its services (page, API, admin) and whose
state is an FSM field on the case declares its stages — which states each stage covers
and which roles act in it — and gets a viewflow flow with one open task per case:

    start ─► route ─┬─ stage A (while the status is one of A's states) ─► route
                    ├─ stage B … ─► route
                    └─ (no stage covers the status) ─► end

The `route` switch reads the status *from the database*, so the flow keeps no copy of
it. The procedure's services call `stage_sync(flow_class, case)` inside their own
transaction after the case row is saved: an open stage that no longer covers the status
is completed and the switch routes again, so the status and the task list commit
together. No node offers viewflow's undo, cancel or revive (the services are the only
way to move a case).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class NoTakeBack:
    """A node without viewflow's undo, cancel and revive pages."""

    undo_view_class = None
    cancel_view_class = None
    revive_view_class = None


@dataclass(frozen=True)
class StageSpec:
    """A stage of a status-routed flow: open while the case's status is in `statuses`;
    `roles` act in it (shown as "who acts next"); `title` is its name in the flow."""

    statuses: tuple[str, ...]
    roles: tuple[str, ...]
    title: str


class Stage(NoTakeBack, flow.Handle):
    """A stage node: completed by `stage_sync` when the status leaves its states."""

    def __init__(self, *, stage: str, spec: StageSpec, **kwargs):
        super().__init__(**kwargs)
        self.stage = stage
        self.statuses, self.roles = spec.statuses, spec.roles


def _status_reader(model, field: str):
    def status(activation) -> str:
        """The case's status, read once per routing (the switch asks each case in turn
        with the same activation)."""
        cached = activation.__dict__.get("_stageflow_status")
        if cached is None:
            cached = (
                model._default_manager.filter(pk=activation.process.artifact_object_id)
                .values_list(field, flat=True)
                .get()
            )
            activation.__dict__["_stageflow_status"] = cached
        return cached

    return status


def _covers(read, statuses: tuple[str, ...]):
    def condition(activation) -> bool:
        return read(activation) in statuses

    return condition


def stage_flow(
    name: str,
    *,
    module: str,
    model,
    status_field: str,
    stages: Mapping[str, StageSpec],
    process_class: type[Process],
    title,
    description="",
    start_title,
    route_title,
    end_title,
    sees: Callable[[object], bool],
    data: Callable[[object], dict] | None = None,
) -> type[flow.Flow]:
    """Build the flow class `module.name` with one `Stage` node per entry of `stages`
    (in order; the node's name is the stage's key). `sees(user)` decides who sees the
    flow's pages; nobody but a superuser manages its tasks by hand."""
    read = _status_reader(model, status_field)
    route = flow.Switch().Annotation(title=route_title)
    for key, spec in stages.items():
        route = route.Case(getattr(this, key), _covers(read, spec.statuses))
    route = route.Default(this.end)

    def start_process(self, activation, case):
        activation.process.artifact = case
        activation.process.data = data(case) if data else {"case": case.pk, "code": case.code}
        return activation.process

    def has_view_permission(self, user, obj=None) -> bool:
        return sees(user)

    def has_manage_permission(self, user, obj=None) -> bool:
        """Stage tasks are moved by the services only: nobody manages them by hand."""
        return bool(getattr(user, "is_superuser", False))

    attrs = {
        "__module__": module,
        "process_class": process_class,
        "lock_impl": lock.select_for_update_lock,
        "process_title": title,
        "process_description": description,
        "start": flow.StartHandle(this.start_process)
        .Annotation(title=start_title)
        .Next(this.route),
        "route": route,
        "end": flow.End().Annotation(title=end_title),
        "start_process": start_process,
        "has_view_permission": has_view_permission,
        "has_manage_permission": has_manage_permission,
    }
    for key, spec in stages.items():
        attrs[key] = Stage(stage=key, spec=spec).Annotation(title=spec.title).Next(this.route)
    return type(name, (flow.Flow,), attrs)


def _ct(case) -> ContentType:
    return ContentType.objects.get_for_model(type(case))


def stage_process(flow_class, case) -> Process | None:
    """The case's process in `flow_class` (the newest), or None."""
    return (
        Process.objects.filter(
            flow_class=flow_class, artifact_content_type=_ct(case), artifact_object_id=case.pk
        )
        .order_by("-pk")
        .first()
    )


def stage_open_tasks(flow_class, case):
    return Task.objects.filter(
        process__flow_class=flow_class,
        process__artifact_content_type=_ct(case),
        process__artifact_object_id=case.pk,
        status__in=OPEN_TASK_STATUSES,
    ).order_by("pk")


def stage_sync(flow_class, case, status: str) -> None:
    """Bring the case's process in line with `status`, inside the caller's transaction
    (the case row is saved and locked): start it if there is none, complete the open
    stage that no longer covers the status so the switch routes again."""
    if stage_process(flow_class, case) is None:
        flow_class.start.run(case=case)
        return
    for task in stage_open_tasks(flow_class, case):
        node = task.flow_task
        if isinstance(node, Stage) and status not in node.statuses:
            node.run(task)


def stage_current(flow_class, case) -> Stage | None:
    """The node of the case's open stage, or None (ended, or never started)."""
    task = stage_open_tasks(flow_class, case).first()
    node = task.flow_task if task is not None else None
    return node if isinstance(node, Stage) else None


def stage_next_actor_label(flow_class, case) -> str:
    """Who acts next, from the open stage (for the case page)."""
    from .access import _role_labels

    node = stage_current(flow_class, case)
    return _role_labels(node.roles) if node is not None else ""


def stage_specs(rows: Iterable[tuple[str, Iterable[str], Iterable[str], str]]) -> dict:
    """`{key: StageSpec}` from `(key, statuses, roles, title)` rows."""
    return {k: StageSpec(tuple(s), tuple(r), t) for k, s, r, t in rows}
