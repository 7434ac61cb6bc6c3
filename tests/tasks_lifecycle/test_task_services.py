"""The first stages of an S&T task through the service layer, with the clock moved:
proposal → overlap check → identification council (the councils' own services and API)
→ recommendation → approval of the ordered list (Decision 250/QĐ-UBND, 06/02/2024)
→ publication; who may act (ownership, not only roles); the ledger rows."""

from datetime import date

import pytest

from tasks_lifecycle import services as councils
from tasks_lifecycle.models import Investigator, Stage, Task
from tasks_lifecycle.task_services import (
    TaskRefused,
    task_approve,
    task_not_recommend,
    task_propose,
    task_publish,
    task_recommend,
    task_screen,
    task_send_to_identification,
)
from workflows.errors import ActionForbidden, TransitionRefused
from workflows.models import AuditEntry, Deadline

from .conftest import ROLES, client_for, ok, on
from .test_http_kinds import _board, _confirm_publish, _member_client, _to_meeting

pytestmark = pytest.mark.django_db

SAM = "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam tại huyện Mường La"


def _deadline(task: Task, kind: str) -> Deadline:
    return Deadline.objects.get(object_id=str(task.pk), kind=kind, procedure_code="nhiem-vu-khcn")


def _proposed(staff, org, title=SAM) -> Task:
    with on(date(2023, 10, 2)):
        return task_propose(actor=staff["host"], proposer=org, title=title, year=2024)


def test_propose_by_the_organisation_only(staff, org):
    task = _proposed(staff, org)
    assert task.stage == Stage.PROPOSED and task.code == "NV-2024-0001"
    assert task.proposed_on == date(2023, 10, 2)
    assert task.procedure_version.procedure.code == "nhiem-vu-khcn"
    with pytest.raises(ActionForbidden):
        task_propose(actor=staff["other_host"], proposer=org, title="Đề tài khác", year=2024)
    with pytest.raises(TaskRefused):
        task_propose(actor=staff["host"], proposer=org, title="   ", year=2024)


def test_screen_lists_similar_earlier_tasks_and_the_specialist_follows_the_task(staff, org):
    Task.objects.create(
        code="NV-2019-0003",
        title="Nghiên cứu trồng thử nghiệm Sâm Việt Nam tại Sơn La",
        year=2019,
        proposed_on=date(2018, 9, 1),
    )
    task = _proposed(staff, org)
    with on(date(2023, 10, 9)):
        task = task_screen(task=task, actor=staff["officer"])
    assert task.stage == Stage.SCREENED and task.officer == staff["officer"]
    assert [s["code"] for s in task.similar_tasks] == ["NV-2019-0003"]
    entry = AuditEntry.objects.get(object_id=str(task.pk), action="screen")
    assert entry.actor == staff["officer"] and entry.data["similar"][0]["code"] == "NV-2019-0003"


def test_who_may_screen(staff, org):
    task = _proposed(staff, org)
    for who, code in (
        ("host", "forbidden"),  # a host user has no division step
        ("specialist", "other_division"),  # a specialist of another division
        ("other_head", "other_division"),  # a head acts only in their own division
        ("secretary", "forbidden"),  # a council secretary has no task step
    ):
        with pytest.raises(ActionForbidden) as exc:
            task_screen(task=task, actor=staff[who])
        assert exc.value.code == code, who
    assert Task.objects.get(pk=task.pk).stage == Stage.PROPOSED


def test_the_officer_holds_the_task_other_specialist_refused_head_may_act(staff, org):
    task = _proposed(staff, org)
    Task.objects.filter(pk=task.pk).update(officer=staff["officer"])
    with pytest.raises(ActionForbidden) as exc:
        task_screen(task=task, actor=staff["officer2"])
    assert exc.value.code == "held_by_other"
    task = task_screen(task=task, actor=staff["head"])
    assert task.stage == Stage.SCREENED and task.officer == staff["officer"]


def test_self_dealing_the_pi_may_not_act_for_the_division(staff, org):
    task = _proposed(staff, org)
    pi = Investigator.objects.create(full_name="Cán Bộ Phòng", user=staff["officer"])
    Task.objects.filter(pk=task.pk).update(pi=pi)
    with pytest.raises(ActionForbidden) as exc:
        task_screen(task=task, actor=staff["officer"])
    assert exc.value.code == "self_dealing"


def test_wrong_state_is_refused_and_nothing_changes(staff, org):
    task = _proposed(staff, org)
    with pytest.raises(TransitionRefused):
        task_publish(task=task, actor=staff["officer"])
    assert Task.objects.get(pk=task.pk).stage == Stage.PROPOSED
    assert not Deadline.objects.filter(object_id=str(task.pk)).exists()


def _identification_council(staff, pool, task, *, meeting_on="2024-01-31", members=True):
    """The secretary sets the council up with the task as its subject (parties from the
    task), the officer sends the task to it."""
    sec = staff["secretary"]
    council = councils.council_create(
        actor=sec,
        kind="identification",
        title="Hội đồng tư vấn xác định nhiệm vụ KH&CN cấp tỉnh năm 2024",
        meeting_on=date.fromisoformat(meeting_on),
        subjects=[Task.objects.get(pk=task.pk).subject_spec()],
    )
    if members:
        api = client_for(sec)
        for expert, role in zip(pool, ROLES["identification"], strict=False):
            ok(
                api.post(
                    f"/api/councils/{council.pk}/members/",
                    {"expert": expert.pk, "role": role},
                    format="json",
                )
            )
    return council


