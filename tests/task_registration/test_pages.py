"""The registration goes through the same doors as the radiation procedures: the
applicant's pages (file, upload, submit, follow), the counter intake, the staff case
page, the flow's task pages (check → appraisal → review → signing) over HTTP with
moved time, the REST API and the public lookup."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from permits import flows
from permits.models import Channel, Dossier, Status
from tasks_lifecycle.registration.kind import KIND, registration_of
from tests.task_registration.conftest import (
    DETAILS,
    ORGANISATION,
    REQUIRED_ITEMS,
    drive,
    file_registration,
    on,
    pdf,
)
from workflows.roles import Role

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("permits:dossier-create", kwargs={"kind": KIND})
COUNTER_URL = reverse("permits:counter-intake", kwargs={"kind": KIND})


def text(response) -> str:
    return response.content.decode()


def _details_form(prefix: str = "details") -> dict:
    return {
        f"{prefix}-{k}": (v.isoformat() if isinstance(v, date) else v) for k, v in DETAILS.items()
    }


def _open_task(dossier: Dossier, node: str) -> Task:
    task = Task.objects.get(process=flows.process_for(dossier), status__in=flows.OPEN_TASK_STATUSES)
    assert task.flow_task.name == node
    return task


def _url(task: Task, name: str) -> str:
    return task.flow_task.reverse(name, args=[task.process_id, task.pk])


def _execute(client, task: Task, action: str, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(_url(task, "execute"), data)


def _queue(client) -> str:
    client.get(reverse("workflow:queue"))
    return text(client.get(reverse("workflow:queue")))


def test_the_host_files_online_and_follows_it_to_the_certificate(client, staff, applicant, task):
    client.force_login(applicant)
    mine = text(client.get(reverse("permits:my-dossiers")))
    assert CREATE_URL in mine and "Đăng ký kết quả thực hiện nhiệm vụ khoa học" in mine
    page = text(client.get(CREATE_URL))
    assert "Tổ chức chủ trì thực hiện nhiệm vụ" in page
    assert "Nhiệm vụ khoa học và công nghệ đăng ký kết quả" in page
    assert task.code in page  # the host's recognised task is offered
    assert "Địa chỉ nơi đặt thiết bị" not in page and "Thiết bị X-quang" not in page

    with on(date(2024, 2, 26)):
        data = {**{f"org-{k}": v for k, v in ORGANISATION.items()}, **_details_form()}
        response = client.post(CREATE_URL, {**data, "details-task_title": ""})
        assert response.status_code == 400 and "Vui lòng nhập thông tin này" in text(response)
        assert not Dossier.objects.exists()
        response = client.post(CREATE_URL, data)
        dossier = Dossier.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "permits:dossier-detail", kwargs={"code": dossier.code}
        )
        assert dossier.kind == KIND and registration_of(dossier).pi_name == DETAILS["pi_name"]
        for item in REQUIRED_ITEMS:
            upload = client.post(
                reverse("permits:document-upload", kwargs={"code": dossier.code}),
                {"item": item, "file": pdf(f"{item}.pdf")},
            )
            assert upload.status_code == 302, text(upload)[:300]
        detail = text(client.get(response["Location"]))
        assert DETAILS["task_title"] in detail and "TS. Lò Văn Hưng" in detail
        assert "kiểm tra trong 2 ngày làm việc" in detail
        assert "Phí thẩm định" not in detail
        submitted = client.post(reverse("permits:dossier-submit", kwargs={"code": dossier.code}))
        assert submitted.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.check_clock.due_date == date(2024, 2, 28)

    # the one-stop officer checks it from the queue of the flow
    officer, specialist = staff[Role.ONE_STOP_OFFICER], staff[Role.SPECIALIST]
    check = _open_task(dossier, "check")
    client.force_login(officer)
    assert dossier.code in _queue(client)
    assert client.post(_url(check, "assign")).status_code == 302
    with on(date(2024, 2, 27)):
        assert _execute(client, check, "accept", note="Đủ hồ sơ.").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.APPRAISAL
    assert dossier.result_clock.due_date == date(2024, 3, 5)

    # the appraisal is the managing division's: another division's specialist (who
    # holds the same role permission) is refused when claiming it
    appraisal = _open_task(dossier, "appraisal")
    client.force_login(staff["specialist_elsewhere"])
    assert client.post(_url(appraisal, "assign")).status_code == 403
    client.force_login(specialist)
    assert dossier.code in _queue(client)
    with on(date(2024, 2, 28)):
        assert client.post(_url(appraisal, "assign")).status_code == 302
        response = _execute(
            client, appraisal, "record_appraisal", conclusion="pass", findings="Đủ, khớp."
        )
        assert response.status_code == 302
    review = _open_task(dossier, "review")
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    with on(date(2024, 2, 29)):
        assert client.post(_url(review, "assign")).status_code == 302
        assert _execute(client, review, "approve", note="").status_code == 302
    signing = _open_task(dossier, "signing")
    client.force_login(staff[Role.DIRECTOR])
    with on(date(2024, 3, 1)):
        assert client.post(_url(signing, "assign")).status_code == 302
        page = text(client.get(_url(signing, "execute")))
        assert DETAILS["task_title"] in page
        assert _execute(client, signing, "sign", note="").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.ISSUED

    # the host sees the certificate's number and gets its PDF
    client.force_login(applicant)
    detail = text(client.get(reverse("permits:dossier-detail", kwargs={"code": dossier.code})))
    assert "01/2024/GCN-SKHCN" in detail
    pdf_url = f"/ho-so/{dossier.code}/van-ban/giay-chung-nhan/"
    assert pdf_url in detail
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_officer_files_at_the_counter(client, staff, applicant):
    officer = staff[Role.ONE_STOP_OFFICER]
    client.force_login(officer)
    with on(date(2024, 2, 26)):
        page = text(client.get(COUNTER_URL))
        assert "Tổ chức chủ trì thực hiện nhiệm vụ" in page
        assert "Phiếu đăng ký kết quả thực hiện nhiệm vụ" in page
        # every kind has its tab, the radiation ones and the registration
        assert reverse("permits:counter-intake", kwargs={"kind": "permit_new"}) in page
        data = {
            "intake-applicant": applicant.username,
            "intake-channel": Channel.POST,
            **{f"org-{k}": v for k, v in ORGANISATION.items()},
            **_details_form(),
            **{f"doc-file-{item}": pdf(f"{item}.pdf") for item in REQUIRED_ITEMS},
        }
        response = client.post(COUNTER_URL, data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302, text(response)[:500]
    assert (dossier.channel, dossier.applicant, dossier.received_by) == (
        Channel.POST,
        applicant,
        officer,
    )
    assert dossier.status == Status.SUBMITTED and dossier.code.startswith("DKKQ-240226-")
    assert registration_of(dossier).task_title == DETAILS["task_title"]
    case = text(client.get(response["Location"]))
    assert DETAILS["task_title"] in case and "Tổng phí thẩm định" not in case


def test_the_staff_case_page_shows_the_declarations_and_documents(client, staff, applicant):
    with on(date(2024, 3, 4)):
        dossier = drive(file_registration(applicant), staff, Status.ISSUED)
    client.force_login(staff[Role.SPECIALIST])
    page = text(client.get(reverse("permits:staff-dossier", kwargs={"code": dossier.code})))
    for part in (
        DETAILS["task_title"],
        "Quyết định số 2415/QĐ-UBND ngày 20/12/2023",
        "1.250.000.000 đồng",
        "01/2024/GCN-SKHCN",
        "Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&amp;CN",
        f"/ho-so/{dossier.code}/van-ban/giay-chung-nhan/",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
    ):
        assert part in page, part


def test_the_api_files_and_shows_a_registration(staff, applicant, task):
    api = APIClient()
    api.force_login(applicant)
    body = {
        "kind": KIND,
        **ORGANISATION,
        "details": {**{k: str(v) for k, v in DETAILS.items()}, "task": task.code},
    }
    with on(date(2024, 2, 26)):
        refused = api.post(
            "/api/permits/dossiers/",
            {**body, "details": {"acceptance_class": "khong_dat"}},
            format="json",
        )
        assert refused.status_code == 400 and refused.json()["code"] == "details"
        assert "Xếp loại nghiệm thu" in refused.json()["detail"]
        created = api.post("/api/permits/dossiers/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["kind"] == KIND and data["code"].startswith("DKKQ-")
    lines = {row["label"]: row["value"] for row in data["details"]}
    assert lines["Tên nhiệm vụ"] == DETAILS["task_title"]
    assert lines["Nhiệm vụ trong hệ thống"].startswith(task.code)
    assert data["result"] is None and data["permit"] is None
    dossier = Dossier.objects.get(code=data["code"])
    assert registration_of(dossier).task == task
    with on(date(2024, 2, 26)):
        for item in REQUIRED_ITEMS:
            response = api.post(
                f"/api/permits/dossiers/{dossier.code}/documents/",
                {"item": item, "file": pdf(f"{item}.pdf")},
                format="multipart",
            )
            assert response.status_code == 201
        assert api.post(f"/api/permits/dossiers/{dossier.code}/submit/").status_code == 200
        drive(Dossier.objects.get(pk=dossier.pk), staff, Status.ISSUED)
    detail = api.get(f"/api/permits/dossiers/{dossier.code}/").json()
    assert detail["status"] == Status.ISSUED
    assert detail["result"]["number"] == "01/2024/GCN-SKHCN"
    assert detail["result"]["document"] == f"/ho-so/{dossier.code}/van-ban/giay-chung-nhan/"
    assert detail["result"]["label"].startswith("Giấy chứng nhận đăng ký kết quả")

    # the public lookup by code and key, for anyone
    from django.core.cache import cache

    cache.clear()
    lookup = APIClient().post(
        "/api/permits/lookup/", {"code": dossier.code, "key": dossier.lookup_key}, format="json"
    )
    assert lookup.status_code == 200
    assert lookup.json()["procedure"].startswith("Đăng ký kết quả thực hiện nhiệm vụ")
    assert lookup.json()["appointment_date"] == "2024-03-04"
