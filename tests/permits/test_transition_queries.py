"""What one permit transition costs in SQL queries, viewflow's task changes included,
and that the task rows a service writes match what viewflow's own activations write.

Each step of the full path (submit → accept → fee → assign → appraisal → review → sign)
runs through its service with a fresh actor (read again from the database, its roles
read by the door's permission check, as in a request), inside
`django_assert_max_num_queries`. Everything, the task list included,
happens in the transition's transaction.
"""

from datetime import date

import pytest
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from permits import flows, services
from permits.models import Dossier, Status
from tests.permits.conftest import file_dossier, on
from workflows.models import User
from workflows.roles import Role, user_roles

pytestmark = pytest.mark.django_db

# the budget of each step in SQL statements (the outbox enqueue counts 2 of them);
# Django also logs the transaction's BEGIN and COMMIT, hence `+ TRANSACTION_CONTROL`
TRANSACTION_CONTROL = 2
MAX_QUERIES = {
    "submit": 15,
    "accept": 15,
    "fee": 15,
    "assign": 8,
    "appraisal": 12,
    "review": 12,
    "sign": 17,
}


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def same(user) -> User:
    return user


def _step(name: str, dossier: Dossier, staff, applicant, fresh=same):
    if name == "submit":
        return services.dossier_submit(dossier=dossier, actor=fresh(applicant))
    if name == "accept":
        return services.dossier_accept(dossier=dossier, actor=fresh(staff[Role.ONE_STOP_OFFICER]))
    if name == "fee":
        return services.dossier_record_fee(
            dossier=dossier, actor=fresh(staff[Role.ACCOUNTANT]), receipt_no="BL-1"
        )
    if name == "assign":
        return services.dossier_assign(
            dossier=dossier,
            actor=fresh(staff[Role.HEAD_OF_DIVISION]),
            specialist=fresh(staff[Role.SPECIALIST]),
        )
    if name == "appraisal":
        return services.dossier_record_appraisal(
            dossier=dossier,
            actor=fresh(staff[Role.SPECIALIST]),
            conclusion="pass",
            findings="Đạt yêu cầu.",
        )
    if name == "review":
        return services.dossier_review(
            dossier=dossier, actor=fresh(staff[Role.HEAD_OF_DIVISION]), approve=True
        )
    services.dossier_sign(dossier=dossier, actor=fresh(staff[Role.DIRECTOR]))
    return dossier  # the permit is the answer; read the dossier again outside the count