def test_conflicts_are_computed_from_the_task(staff, pool, org):
    task = _proposed(staff, org)
    pi = Investigator.objects.create(full_name=pool[0].full_name)
    Task.objects.filter(pk=task.pk).update(pi=pi, host=org)
    with on(date(2024, 1, 22)):
        council = _identification_council(staff, pool, task, members=False)
    reasons = councils.member_conflicts(council, pool[0], "member")
    assert reasons and "chủ nhiệm" in reasons[0]
    assert councils.member_conflicts(council, pool[1], "member") == []


def test_first_stages_with_the_identification_council_and_their_dates(staff, pool, org):
    task = _proposed(staff, org)
    with on(date(2024, 1, 15)):
        task = task_screen(task=task, actor=staff["officer"])
    with on(date(2024, 1, 22)):
        council = _identification_council(staff, pool, task)
        # a task not on the council may not be sent to it
        other = _proposed(staff, org, title="Ứng dụng công nghệ sinh học trong chăn nuôi")
        task_screen(task=other, actor=staff["officer"])
        with pytest.raises(TaskRefused):
            task_send_to_identification(task=other, actor=staff["officer"], council=council)
        task = task_send_to_identification(task=task, actor=staff["officer"], council=council)
        assert task.stage == Stage.IDENTIFICATION
        # recommendations 5 working days after the meeting of 31/01/2024 (TT 06/2023 Art 12(9))
        row = _deadline(task, "recommendation")
        assert row.due_date == date(2024, 2, 7) and row.owner_user == staff["secretary"]
        # no recommendation before the council has published its result
        with pytest.raises(TaskRefused) as exc:
            task_recommend(task=task, actor=staff["officer"], method="selection")
        assert exc.value.code == "no_recommendation"
        sec = client_for(staff["secretary"])
        data = _to_meeting(sec, ok(sec.get(f"/api/councils/{council.pk}/")), pool)
    with on(date(2024, 1, 31)):
        data = _board(sec, data)
        sid = data["subjects"][0]["id"]
        for m in data["members"]:
            contents = dict.fromkeys(
                ("cap_thiet", "muc_tieu", "san_pham", "khong_trung_lap"), "dat"
            )
            ok(
                _member_client(data, m["id"]).post(
                    f"/api/councils/{council.pk}/ballots/",
                    {"subject": sid, "values": {"contents": contents}},
                    format="json",
                )
            )
        ok(sec.post(f"/api/councils/{council.pk}/tally/", {}, format="json"))
        _confirm_publish(sec, ok(sec.get(f"/api/councils/{council.pk}/")), pool)
    with on(date(2024, 2, 2)):
        with pytest.raises(TaskRefused):
            task_recommend(task=task, actor=staff["officer"], method="lottery")
        task = task_recommend(task=task, actor=staff["officer"], method="selection")
    assert task.stage == Stage.RECOMMENDED and task.method == "selection"
    assert _deadline(task, "recommendation").state == Deadline.State.MET
    # approval 15 days after 02/02/2024: 17/02 is a Saturday → 19/02/2024
    assert _deadline(task, "approval").due_date == date(2024, 2, 19)
    with on(date(2024, 2, 6)):
        # the Committee's decision is recorded by a leader, not the specialist
        d250 = {"number": "250/QĐ-UBND", "signer": "Chủ tịch UBND tỉnh"}
        with pytest.raises(ActionForbidden):
            task_approve(task=task, actor=staff["officer"], signed_on=date(2024, 2, 6), **d250)
        with pytest.raises(TaskRefused):
            task_approve(task=task, actor=staff["head"], number="", signed_on=None, signer="")
        with pytest.raises(TaskRefused):  # signed after today
            task_approve(task=task, actor=staff["head"], signed_on=date(2024, 2, 7), **d250)
        task = task_approve(
            task=task,
            actor=staff["head"],
            signed_on=date(2024, 2, 6),
            title="Phê duyệt danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024",
            **d250,
        )
    assert task.stage == Stage.APPROVED and task.ordering_decision.number == "250/QĐ-UBND"
    assert _deadline(task, "approval").state == Deadline.State.MET
    # publication 15 days after 06/02/2024 (TT 06/2023 Art 15(2))
    publication = _deadline(task, "publication")
    assert publication.due_date == date(2024, 2, 21) and publication.owner_user == staff["officer"]
    assert publication.next_action_on == date(2024, 2, 20)  # the ladder: T-1 working day
    with on(date(2024, 2, 22)):
        task = task_publish(task=task, actor=staff["officer"])
    assert task.stage == Stage.PUBLISHED and task.published_on == date(2024, 2, 22)
    assert _deadline(task, "publication").state == Deadline.State.MISSED
    actions = list(
        AuditEntry.objects.filter(object_id=str(task.pk), content_type__model="task")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "propose",
        "screen",
        "send_to_identification",
        "recommend",
        "approve",
        "publish",
    ]


def test_not_recommended_closes_the_dates(staff, pool, org):
    task = _proposed(staff, org)
    with on(date(2024, 1, 22)):
        task = task_screen(task=task, actor=staff["officer"])
        council = _identification_council(staff, pool, task)
        task = task_send_to_identification(task=task, actor=staff["officer"], council=council)
        with pytest.raises(TaskRefused):
            task_not_recommend(task=task, actor=staff["officer"], reason=" ")
        task = task_not_recommend(
            task=task, actor=staff["officer"], reason="Trùng lặp với nhiệm vụ NV-2019-0003"
        )
    assert task.stage == Stage.NOT_ORDERED
    assert _deadline(task, "recommendation").state == Deadline.State.CANCELLED
