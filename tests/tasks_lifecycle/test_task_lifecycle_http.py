"""The whole lifecycle of an S&T task through HTTP (`/api/tasks/`), with the clock moved
to each day: a direct assignment from the proposal to the recognition of its result, and
a competitive selection whose first call fails. Every step is the step table's API
operation, called by whoever holds it; the councils' decisions are their published
results (the councils' own HTTP flow is tested in test_http_kinds.py)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tasks_lifecycle import services as councils
from tasks_lifecycle.models import Council, Investigator, Stage, Status, Tally, Task
from tasks_lifecycle.task_selection import selection_subjects
from workflows.models import Deadline

from .conftest import _pdf, on

pytestmark = pytest.mark.django_db
TITLE = "Ứng dụng công nghệ sấy lạnh bảo quản quả mận hậu Mộc Châu"


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def post(c, path, body=None, *, files=False, status=200):
    r = c.post(path, body or {}, format="multipart" if files else "json")
    assert r.status_code == status, r.content.decode()[:900]
    return r.json()


def pdf(name="tai-lieu.pdf"):
    return SimpleUploadedFile(name, _pdf(), content_type="application/pdf")


def published_result(staff, kind, subjects, *, meeting_on, published_on, result):
    """A council of `kind` on `subjects`, constituted, met and its result published
    (`result`: the subject rows' result, or "winner" for the first subject)."""
    with on(meeting_on):
        c = councils.council_create(
            actor=staff["secretary"], kind=kind, title=f"Hội đồng {kind} {meeting_on}",
            meeting_on=meeting_on, subjects=subjects,
        )  # fmt: skip
    first = c.subjects.order_by("position").first()
    if result == "winner":
        data, outcome = {"form": "selection", "winner": str(first.pk)}, f"winner:{first.pk}"
    else:
        data = {"subjects": [{"subject": s.pk, "result": result} for s in c.subjects.all()]}
        outcome = result
    Council.objects.filter(pk=c.pk).update(
        status=Status.PUBLISHED, published_on=published_on, decision_number="01/QĐ-SKHCN",
        decision_date=meeting_on - timedelta(days=15), conclusion="Kết luận của hội đồng.",
    )  # fmt: skip
    Tally.objects.create(
        council=c, number=1, data=data, outcome=outcome, outcome_label=outcome,
        computed_by=staff["secretary"],
    )  # fmt: skip
    return c


def stage(task_id) -> str:
    return Task.objects.get(pk=task_id).stage


def test_direct_assignment_from_proposal_to_recognition(staff, org):
    officer, head, host = client(staff["officer"]), client(staff["head"]), client(staff["host"])
    pi = Investigator.objects.create(full_name="Lò Văn Hưng", organisation=org)
    with on(date(2023, 10, 2)):
        t = post(host, "/api/tasks/", {"proposer": org.pk, "title": TITLE, "year": 2024},
                 status=201)  # fmt: skip
    tid, base = t["id"], f"/api/tasks/{t['id']}"
    with on(date(2023, 10, 9)):
        post(officer, f"{base}/screen/")
    task = Task.objects.get(pk=tid)
    ident = published_result(staff, "identification", [task.subject_spec()],
                             meeting_on=date(2024, 1, 23), published_on=date(2024, 1, 23),
                             result="thuc_hien")  # fmt: skip
    with on(date(2024, 1, 11)):
        post(officer, f"{base}/send-to-identification/", {"council": ident.pk})
    with on(date(2024, 1, 25)):
        post(officer, f"{base}/recommend/", {"method": "direct"})
    with on(date(2024, 2, 6)):
        post(head, f"{base}/approve/", {"number": "250/QĐ-UBND", "signed_on": "2024-02-06",
                                        "signer": "Chủ tịch UBND tỉnh"})  # fmt: skip
    with on(date(2024, 2, 20)):
        post(officer, f"{base}/publish/")
    assert stage(tid) == Stage.PUBLISHED
    # the designated organisation files its dossier; the council assigns it
    with on(date(2024, 2, 26)):
        post(host, f"{base}/apply/", {"host": org.pk, "pi": pi.pk, "state_budget": 900_000_000,
                                      "proposal": pdf()}, files=True, status=201)  # fmt: skip
    sel = published_result(staff, "selection", selection_subjects(Task.objects.get(pk=tid)),
                           meeting_on=date(2024, 3, 12), published_on=date(2024, 3, 12),
                           result="winner")  # fmt: skip
    with on(date(2024, 3, 1)):
        post(officer, f"{base}/send-to-selection/", {"council": sel.pk})
    with on(date(2024, 3, 13)):
        post(officer, f"{base}/select/")
    assert stage(tid) == Stage.REVISION
    # 20 days from the result of 12/03/2024: 01/04/2024
    row = Deadline.objects.get(object_id=str(tid), kind="revision")
    assert row.due_date == date(2024, 4, 1)
    with on(date(2024, 3, 25)):
        post(host, f"{base}/submit-revision/", {"proposal": pdf()}, files=True)
    budget = published_result(staff, "budget_appraisal", [Task.objects.get(pk=tid).subject_spec()],
                              meeting_on=date(2024, 4, 3), published_on=date(2024, 4, 3),
                              result="")  # fmt: skip
    assert budget.kind.code == "budget_appraisal"
    with on(date(2024, 4, 4)):
        post(officer, f"{base}/appraise-budget/")
    with on(date(2024, 4, 15)):
        post(host, f"{base}/finalise/", {"dossier": pdf()}, files=True)
    with on(date(2024, 4, 25)):
        post(head, f"{base}/approve-host/", {
            "number": "880/QĐ-UBND", "signed_on": "2024-04-25", "signer": "Chủ tịch UBND tỉnh",
            "host": org.pk, "pi": pi.pk, "state_budget": 850_000_000, "lump_sum": "partial",
            "duration_months": 18, "acceptance_prep_months": 3,
        })  # fmt: skip
    with on(date(2024, 5, 2)):
        post(officer, f"{base}/sign-contract/", {
            "number": "07/2024/HĐ-KHCN", "signed_on": "2024-05-02", "effective_on": "2024-05-02",
            "starts_on": "2024-05-02", "ends_on": "2025-11-01", "budget": 850_000_000,
            "instalments": [{"due_on": "2024-05-15", "amount": 500_000_000},
                            {"due_on": "2024-12-15", "amount": 350_000_000}],
        })  # fmt: skip
    assert stage(tid) == Stage.IN_PROGRESS
    # the first 6-monthly inspection: due 02/11/2024 (a Saturday) → 04/11/2024
    first = Task.objects.get(pk=tid).inspections.order_by("number").first()
    assert first.due_on == date(2024, 11, 4)
    with on(date(2024, 10, 25)):
        post(officer, f"{base}/plan-inspection/",
             {"inspection": first.pk, "planned_on": "2024-11-04"})  # fmt: skip
    with on(date(2024, 10, 30)):
        post(host, f"{base}/upload-inspection-reports/",
             {"inspection": first.pk, "progress_report": pdf(), "spending_report": pdf()},
             files=True)  # fmt: skip
    team = {
        f"{r}_name": f"Thành viên {i}"
        for i, r in enumerate(
            ["managing_leader", "managing_officer", "finance_leader", "finance_officer"]
        )
    }
    team.update({f"{r}_present": True for r in ["managing_leader", "managing_officer",
                                               "finance_leader"]})  # fmt: skip
    with on(date(2024, 11, 4)):
        post(officer, f"{base}/record-inspection/", {
            "inspection": first.pk, "host_leader": "Giám đốc Trung tâm", "outcome": "on_track",
            "minutes": pdf("bien-ban.pdf"), **team}, files=True)  # fmt: skip
    with on(date(2024, 11, 12)):
        post(officer, f"{base}/confirm-workload/", {"inspection": first.pk})
        post(officer, f"{base}/confirm-spending/", {"inspection": first.pk})
    # the acceptance: dossier, validity, council, result, corrections, recognition
    with on(date(2025, 11, 20)):
        post(host, f"{base}/file-dossier/", {"self_evaluation": "Hoàn thành 100% sản phẩm."})
    with on(date(2025, 11, 24)):
        post(officer, f"{base}/accept-dossier/")
    acc = published_result(staff, "acceptance", [Task.objects.get(pk=tid).subject_spec()],
                           meeting_on=date(2025, 12, 10), published_on=date(2025, 12, 10),
                           result="dat")  # fmt: skip
    with on(date(2025, 12, 1)):
        post(officer, f"{base}/send-to-acceptance/", {"council": acc.pk})
    with on(date(2025, 12, 11)):
        post(officer, f"{base}/record-acceptance/")
    assert stage(tid) == Stage.CORRECTIONS
    with on(date(2026, 1, 5)):
        post(host, f"{base}/submit-corrections/", {"report": pdf()}, files=True)
    with on(date(2026, 1, 12)):
        done = post(head, f"{base}/recognise/", {"decision_number": "15/QĐ-SKHCN",
                                                 "signed_on": "2026-01-12",
                                                 "signer": "Giám đốc Sở"})  # fmt: skip
    assert done["stage"] == Stage.RECOGNISED
    assert not Deadline.objects.filter(object_id=str(tid), state="open",
                                       procedure_code="nhiem-vu-khcn").exists()  # fmt: skip


def test_selection_with_a_failed_first_call(staff, org):
    officer, host = client(staff["officer"]), client(staff["host"])
    pi = Investigator.objects.create(full_name="Lò Văn Hưng", organisation=org)
    with on(date(2023, 10, 2)):
        t = post(host, "/api/tasks/", {"proposer": org.pk, "title": TITLE, "year": 2024},
                 status=201)  # fmt: skip
    tid, base = t["id"], f"/api/tasks/{t['id']}"
    # straight to publication (the ordering itself is the test above)
    Task.objects.filter(pk=tid).update(stage=Stage.PUBLISHED, method="selection",
                                       officer=staff["officer"])  # fmt: skip
    with on(date(2024, 3, 15)):
        post(officer, f"{base}/open-call/", {"notice_number": "21/TB-SKHCN"})
    attendees = {"attendees": ["Hoàng Văn Nam, Trưởng phòng", "Lò Thị Mai, Chuyên viên"]}
    with on(date(2024, 4, 16)):  # the call closed on 15/04: nobody applied
        post(officer, f"{base}/open-applications/", attendees)
    assert stage(tid) == Stage.CALL_FAILED
    second = Deadline.objects.get(object_id=str(tid), kind="second_call")
    assert second.due_date == date(2024, 9, 15)  # 6 months from the first call's start
    with on(date(2024, 5, 2)):
        post(officer, f"{base}/open-call/", {"notice_number": "35/TB-SKHCN"})
    with on(date(2024, 5, 20)):
        post(host, f"{base}/apply/", {"host": org.pk, "pi": pi.pk, "state_budget": 900_000_000,
                                      "proposal": pdf()}, files=True, status=201)  # fmt: skip
    with on(date(2024, 6, 4)):
        post(officer, f"{base}/open-applications/", attendees)
    assert stage(tid) == Stage.APPLICATIONS_OPENED
    assert Deadline.objects.get(object_id=str(tid), kind="second_call").state == "met"