def _tasks(dossier: Dossier) -> list[tuple]:
    """The task rows of a dossier's process, without ids and times."""
    process = flows.process_for(dossier)
    rows = Task.objects.filter(process=process).order_by("pk")
    return [
        (
            t.flow_task.name,
            t.flow_task_type,
            t.status,
            str(t.token),
            t.owner_id is not None,
            t.owner_permission or "",
            t.started is not None,
            t.finished is not None,
            [p.flow_task.name for p in t.previous.all()],
        )
        for t in rows
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # as in production: no savepoints around services
def test_every_step_of_the_permit_path_stays_within_its_query_budget(
    staff, applicant, django_assert_max_num_queries, monkeypatch
):
    """Counted: everything up to the commit. What runs after it (the broker publish of
    the outbox rows; under the test settings Celery runs the delivery itself inline)
    is held back and run after the count."""
    held: list = []
    monkeypatch.setattr(
        transaction, "on_commit", lambda fn, using=None, robust=False: held.append(fn)
    )
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
        warm = file_dossier(applicant)
        for name in MAX_QUERIES:  # the per-process caches: catalogue, groups, divisions
            warm = _step(name, warm, staff, applicant)
        for name, budget in MAX_QUERIES.items():
            # the actor as a request has it: fresh from the database, its roles read by
            # the door's own permission check (DRF's, viewflow's) before the service
            people = {k: fresh(u) for k, u in staff.items()}
            actor = fresh(applicant)
            for u in [*people.values(), actor]:
                user_roles(u)
            with django_assert_max_num_queries(budget + TRANSACTION_CONTROL):
                dossier = _step(name, dossier, people, actor)
            for fn in held:  # after the commit: publish / deliver
                fn()
            held.clear()
    dossier.refresh_from_db()
    assert dossier.status == Status.ISSUED
    process = flows.process_for(dossier)
    assert process.status == PROCESS.DONE and process.finished is not None
    assert not Task.objects.filter(process=process, status__in=flows.OPEN_TASK_STATUSES).exists()


def test_the_task_list_follows_in_the_same_transaction(staff, applicant):
    """No on-commit callback is needed for the task list: inside the test's transaction
    (which never commits) the process already sits at the new step."""
    with on(date(2024, 2, 5)):
        dossier = _step("submit", file_dossier(applicant), staff, applicant)
        task = Task.objects.get(
            process=flows.process_for(dossier), status__in=flows.OPEN_TASK_STATUSES
        )
        assert task.flow_task.name == "check"
        assert flows.process_for(dossier).data["due"] == "19/02/2024"
        dossier = _step("accept", dossier, staff, applicant)
        task = Task.objects.get(
            process=flows.process_for(dossier), status__in=flows.OPEN_TASK_STATUSES
        )
        assert task.flow_task.name == "fee"
        assert flows.process_for(dossier).data["due"] == ""


def test_the_rows_a_service_writes_are_the_rows_viewflow_writes(staff, applicant):
    """One dossier routed by the services, one by viewflow's own activations (`start.run`,
    then `complete_elsewhere` and `activate_next` after each step): the same tasks,
    types, states, owners, permissions and links."""
    with on(date(2024, 2, 5)):
        fast = file_dossier(applicant)
        for name in MAX_QUERIES:
            fast = _step(name, fast, staff, applicant)
        third = file_dossier(applicant)
        original = flows.flow_sync_locked
        try:
            flows.flow_sync_locked = _viewflow_way
            for name in MAX_QUERIES:
                third = _step(name, third, staff, applicant)
        finally:
            flows.flow_sync_locked = original
    assert _tasks(fast) == _tasks(third)
    assert flows.process_for(fast).status == flows.process_for(third).status == PROCESS.DONE


def _viewflow_way(case: Dossier, from_state=None) -> None:
    process = flows.process_for(case)
    if process is None:
        flows.flow_for(case).start.run(dossier=case)
        return
    flows._flow_sync_slow(case, process.coerced)


def test_a_task_executed_by_its_page_is_left_to_the_page(client, staff, applicant):
    """The officer's page calls the service, then completes its own task: the task is
    done once (not also "elsewhere") and the next task exists once."""
    with on(date(2024, 2, 5)):
        dossier = _step("submit", file_dossier(applicant), staff, applicant)
    task = Task.objects.get(process=flows.process_for(dossier), status=STATUS.NEW)
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    assert (
        client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk])).status_code
        == 302
    )
    with on(date(2024, 2, 6)):
        response = client.post(
            task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
            {"action": "accept", "accept-note": "Đủ."},
        )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE and not task.data.get("completed_elsewhere")
    open_tasks = Task.objects.filter(
        process=flows.process_for(dossier), status__in=flows.OPEN_TASK_STATUSES
    )
    assert [t.flow_task.name for t in open_tasks] == ["fee"]


def test_the_compiled_lookup_answers_as_the_model_does(staff, applicant):
    """The public lookup runs SQL compiled once per process; its answer is the one the
    model-based `public_status` gives, at every stage (no clock, check, paused, result)."""
    from permits import lookup

    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
        for name in [None, *MAX_QUERIES]:
            if name is not None:
                dossier = _step(name, dossier, staff, applicant)
                dossier.refresh_from_db()
            model = lookup.dossiers_with_public_status().get(pk=dossier.pk)
            assert lookup.dossier_lookup(dossier.code, dossier.lookup_key) == (
                lookup.public_status(model)
            ), name
    assert lookup.dossier_lookup(dossier.code, "WRONGKEY") is None
    assert lookup.dossier_lookup("GPBX-000000-0000", dossier.lookup_key) is None
