"""The flows of the radiation procedures, driven over HTTP through viewflow's task pages
(claim, execute) with moved time. The dossier's legal status changes only through the
services the task pages call; the flow follows it."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from permits import flows, services
from permits.models import Dossier, DossierKind, Permit, Status
from tests.permits.conftest import WORKER, file_dossier, on, pdf
from workflows.ledger import deadlines_for_case
from workflows.models import AuditEntry, Deadline
from workflows.roles import Role

pytestmark = pytest.mark.django_db

STEP_NODES = ("check", "fee", "appraisal", "review", "signing")


def submitted(applicant, day=date(2024, 2, 5), **kwargs) -> Dossier:
    with on(day):
        dossier = services.dossier_submit(
            dossier=file_dossier(applicant, **kwargs), actor=applicant
        )
        flows.flow_start_for(dossier)  # what dossier_submit will do after commit
    return dossier


def open_task(dossier: Dossier, node: str | None = None) -> Task:
    """The one open task of the dossier's process (of `node` if given)."""
    process = flows.process_for(dossier)
    tasks = Task.objects.filter(process=process, status__in=flows.OPEN_TASK_STATUSES)
    task = tasks.get()
    if node is not None:
        assert task.flow_task.name == node, f"open task is {task.flow_task.name}, not {node}"
    return task


def url(task: Task, name: str) -> str:
    return task.flow_task.reverse(name, args=[task.process_id, task.pk])


def claim(client, task: Task) -> None:
    response = client.post(url(task, "assign"))
    assert response.status_code == 302, response.content.decode()[:500]


