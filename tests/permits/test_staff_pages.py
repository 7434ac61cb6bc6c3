"""Staff pages of the radiation procedures: the case page, the manager page and the
register — what they show, who may see them, and what they cost in queries."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from permits import flows, services
from permits.models import ApologySlip, Dossier, DossierKind, Permit, Status
from tests.conftest import make_user
from tests.permits.conftest import drive, file_dossier, on, pdf
from workflows.models import Deadline
from workflows.roles import Role
from workflows.selectors import procedure_version_for

pytestmark = pytest.mark.django_db


def case_url(dossier) -> str:
    return reverse("permits:staff-dossier", kwargs={"code": dossier.code})


# --- the case page ------------------------------------------------------------------------
@pytest.fixture
def busy_case(staff, applicant):
    """A permit dossier that went through a supplement request and is late in appraisal,
    with its apology slip drafted, and its flow started."""
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
        flows.flow_start_for(dossier)
    with on(date(2024, 2, 6)):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa"],
            reasons="Biên bản kiểm xạ thiếu chữ ký.",
        )
    dossier.refresh_from_db()
    with on(date(2024, 2, 16)):
        dossier = services.dossier_answer_supplement(
            dossier=dossier, actor=applicant, files={"kiem-xa": pdf("kiem-xa-moi.pdf")}
        )
        flows.flow_sync(dossier)
        dossier = drive(dossier, staff, Status.APPRAISAL)
        flows.flow_sync(dossier)
    return dossier


def test_case_page_shows_the_whole_case(client, staff, busy_case):
    dossier = busy_case
    with on(date(2024, 3, 8)):
        assert services.apologies_draft_due() == 1
    slip = ApologySlip.objects.get(dossier=dossier)
    client.force_login(staff[Role.SPECIALIST])
    with on(date(2024, 3, 8)):
        response = client.get(case_url(dossier))
    assert response.status_code == 200
    body = response.content.decode()
    # identity and status
    assert dossier.code in body and "Phòng khám Đa khoa Hoàng Long" in body
    assert "Đang thẩm định" in body
    # uploaded documents, served by the documents view
    for doc in dossier.documents.all():
        assert f"/ho-so/{dossier.code}/tai-lieu/{doc.pk}/" in body
    assert "kiem-xa-moi.pdf" in body and "Bổ sung lần 1" in body
    # devices and fees
    assert "Vatech PaX-i" in body and "SN-002" in body and "10.000.000" in body
    # timeline with actors
    assert "motcua" in body and "ketoan" in body
    assert "Yêu cầu bổ sung hồ sơ" in body and "Xác nhận đã nộp phí" in body
    # legal clock events: cause, due before/after
    assert "Chờ bổ sung hồ sơ" in body and "Đã nộp bổ sung hồ sơ" in body
    assert dossier.result_clock.due_date.strftime("%d/%m/%Y") in body
    # ledger rows: kind, owner, due, state
    assert "Thời hạn bước xử lý" in body and "Bổ sung hồ sơ" in body
    assert "đúng hạn" in body and "đang mở" in body
    # supplements and apology slips
    assert "Biên bản kiểm xạ thiếu chữ ký." in body
    assert slip.reason in body and "Dự thảo" in body
    # generated documents
    for name in ("tiep-nhan", "bo-sung-1", f"xin-loi-{slip.pk}"):
        assert f"/ho-so/{dossier.code}/van-ban/{name}/" in body
    assert f"/ho-so/{dossier.code}/van-ban/giay-phep/" not in body
    # the current flow task, with a link to it
    task = flows.process_for(dossier).task_set.get(status__in=["NEW", "ASSIGNED"])
    assert task.flow_task.name == "appraisal"
    assert "Thẩm định hồ sơ" in body
    assert task.flow_task.reverse("index", args=[task.process_id, task.pk]) in body
    # a specialist is not offered the apology actions
    assert reverse("permits:staff-apology-issue", args=[dossier.code, slip.pk]) not in body


def test_case_page_permissions(client, staff, applicant, busy_case):
    url = case_url(busy_case)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(applicant)
    assert client.get(url).status_code == 403
    for role in (Role.ONE_STOP_OFFICER, Role.ACCOUNTANT, Role.DIRECTOR):
        client.force_login(staff[role])
        assert client.get(url).status_code == 200
    assert client.get(reverse("permits:staff-dossier", args=["KHONG-CO"])).status_code == 404


def test_case_page_costs_a_fixed_number_of_queries(
    client, staff, busy_case, django_assert_max_num_queries
):
    client.force_login(staff[Role.DIRECTOR])
    client.get(case_url(busy_case))  # warm the calendar and content types
    with django_assert_max_num_queries(15):
        assert client.get(case_url(busy_case)).status_code == 200


def test_apology_slip_drafted_and_issued_from_the_case_page(client, staff, busy_case):
    dossier = busy_case
    due = dossier.result_clock.due_date
    draft_url = reverse("permits:staff-apology-draft", args=[dossier.code])
    # an accountant may not draft; a specialist may not issue
    client.force_login(staff[Role.ACCOUNTANT])
    with on(date(2024, 3, 7)):
        client.post(draft_url, {"reason": "Chưa kịp thẩm định."})
    assert not ApologySlip.objects.exists()
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    with on(date(2024, 3, 7)):
        page = client.get(case_url(dossier)).content.decode()
        assert draft_url in page
        response = client.post(draft_url, {"reason": "Thiết bị chờ kiểm định lại.", "new_date": ""})
    assert response.status_code == 302
    slip = ApologySlip.objects.get(dossier=dossier)
    assert slip.old_date == due and slip.drafted_by == staff[Role.HEAD_OF_DIVISION]
    issue_url = reverse("permits:staff-apology-issue", args=[dossier.code, slip.pk])
    with on(date(2024, 3, 7)):
        assert issue_url in client.get(case_url(dossier)).content.decode()
        # a second draft for the same date is refused with the service's message
        client.post(draft_url, {"reason": "Lần nữa."})
        page = client.get(case_url(dossier)).content.decode()
    assert "Đã có phiếu xin lỗi cho ngày hẹn" in page
    client.force_login(staff[Role.SPECIALIST])
    with on(date(2024, 3, 8)):
        client.post(issue_url)
    slip.refresh_from_db()
    assert slip.state == ApologySlip.State.DRAFT
    client.force_login(staff[Role.DIRECTOR])
    with on(date(2024, 3, 8)):
        assert client.post(issue_url).status_code == 302
    slip.refresh_from_db()
    dossier.refresh_from_db()
    assert slip.state == ApologySlip.State.ISSUED and slip.issued_by == staff[Role.DIRECTOR]
    assert dossier.result_clock.due_date == slip.new_date > due
    assert client.get(issue_url).status_code == 405


def test_issued_dossier_links_its_permit_and_the_register_lists_it(client, staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.ISSUED)
        cert = drive(file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.ISSUED)
    Permit.objects.filter(dossier=cert).update(state=Permit.State.EXPIRED)  # for the filter
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    body = client.get(case_url(dossier)).content.decode()
    assert f"/ho-so/{dossier.code}/van-ban/giay-phep/" in body
    register = reverse("permits:register")
    body = client.get(register).content.decode()
    assert "001/2024/GP-SKHCN" in body and "001/2024/CC-SKHCN" in body
    assert "05/02/2027" in body and "Không thời hạn" in body
    assert "Phòng khám Đa khoa Hoàng Long" in body and "Lò Văn Bình" in body
    body = client.get(register, {"state": "valid"}).content.decode()
    assert "001/2024/GP-SKHCN" in body and "001/2024/CC-SKHCN" not in body
    body = client.get(register, {"state": "expired"}).content.decode()
    assert "001/2024/GP-SKHCN" not in body and "001/2024/CC-SKHCN" in body
    body = client.get(register, {"kind": "certificate"}).content.decode()
    assert "001/2024/GP-SKHCN" not in body and "001/2024/CC-SKHCN" in body


def test_register_is_paginated_and_staff_only(
    client, staff, applicant, django_assert_max_num_queries
):
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.ISSUED)
    permit = Permit.objects.get(dossier=dossier)
    version = dossier.procedure_version
    rows = [_dossier(version, applicant, i, Status.ISSUED) for i in range(60)]
    Dossier.objects.bulk_create(rows)
    Permit.objects.bulk_create(
        Permit(
            kind=Permit.Kind.PERMIT,
            number=f"{i + 100:03d}/2024/GP-SKHCN",
            dossier=d,
            applicant=applicant,
            holder_name=f"Cơ sở {i}",
            holder_address="Sơn La",
            scope="X-quang",
            issued_on=date(2024, 1, 1),
            valid_from=date(2024, 1, 1),
            valid_until=date(2027, 1, 1),
            signed_by=permit.signed_by,
        )
        for i, d in enumerate(Dossier.objects.filter(code__startswith="GPBX-T-"))
    )
    register = reverse("permits:register")
    client.force_login(applicant)
    assert client.get(register).status_code == 403
    client.force_login(staff[Role.SPECIALIST])
    client.get(register)
    with django_assert_max_num_queries(8):
        first = client.get(register).content.decode()
    assert "Trang 1/2" in first and "001/2024/GP-SKHCN" in first
    second = client.get(register, {"page": 2}).content.decode()
    assert "Trang 2/2" in second


# --- the manager page ---------------------------------------------------------------------
MANAGER_DAY = date(2024, 3, 4)  # a Monday; due soon = up to Wednesday 06/03


def _dossier(version, applicant, i: int, status: str) -> Dossier:
    return Dossier(
        code=f"GPBX-T-{i:05d}",
        lookup_key="ABCDEFGH",
        kind=DossierKind.PERMIT_NEW,
        procedure_version=version,
        applicant=applicant,
        status=status,
        organisation_name=f"Cơ sở {i}",
        organisation_address="Sơn La",
        business_registration_no=f"55{i:08d}",
        contact_phone="0212 000 000",
    )


def _row(dossier, kind, due, *, user=None, group=None, **extra) -> Deadline:
    return Deadline(
        content_type=ContentType.objects.get_for_model(Dossier),
        object_id=str(dossier.pk),
        kind=kind,
        procedure_code="bx-giay-phep-moi",
        dossier_code=dossier.code,
        title=f"{kind} {dossier.code}",
        owner_user=user,
        owner_group=group,
        due_date=due,
        **extra,
    )


def bulk_cases(n: int, *, applicant, specialist) -> None:
    """n dossiers in appraisal or review, each with one open step row; two in three are
    overdue or due soon."""
    version = procedure_version_for("bx-giay-phep-moi", MANAGER_DAY)
    statuses = [Status.APPRAISAL, Status.REVIEW]
    Dossier.objects.bulk_create(_dossier(version, applicant, i, statuses[i % 2]) for i in range(n))
    head = Group.objects.get(name=Role.HEAD_OF_DIVISION)
    dues = [date(2024, 2, 28), date(2024, 3, 5), date(2024, 3, 20)]
    rows = []
    for i, d in enumerate(Dossier.objects.filter(code__startswith="GPBX-T-").order_by("pk")):
        owner = {"user": specialist} if d.status == Status.APPRAISAL else {"group": head}
        rows.append(_row(d, "step", dues[i % 3], **owner))
    Deadline.objects.bulk_create(rows)


def test_manager_page_counts_by_step_and_by_officer(client, staff, applicant):
    specialist = staff[Role.SPECIALIST]
    version = procedure_version_for("bx-giay-phep-moi", MANAGER_DAY)
    spec = [
        (1, Status.APPRAISAL, "step", date(2024, 2, 28), {"user": specialist}),
        (2, Status.APPRAISAL, "step", date(2024, 3, 5), {"user": specialist}),
        (3, Status.REVIEW, "step", date(2024, 3, 1), {"group": "head_of_division"}),
        (4, Status.SUBMITTED, "check", date(2024, 3, 6), {"group": "one_stop_officer"}),
        (5, Status.SUBMITTED, "check", date(2024, 3, 7), {"group": "one_stop_officer"}),
        (6, Status.APPRAISAL, "step", date(2024, 2, 1), {"user": specialist, "paused": True}),
        (7, Status.SUPPLEMENT, "supplement", date(2024, 3, 1), {"user": applicant}),
        (8, Status.APPRAISAL, "step", date(2024, 2, 1), {"user": specialist, "state": "met"}),
    ]
    rows = []
    for i, status, kind, due, extra in spec:
        d = _dossier(version, applicant, i, status)
        d.save()
        if "group" in extra:
            extra["group"] = Group.objects.get(name=extra["group"])
        rows.append(_row(d, kind, due, **extra))
    Deadline.objects.bulk_create(rows)

    client.force_login(staff[Role.HEAD_OF_DIVISION])
    with on(MANAGER_DAY):
        response = client.get(reverse("permits:manager"))
    assert response.status_code == 200
    ctx = response.context
    # the step is the ledger kind (counted from the managers' tally); the dossier's
    # status, once a subquery per counted row, is shown on the listed rows only
    by_step = {r["kind"]: (r["overdue"], r["due_soon"]) for r in ctx["by_step"]}
    assert by_step == {"step": (2, 1), "check": (0, 1)}
    by_owner = {r["owner_label"]: (r["overdue"], r["due_soon"]) for r in ctx["by_owner"]}
    assert by_owner == {
        "chuyenvien": (1, 1),
        "Chưa giao — Lãnh đạo phòng": (1, 0),
        "Chưa giao — Cán bộ một cửa": (0, 1),
    }
    assert (ctx["total_overdue"], ctx["total_due_soon"]) == (2, 2)
    listed = [(r["row"].dossier_code, r["days_late"]) for r in ctx["rows"]]
    assert listed == [
        ("GPBX-T-00001", 5),
        ("GPBX-T-00003", 3),
        ("GPBX-T-00002", 0),
        ("GPBX-T-00004", 0),
    ]
    body = response.content.decode()
    assert "Đang thẩm định" in body and "Thời hạn bước xử lý" in body
    assert reverse("permits:staff-dossier", args=["GPBX-T-00001"]) in body
    assert "GPBX-T-00005" not in body and "GPBX-T-00007" not in body


def test_manager_page_follows_the_real_ledger(client, staff, applicant):
    with on(date(2024, 2, 5)):
        late = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    client.force_login(staff[Role.DIRECTOR])
    with on(date(2024, 2, 20)):  # the check was due 19/02
        response = client.get(reverse("permits:manager"))
    rows = response.context["rows"]
    assert [(r["row"].dossier_code, r["row"].kind, r["days_late"]) for r in rows] == [
        (late.code, "check", 1)
    ]
    assert rows[0]["status_label"] == "Đã nộp, chờ kiểm tra"
    assert rows[0]["owner_label"] == "Chưa giao — Cán bộ một cửa"


def test_manager_page_is_for_heads_and_directors(client, staff, applicant):
    url = reverse("permits:manager")
    assert client.get(url).status_code == 302
    for user in (applicant, staff[Role.SPECIALIST], staff[Role.ONE_STOP_OFFICER]):
        client.force_login(user)
        assert client.get(url).status_code == 403
    for role in (Role.HEAD_OF_DIVISION, Role.DIRECTOR):
        client.force_login(staff[role])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [10, 300])
def test_manager_page_query_count_does_not_grow_with_rows(
    client, staff, applicant, n, django_assert_max_num_queries
):
    bulk_cases(n, applicant=applicant, specialist=staff[Role.SPECIALIST])
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    with on(MANAGER_DAY):
        client.get(reverse("permits:manager"))  # warm the calendar
        with django_assert_max_num_queries(10):
            response = client.get(reverse("permits:manager"))
    assert response.status_code == 200
    shown = n - n // 3  # overdue or due soon
    assert response.context["total_overdue"] + response.context["total_due_soon"] == shown
    assert len(response.context["rows"]) == min(shown, 50)


def test_staff_home_and_lookup(client, staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    client.force_login(staff[Role.SPECIALIST])
    home = client.get(reverse("permits:staff-home")).content.decode()
    assert reverse("permits:register") in home and reverse("permits:manager") not in home
    response = client.get(reverse("permits:staff-lookup"), {"code": dossier.code.lower()})
    assert response["Location"] == case_url(dossier)
    assert client.get("/buc-xa/")["Location"] == reverse("permits:staff-home")
    client.force_login(make_user("khach", Role.APPLICANT))
    assert client.get(reverse("permits:staff-home")).status_code == 403
