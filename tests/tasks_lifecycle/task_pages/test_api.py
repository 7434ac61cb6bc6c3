"""The tasks' API: who sees which tasks, one POST per line of the step table with the
permits' and penalties' status codes (400 a rule, 403 not your step, 404 not visible,
409 wrong stage, nothing changed), the proposal, and the schema."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from tasks_lifecycle import services as councils
from tasks_lifecycle import task_access
from tasks_lifecycle.models import Stage, Task
from tasks_lifecycle.task_steps import STEP_TABLE
from workflows.models import AuditEntry

from ..conftest import on
from .conftest import new_task

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def call(c, path, body=None, status=200):
    r = c.post(path, body or {}, format="json")
    assert r.status_code == status, r.content.decode()[:800]
    return r.json()


def test_every_step_of_the_table_is_a_step_of_task_access():
    assert {s.step for s in STEP_TABLE} <= set(task_access.STEPS)
    assert len({s.name for s in STEP_TABLE}) == len(STEP_TABLE)


def test_list_and_detail_show_only_visible_tasks(world):
    users, task, other = world["users"], world["task"], world["other"]
    codes = lambda u: {t["code"] for t in api(u).get("/api/tasks/").json()["results"]}  # noqa: E731
    assert codes(users["officer"]) == {task.code, other.code}
    assert codes(users["secretary"]) == {task.code, other.code}
    assert codes(users["host"]) == {task.code}
    assert codes(users["pi"]) == {task.code}
    assert codes(users["other_host"]) == {other.code}
    assert codes(users["member"]) == set() and codes(users["applicant"]) == set()
    assert api(None).get("/api/tasks/").status_code == 403
    detail = api(users["officer"]).get(f"/api/tasks/{task.pk}/").json()
    assert detail["personal_data_shown"] and detail["pi"]["email"] == "an.nv@example.vn"
    assert detail["contract"]["number"] == "05/2024/HĐ-KHCN"
    assert [i["amount"] for i in detail["contract"]["instalments"]] == [700_000_000, 500_000_000]
    assert {d["kind"] for d in detail["deadlines"]} >= {"contract_end", "inspection_due"}
    assert detail["next_due"]["kind"] == "inspection_notice"  # 5 working days before
    sec = api(users["secretary"]).get(f"/api/tasks/{task.pk}/").json()
    assert not sec["personal_data_shown"] and sec["pi"]["email"] is None
    assert all(p["email"] is None for p in sec["participants"]) and sec["actions"] == []
    host = api(users["host"]).get(f"/api/tasks/{task.pk}/").json()
    assert host["actions"] == ["upload-inspection-reports", "file-dossier"]
    assert "inspection_due" not in {d["kind"] for d in host["deadlines"]}
    for who in ("other_host", "member", "applicant", "other_division"):
        assert api(users[who]).get(f"/api/tasks/{task.pk}/").status_code == 404, who


def test_list_filters_as_the_register(world, staff):
    c = api(staff["director"])
    rows = c.get("/api/tasks/", {"stage": "in_progress"}).json()["results"]
    assert [r["code"] for r in rows] == [world["task"].code]
    assert c.get("/api/tasks/", {"q": "chăn nuôi"}).json()["count"] == 1
    assert c.get("/api/tasks/", {"stage": "nope"}).status_code == 400


def test_propose_and_the_first_steps(staff, org, pool):
    host = api(staff["host"])
    bad = host.post("/api/tasks/", {"proposer": org.pk, "title": "", "year": 2025}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "title" in bad.json()["errors"]
    refused = api(staff["applicant"]).post(
        "/api/tasks/", {"proposer": org.pk, "title": "X", "year": 2025}, format="json"
    )
    assert refused.status_code == 403
    with on(date(2024, 1, 10)):
        t = call(
            host,
            "/api/tasks/",
            {
                "proposer": org.pk,
                "title": "Bảo tồn giống lúa nếp Tan",
                "year": 2024,
                "programme": "provincial",
            },
            201,
        )
        assert t["stage"] == "proposed" and t["actions"] == []
        tid = t["id"]
        call(host, f"/api/tasks/{tid}/screen/", status=403)  # the division's step
        t = call(api(staff["officer"]), f"/api/tasks/{tid}/screen/")
        assert t["stage"] == "screened" and t["officer"] == "cvqlkh"
        call(api(staff["officer2"]), f"/api/tasks/{tid}/screen/", status=403)  # wrong actor
        call(api(staff["officer"]), f"/api/tasks/{tid}/screen/", status=409)  # done already
        # an identification council with the task as its subject
        council = councils.council_create(
            actor=staff["secretary"],
            kind="identification",
            title="Hội đồng xác định 2024",
            meeting_on=date(2024, 1, 31),
            subjects=[Task.objects.get(pk=tid).subject_spec()],
        )
        e = call(
            api(staff["officer"]),
            f"/api/tasks/{tid}/send-to-identification/",
            {"council": 999999},
            400,
        )
        assert "council" in e["errors"]
        t = call(
            api(staff["officer"]),
            f"/api/tasks/{tid}/send-to-identification/",
            {"council": council.pk},
        )
        assert t["stage"] == "identification" and t["councils"][0]["code"] == council.code
        # no published "Thực hiện" yet: a rule (400), the stage unchanged
        e = call(api(staff["officer"]), f"/api/tasks/{tid}/recommend/", {"method": "direct"}, 400)
        assert e["code"] == "no_recommendation"
        e = call(api(staff["officer"]), f"/api/tasks/{tid}/recommend/", {"method": "lottery"}, 400)
        assert "method" in e["errors"]
        e = call(api(staff["officer"]), f"/api/tasks/{tid}/not-recommend/", {"reason": ""}, 400)
        t = call(
            api(staff["officer"]),
            f"/api/tasks/{tid}/not-recommend/",
            {"reason": "Trùng với nhiệm vụ đã thực hiện"},
        )
        assert t["stage"] == "not_ordered"


def test_approve_publish_contract_extend_and_acceptance_dossier(staff, org):
    task = new_task(org, stage=Stage.RECOMMENDED, officer=staff["officer"])
    url = f"/api/tasks/{task.pk}"
    officer, head, host = api(staff["officer"]), api(staff["head"]), api(staff["host"])
    d250 = {"number": "250/QĐ-UBND", "signed_on": "2024-02-06", "signer": "Chủ tịch UBND tỉnh"}
    with on(date(2024, 2, 6)):
        assert call(officer, f"{url}/approve/", d250, 403)["code"] == "forbidden"
        e = call(head, f"{url}/approve/", {**d250, "signed_on": "06-02-2024"}, 400)
        assert "signed_on" in e["errors"]
        assert call(head, f"{url}/approve/", d250)["stage"] == "approved"
        assert call(officer, f"{url}/publish/", {"on": None})["stage"] == "published"
    Task.objects.filter(pk=task.pk).update(stage=Stage.HOST_APPROVED)
    contract = {
        "number": "09/2024/HĐ-KHCN",
        "signed_on": "2024-02-29",
        "effective_on": "2024-02-29",
        "starts_on": "2024-03-01",
        "ends_on": "2025-08-31",
        "budget": 1_000_000_000,
        "instalments": [
            {"due_on": "2024-03-15", "amount": 600_000_000},
            {"due_on": "2024-11-15", "amount": 300_000_000},
        ],
    }
    with on(date(2024, 2, 29)):
        e = call(officer, f"{url}/sign-contract/", contract, 400)
        assert e["code"] == "contract_invalid" and "1.000.000.000" not in e["detail"]
        contract["instalments"][1]["amount"] = 400_000_000
        e = call(officer, f"{url}/sign-contract/", {**contract, "instalments": "x"}, 400)
        assert "instalments" in e["errors"]
        t = call(officer, f"{url}/sign-contract/", contract)
        assert t["stage"] == "in_progress" and len(t["inspections"]) == 3
    ext = {
        "months": 6,
        "requested_on": "2025-07-31",
        "decision_number": "120/QĐ-UBND",
        "signed_on": "2025-07-31",
        "signer": "Chủ tịch UBND tỉnh",
        "cause": "Thời tiết",
    }
    with on(date(2025, 8, 5)):
        e = call(
            head,
            f"{url}/extend/",
            {**ext, "requested_on": "2025-08-05", "signed_on": "2025-08-05"},
            400,
        )
        assert e["code"] == "extension_refused"
    with on(date(2025, 7, 31)):
        t = call(head, f"{url}/extend/", ext)
        assert t["contract"]["ends_on"] == "2026-02-28"
    with on(date(2026, 3, 10)):
        call(officer, f"{url}/file-dossier/", {"self_evaluation": "x"}, 403)  # the host's step
        e = call(host, f"{url}/file-dossier/", {"self_evaluation": "   "}, 400)
        assert "self_evaluation" in e["errors"]
        t = call(host, f"{url}/file-dossier/", {"self_evaluation": "Hoàn thành các sản phẩm."})
        assert t["stage"] == "dossier_filed" and t["actions"] == []
        call(host, f"{url}/file-dossier/", {"self_evaluation": "lần nữa"}, 409)
    with on(date(2026, 3, 11)):
        e = call(officer, f"{url}/request-supplement/", {"missing": []}, 400)
        assert "missing" in e["errors"]
        call(officer, f"{url}/request-supplement/", {"missing": "Báo cáo"}, 400)  # not a list
        t = call(officer, f"{url}/request-supplement/", {"missing": ["Báo cáo tài chính"]})
        assert t["stage"] == "dossier_supplement" and t["dossiers"][0]["missing"] == [
            "Báo cáo tài chính"
        ]
    with on(date(2026, 3, 13)):
        t = call(host, f"{url}/file-supplement/", {"self_evaluation": "Đã bổ sung."})
        assert t["stage"] == "dossier_filed"
        t = call(officer, f"{url}/accept-dossier/")
        assert t["stage"] == "dossier_valid"


def test_refusals_change_nothing(world, staff):
    task = world["task"]
    url = f"/api/tasks/{task.pk}"
    audit = AuditEntry.objects.count()
    call(api(staff["officer"]), f"{url}/publish/", {}, 409)
    call(api(staff["secretary"]), f"{url}/accept-dossier/", {}, 403)
    call(api(world["users"]["other_host"]), f"{url}/file-dossier/", {"self_evaluation": "x"}, 404)
    call(api(staff["officer"]), f"{url}/sign-contract/", [1, 2], 409)  # signed already
    call(api(staff["head"]), f"{url}/extend/", ["not", "an", "object"], 400)
    call(api(staff["head"]), f"{url}/extend/", {"months": "x" * 10**4}, 400)
    assert api(staff["officer"]).post("/api/tasks/999999/screen/").status_code == 404
    assert Task.objects.get(pk=task.pk).stage == Stage.IN_PROGRESS
    assert AuditEntry.objects.count() == audit


def test_schema_has_one_operation_per_step():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for step in STEP_TABLE:
        op = schema["paths"][f"/api/tasks/{{id}}/{step.name}/"]["post"]
        assert op["summary"] == str(step.label)
        assert {"200", "400", "403", "404", "409"} <= set(op["responses"])
    body = schema["components"]["schemas"]["TaskSignContract"]["properties"]
    assert body["instalments"]["items"]["$ref"].endswith("/DatedAmount")


HOSTILE = [None, {"a": 1}, [1, [2]], "x" * 5000, 10**30, "\x00", "9999-12-31", "0001-01-01"]


def test_no_input_answers_500_and_a_refusal_changes_nothing(staff, org):
    """Every step, posted by a leader (or the host for the host's steps) with hostile
    values in every field: never a 5xx; anything but 200 leaves the task as it was."""
    from tasks_lifecycle.models import Contract
    from workflows.api_forms import form_serializer

    before = new_task(org, stage=Stage.PROPOSED, officer=staff["officer"])
    after = new_task(org, stage=Stage.IN_PROGRESS, officer=staff["officer"])
    Contract.objects.create(task=after, number="01/HĐ", signed_on=date(2024, 1, 2),
                            effective_on=date(2024, 1, 2), starts_on=date(2024, 1, 2),
                            original_ends_on=date(2025, 1, 1), ends_on=date(2025, 1, 1),
                            budget=10**9)  # fmt: skip
    contracted = {Stage.IN_PROGRESS, Stage.DOSSIER_FILED, Stage.DOSSIER_SUPPLEMENT}
    for step in STEP_TABLE:
        task = after if set(step.stages) & contracted else before
        Task.objects.filter(pk=task.pk).update(stage=step.stages[0])
        actor = staff["host"] if step.side == task_access.HOST else staff["director"]
        serializer = form_serializer(step.form, step.api_name)
        fields = list(serializer().fields) if serializer else ["x"]
        bodies = [[], "x", {}] + [dict.fromkeys(fields, v) for v in HOSTILE]
        for body in bodies:
            audit = AuditEntry.objects.count()
            r = api(actor).post(f"/api/tasks/{task.pk}/{step.name}/", body, format="json")
            assert r.status_code < 500, (step.name, body, r.content[:300])
            if r.status_code != 200:
                assert Task.objects.get(pk=task.pk).stage == step.stages[0], (step.name, body)
                assert AuditEntry.objects.count() == audit
            else:
                Task.objects.filter(pk=task.pk).update(stage=step.stages[0])