def execute(client, task: Task, action: str, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(url(task, "execute"), data)


def queue_codes(client) -> str:
    client.get(reverse("workflow:queue"))  # shows (and uses up) pending flash messages
    response = client.get(reverse("workflow:queue"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_permit_goes_through_the_flow_over_http(client, staff, applicant):
    officer, accountant = staff[Role.ONE_STOP_OFFICER], staff[Role.ACCOUNTANT]
    specialist, head = staff[Role.SPECIALIST], staff[Role.HEAD_OF_DIVISION]
    director = staff[Role.DIRECTOR]
    dossier = submitted(applicant)
    process = flows.process_for(dossier)
    assert process.flow_class is flows.PermitFlow
    assert process.artifact == dossier and process.dossier == dossier
    assert process.data["code"] == dossier.code

    # the completeness check waits in the one-stop officers' queue, nobody else's
    task = open_task(dossier, "check")
    assert task.status == STATUS.NEW and task.owner_permission == "permits.radiation_check"
    client.force_login(specialist)
    assert dossier.code not in queue_codes(client)
    client.force_login(officer)
    assert dossier.code in queue_codes(client)
    claim(client, task)
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert dossier.code in inbox
    page = client.get(url(task, "execute"))
    assert page.status_code == 200
    assert "Tiếp nhận hồ sơ" in page.content.decode()
    with on(date(2024, 2, 6)):
        response = execute(client, task, "accept", note="Hồ sơ đầy đủ.")
    assert response.status_code == 302
    assert response["Location"] == reverse("permits:staff-dossier", kwargs={"code": dossier.code})
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_FEE
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == officer

    # the fee: accountant (or one-stop officer)
    task = open_task(dossier, "fee")
    client.force_login(accountant)
    assert dossier.code in queue_codes(client)
    claim(client, task)
    with on(date(2024, 2, 16)):
        response = execute(client, task, "record_fee", receipt_no="BL-15", paid_on="16/02/2024")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.APPRAISAL
    assert dossier.result_clock.due_date == date(2024, 3, 12)

    # the appraisal: a specialist claims it; the dossier and the ledger follow
    task = open_task(dossier, "appraisal")
    assert task.owner is None
    client.force_login(specialist)
    assert dossier.code in queue_codes(client)
    with on(date(2024, 2, 19)):
        response = client.post(url(task, "assign"))
    assert response.status_code == 302 and response["Location"] == url(task, "execute")
    dossier.refresh_from_db()
    assert dossier.specialist == specialist
    step = deadlines_for_case(dossier).get(kind="step", state=Deadline.State.OPEN)
    assert step.owner_user == specialist
    with on(date(2024, 2, 26)):
        response = execute(
            client, task, "record_appraisal", conclusion="pass", findings="Đạt yêu cầu."
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REVIEW

    # review by the head of division, signing by the director
    client.force_login(head)
    task = open_task(dossier, "review")
    claim(client, task)
    with on(date(2024, 2, 27)):
        assert execute(client, task, "approve", note="").status_code == 302
    client.force_login(director)
    task = open_task(dossier, "signing")
    claim(client, task)
    with on(date(2024, 2, 28)):
        assert execute(client, task, "sign", note="").status_code == 302

    dossier.refresh_from_db()
    assert dossier.status == Status.ISSUED
    assert Permit.objects.get(dossier=dossier).valid_until == date(2027, 2, 28)
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert not Task.objects.filter(process=process, status__in=flows.OPEN_TASK_STATUSES).exists()
    owners = {
        t.flow_task.name: t.owner
        for t in Task.objects.filter(process=process, flow_task_type="HUMAN")
    }
    assert owners == {
        "check": officer,
        "fee": accountant,
        "appraisal": specialist,
        "review": head,
        "signing": director,
    }
    # every legal step was recorded once, by its actor, through the services
    actions = list(
        AuditEntry.objects.filter(object_id=str(dossier.pk), content_type__model="dossier")
        .exclude(from_state=F("to_state"))  # the transitions, not uploads or assignments
        .exclude(action="create")
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("submit", "phongkham"),
        ("accept", "motcua"),
        ("record_fee", "ketoan"),
        ("record_appraisal", "chuyenvien"),
        ("approve_review", "truongphong"),
        ("sign", "giamdoc"),
    ]


def test_a_wrong_role_cannot_claim_or_execute(client, staff, applicant):
    dossier = submitted(applicant)
    task = open_task(dossier, "check")
    for user in (staff[Role.SPECIALIST], staff[Role.ACCOUNTANT], applicant):
        client.force_login(user)
        assert client.post(url(task, "assign")).status_code == 403
        assert client.post(url(task, "execute"), {"action": "accept"}).status_code == 403
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    claim(client, task)
    # claimed: only its owner may execute it, even with the right role elsewhere
    other_officer = Group.objects.get(name=Role.ONE_STOP_OFFICER).user_set.create(
        username="motcua2"
    )
    client.force_login(other_officer)
    assert client.post(url(task, "execute"), {"action": "accept"}).status_code == 403
    client.force_login(staff[Role.SPECIALIST])
    assert client.post(url(task, "execute"), {"action": "accept"}).status_code == 403
    client.logout()
    assert client.post(url(task, "execute"), {"action": "accept"}).status_code in (302, 403)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED


def test_a_refused_action_shows_its_message_and_keeps_the_task(client, staff, applicant):
    dossier = submitted(applicant)
    task = open_task(dossier, "check")
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    claim(client, task)
    # a missing reason is a form error; an unknown action is refused
    with on(date(2024, 2, 6)):
        response = execute(client, task, "reject", reasons="")
        assert response.status_code == 200
        assert "This field is required" in response.content.decode() or (
            "Trường này là bắt buộc" in response.content.decode()
        )
        assert client.post(url(task, "execute"), {"action": "sign"}).status_code == 400
        task.refresh_from_db()
        assert task.status == STATUS.ASSIGNED
        assert execute(client, task, "accept", note="").status_code == 302
    dossier.refresh_from_db()
    task = open_task(dossier, "fee")
    client.force_login(staff[Role.ACCOUNTANT])
    claim(client, task)
    with on(date(2024, 2, 16)):
        response = execute(client, task, "record_fee", receipt_no="BL-1", paid_on="20/02/2024")
    assert response.status_code == 200
    assert "Ngày nộp phí không được sau hôm nay." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_FEE
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED


def test_the_supplement_wait_completes_when_the_applicant_answers(client, staff, applicant):
    dossier = submitted(applicant)
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    task = open_task(dossier, "check")
    claim(client, task)
    with on(date(2024, 2, 6)):
        response = execute(
            client,
            task,
            "supplement",
            items=["kiem-xa", "ung-pho-su-co"],
            reasons="Biên bản kiểm xạ thiếu chữ ký.",
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT
    wait = open_task(dossier, "wait_supplement")
    assert wait.flow_task_type != "HUMAN"  # in nobody's queue
    assert dossier.code not in queue_codes(client)

    flows.flow_sync(dossier)  # nothing to do while the applicant has not answered
    assert open_task(dossier).pk == wait.pk

    with on(date(2024, 2, 20)):
        dossier = services.dossier_answer_supplement(
            dossier=dossier, actor=applicant, files={"kiem-xa": pdf(), "ung-pho-su-co": pdf()}
        )
        flows.flow_sync(dossier)  # what dossier_answer_supplement will do after commit
    wait.refresh_from_db()
    assert wait.status == STATUS.DONE
    task = open_task(dossier, "check")
    assert task.status == STATUS.NEW
    assert dossier.code in queue_codes(client)


def test_a_supplement_during_appraisal_returns_to_the_same_specialist(client, staff, applicant):
    specialist = staff[Role.SPECIALIST]
    with on(date(2024, 2, 5)):
        dossier = submitted(applicant)
        dossier = services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
        dossier = services.dossier_record_fee(
            dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="BL-1"
        )
        flows.flow_sync(dossier)  # both steps were taken outside the tasks
    task = open_task(dossier, "appraisal")
    client.force_login(specialist)
    claim(client, task)
    with on(date(2024, 2, 16)):
        response = execute(
            client, task, "supplement", items=["kiem-xa"], reasons="Thiếu biên bản kiểm xạ."
        )
    assert response.status_code == 302
    open_task(dossier, "wait_supplement")
    dossier.refresh_from_db()
    with on(date(2024, 2, 19)):
        dossier = services.dossier_answer_supplement(
            dossier=dossier, actor=applicant, files={"kiem-xa": pdf()}
        )
        flows.flow_sync(dossier)
    assert dossier.status == Status.APPRAISAL
    task = open_task(dossier, "appraisal")
    assert task.status == STATUS.ASSIGNED and task.owner == specialist
    assert dossier.code in client.get(reverse("workflow:inbox")).content.decode()


def test_flow_sync_closes_a_step_taken_outside_its_task(staff, applicant):
    dossier = submitted(applicant)
    check = open_task(dossier, "check")
    with on(date(2024, 2, 6)):
        services.dossier_reject(
            dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER], reasons="Không thuộc thẩm quyền."
        )
    flows.flow_sync(dossier)
    check.refresh_from_db()
    assert check.status == STATUS.DONE and check.data["completed_elsewhere"] is True
    process = flows.process_for(dossier)
    assert process.status == PROCESS.DONE
    flows.flow_sync(dossier)  # idempotent


def test_head_of_division_hands_the_appraisal_to_a_specialist(client, staff, applicant, divisions):
    from tests.conftest import make_user

    other = make_user("chuyenvien2", Role.SPECIALIST, division=divisions["cn-qlkhcs"])
    with on(date(2024, 2, 5)):
        dossier = submitted(applicant)
        dossier = services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
        dossier = services.dossier_record_fee(
            dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="BL-1"
        )
        flows.flow_sync(dossier)
    task = open_task(dossier, "appraisal")
    # a specialist cannot hand it to someone; the head can, unassigned or assigned
    client.force_login(staff[Role.SPECIALIST])
    assert client.post(url(task, "reassign"), {"specialist": other.pk}).status_code == 403
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    assert client.get(url(task, "reassign")).status_code == 200
    for target in (staff[Role.SPECIALIST], other):
        response = client.post(url(task, "reassign"), {"specialist": target.pk})
        assert response.status_code == 302
        task.refresh_from_db()
        dossier.refresh_from_db()
        assert task.owner == target and task.status == STATUS.ASSIGNED
        assert dossier.specialist == target
        step = deadlines_for_case(dossier).get(kind="step", state=Deadline.State.OPEN)
        assert step.owner_user == target
    # a non-specialist is not offered
    response = client.post(url(task, "reassign"), {"specialist": staff[Role.DIRECTOR].pk})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.owner == other
    # dossier_assign from elsewhere (the API): the task follows after flow_sync
    services.dossier_assign(
        dossier=dossier, actor=staff[Role.HEAD_OF_DIVISION], specialist=staff[Role.SPECIALIST]
    )
    flows.flow_sync(dossier)
    task.refresh_from_db()
    assert task.owner == staff[Role.SPECIALIST]


def test_claiming_the_appraisal_in_bulk_from_the_queue_makes_the_specialist(
    client, staff, applicant
):
    specialist = staff[Role.SPECIALIST]
    with on(date(2024, 2, 5)):
        dossier = submitted(applicant)
        dossier = services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
        dossier = services.dossier_record_fee(
            dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="BL-1"
        )
        flows.flow_sync(dossier)
    task = open_task(dossier, "appraisal")
    bulk = reverse("workflow:tasks_assign")
    client.force_login(staff[Role.ONE_STOP_OFFICER])  # not a specialist
    assert client.post(bulk, {"pk": [task.pk], "_confirm": "1"}).status_code == 403
    client.force_login(specialist)
    response = client.post(bulk, {"pk": [task.pk], "_confirm": "1"})
    assert response.status_code == 302
    task.refresh_from_db()
    dossier.refresh_from_db()
    assert task.owner == specialist and dossier.specialist == specialist
    step = deadlines_for_case(dossier).get(kind="step", state=Deadline.State.OPEN)
    assert step.owner_user == specialist


def test_returns_route_back_to_the_earlier_step(client, staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = submitted(applicant)
        for fn, kw in (
            (services.dossier_accept, {"actor": staff[Role.ONE_STOP_OFFICER]}),
            (services.dossier_record_fee, {"actor": staff[Role.ACCOUNTANT], "receipt_no": "1"}),
            (
                services.dossier_record_appraisal,
                {"actor": staff[Role.SPECIALIST], "conclusion": "pass", "findings": "Đạt."},
            ),
            (services.dossier_review, {"actor": staff[Role.HEAD_OF_DIVISION], "approve": True}),
        ):
            dossier = fn(dossier=dossier, **kw)
        flows.flow_sync(dossier)
    client.force_login(staff[Role.DIRECTOR])
    task = open_task(dossier, "signing")
    claim(client, task)
    with on(date(2024, 2, 6)):
        assert execute(client, task, "return", note="").status_code == 200  # reason required
        assert execute(client, task, "return", note="Bổ sung ý kiến.").status_code == 302
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    task = open_task(dossier, "review")
    claim(client, task)
    with on(date(2024, 2, 7)):
        assert execute(client, task, "return", note="Thẩm định lại.").status_code == 302
    # back to the specialist who appraised it, already assigned
    task = open_task(dossier, "appraisal")
    assert task.owner == staff[Role.SPECIALIST] and task.status == STATUS.ASSIGNED


def test_a_failed_appraisal_ends_with_a_refusal(client, staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = submitted(applicant, kind=DossierKind.CERTIFICATE)
    assert flows.process_for(dossier).flow_class is flows.CertificateFlow
    steps = [
        (Role.ONE_STOP_OFFICER, "check", "accept", {"note": ""}),
        (Role.ACCOUNTANT, "fee", "record_fee", {"receipt_no": "BL-9", "paid_on": ""}),
        (
            Role.SPECIALIST,
            "appraisal",
            "record_appraisal",
            {"conclusion": "fail", "findings": "Thiếu."},
        ),
        (Role.HEAD_OF_DIVISION, "review", "approve", {"note": ""}),
    ]
    with on(date(2024, 2, 6)):
        for role, node, action, fields in steps:
            client.force_login(staff[role])
            task = open_task(dossier, node)
            claim(client, task)
            assert execute(client, task, action, **fields).status_code == 302, node
        client.force_login(staff[Role.DIRECTOR])
        task = open_task(dossier, "signing")
        claim(client, task)
        response = execute(client, task, "sign", note="")
        assert response.status_code == 200
        assert "không đạt" in response.content.decode()
        assert execute(client, task, "refuse", reasons="Không đạt yêu cầu.").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert flows.process_for(dossier).status == PROCESS.DONE


def test_flow_start_is_idempotent_and_starts_the_linked_certificate(staff, applicant):
    dossier = submitted(applicant, with_certificate=WORKER)
    child = dossier.linked_certificates.get()
    assert child.status == Status.SUBMITTED
    process = flows.process_for(dossier)
    child_process = flows.process_for(child)
    assert child_process.flow_class is flows.CertificateFlow
    assert flows.flow_start_for(dossier).pk == process.pk
    assert flows.flow_start_for(child).pk == child_process.pk
    assert flows.RadiationProcess.objects.count() == 2
    # a draft has no flow
    draft = file_dossier(applicant, upload=False)
    assert flows.flow_start_for(draft) is None
    assert flows.process_for(draft) is None


def test_undo_cancel_and_revive_are_not_offered(client, staff, applicant):
    dossier = submitted(applicant)
    task = open_task(dossier, "check")
    for node in flows.PermitFlow.instance.nodes():
        for attr in ("undo_view", "cancel_view", "revive_view"):
            assert getattr(node, attr, None) is None, (node.name, attr)
    for name in ("undo", "cancel", "revive"):
        with pytest.raises(NoReverseMatch):
            url(task, name)
    with pytest.raises(NoReverseMatch):
        flows.PermitFlow.instance.reverse("process_cancel", args=[task.process_id])
    client.force_login(staff[Role.HEAD_OF_DIVISION])  # a flow manager
    base = url(task, "index")
    for suffix in ("undo/", "cancel/", "revive/"):
        assert client.post(base + suffix).status_code == 404
    assert client.post(f"/workflow/flows/permit/{task.process_id}/cancel/").status_code == 404
    page = client.get(f"/workflow/flows/permit/{task.process_id}/")
    assert page.status_code == 200
    assert "/cancel/" not in page.content.decode()
    detail = client.get(url(task, "detail")).content.decode()
    assert "/undo/" not in detail and "/cancel/" not in detail


def test_each_role_group_holds_its_step_permission(staff):
    for step, roles in flows.STEP_ROLES.items():
        for role in roles:
            user = staff[role]
            assert user.has_perm(flows.step_permission(step)), (step, role)
    assert not staff[Role.SPECIALIST].has_perm(flows.step_permission("check"))
    assert not staff[Role.INSPECTOR].has_perm(flows.step_permission("appraisal"))


def test_services_keep_the_flow_in_step_after_commit(
    staff, applicant, django_capture_on_commit_callbacks
):
    """Changes made outside the task pages (applicant pages, API) move the flow too."""
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_submit(dossier=dossier, actor=applicant)
        assert open_task(dossier, "check")
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_request_supplement(
                dossier=dossier,
                actor=staff[Role.ONE_STOP_OFFICER],
                items=["kiem-xa"],
                reasons="Thiếu chữ ký.",
            )
        assert open_task(dossier, "wait_supplement")
    with on(date(2024, 2, 6)):
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_answer_supplement(
                dossier=dossier, actor=applicant, files={"kiem-xa": pdf()}
            )
        assert open_task(dossier, "check")
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
        assert open_task(dossier, "fee")


def test_the_inbox_line_shows_the_steps_due_date(
    client, staff, applicant, django_capture_on_commit_callbacks
):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_submit(dossier=dossier, actor=applicant)
    task = open_task(dossier, "check")
    # received 05/02/2024: the check is due 19/02/2024
    assert "19/02/2024" in task.brief
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    assert "19/02/2024" in queue_codes(client)
