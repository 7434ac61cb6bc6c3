"""The REST API of the radiation procedures, end to end, with moved time.

Dates are the worked examples of DOMAIN.md §0–§2 (Tết 2024 is 08–14/02): received
05/02/2024 → completeness check due 19/02/2024; fee paid 16/02/2024 → result due
12/03/2024 (25 calendar days).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from permits import api as permits_api
from permits import services
from permits.lookup import dossier_lookup
from permits.models import ApologySlip, Document, Dossier, Permit, Status
from permits.serializers import DossierLookupResultSerializer
from tests.permits.conftest import ORGANISATION, drive, file_dossier, on, pdf
from workflows.audit import audit_trail
from workflows.roles import Role

# one process runs the whole module: its module-scoped data is built once (xdist)
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permits-test_api")]


@pytest.fixture(scope="module", autouse=True)
def _media(tmp_path_factory):
    """The uploads of this module go to a temporary folder, removed by pytest."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


DOSSIERS = "/api/permits/dossiers/"

CREATE = {
    "kind": "permit_new",
    **ORGANISATION,
    "devices": [
        {
            "category": "dental",
            "model_name": "Vatech PaX-i",
            "serial_number": "SN-001",
            "manufacturer": "Vatech, Hàn Quốc",
            "year_made": 2021,
        },
        {"category": "ct", "model_name": "Revolution EVO", "serial_number": "SN-002"},
    ],
}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def url(dossier_or_code, step: str = "") -> str:
    code = getattr(dossier_or_code, "code", dossier_or_code)
    return f"{DOSSIERS}{code}/" + (f"{step}/" if step else "")


def status_of(code: str) -> str:
    return Dossier.objects.get(code=code).status


def test_full_path_through_the_api(staff, applicant, other_applicant):
    me = client_for(applicant)
    officer = client_for(staff[Role.ONE_STOP_OFFICER])

    with on(date(2024, 2, 5)):
        response = me.post(DOSSIERS, CREATE, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        code = body["code"]
        assert body["status"] == Status.DRAFT
        assert body["status_label"] == "Đang soạn"
        assert body["fee_total"] == 2_000_000 + 8_000_000
        assert [d["category"] for d in body["devices"]] == ["dental", "ct"]
        checklist = body["checklist"]
        assert len(checklist) == 11 and not any(row["uploaded"] for row in checklist)

        # submitting an incomplete dossier is refused with the missing items
        response = me.post(url(code, "submit"))
        assert response.status_code == 400
        assert response.json()["code"] == "incomplete"
        assert status_of(code) == Status.DRAFT

        for row in checklist:
            data = {"item": row["item"], "file": pdf(f"{row['item']}.pdf")}
            if row["dated"]:
                data["issued_on"] = "05/02/2024"
            response = me.post(url(code, "documents"), data, format="multipart")
            assert response.status_code == 201, response.json()
            assert response.json()["item"] == row["item"]
        detail = me.get(url(code)).json()
        assert all(row["uploaded"] for row in detail["checklist"])

        response = me.post(url(code, "submit"))
        assert response.status_code == 200, response.json()
        body = response.json()
    assert body["status"] == Status.SUBMITTED
    assert body["submitted_on"] == "2024-02-05"
    # received 05/02/2024: the 5-working-day check is due 19/02/2024
    assert body["check_due_date"] == "2024-02-19"
    assert body["appointment_date"] == "2024-02-19"
    # the request's address is in the audit trail
    assert audit_trail(Dossier.objects.get(code=code)).get(action="submit").ip == "127.0.0.1"

    with on(date(2024, 2, 6)):
        response = officer.post(url(code, "accept"), {"note": "Hồ sơ đầy đủ."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.AWAITING_FEE
    assert response.json()["accepted_on"] == "2024-02-06"

    with on(date(2024, 2, 16)):
        response = client_for(staff[Role.ACCOUNTANT]).post(
            url(code, "record-fee"), {"receipt_no": "BL-15"}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == Status.APPRAISAL
    assert body["fee_paid_on"] == "2024-02-16"
    # 25 calendar days from the fee (16/02/2024) → 12/03/2024
    assert body["appointment_date"] == "2024-03-12"

    specialist = client_for(staff[Role.SPECIALIST])
    with on(date(2024, 2, 19)):
        response = client_for(staff[Role.HEAD_OF_DIVISION]).post(
            url(code, "assign"), {"specialist": staff[Role.SPECIALIST].username}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["internal"]["specialist"] == staff[Role.SPECIALIST].username

    with on(date(2024, 2, 26)):
        response = specialist.post(
            url(code, "record-appraisal"),
            {"conclusion": "pass", "findings": "Phòng đặt máy đạt yêu cầu che chắn."},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.REVIEW

    with on(date(2024, 2, 27)):
        response = client_for(staff[Role.HEAD_OF_DIVISION]).post(
            url(code, "review"), {"approve": True}, format="json"
        )
    assert response.json()["status"] == Status.SIGNING

    with on(date(2024, 2, 28)):
        response = client_for(staff[Role.DIRECTOR]).post(url(code, "sign"), {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == Status.ISSUED
    assert body["status_label"] == "Đã cấp"
    assert body["decided_on"] == "2024-02-28"
    assert body["permit"]["number"] == "001/2024/GP-SKHCN"
    assert body["permit"]["valid_from"] == "2024-02-28"
    assert body["permit"]["valid_until"] == "2027-02-28"

    # the applicant's own view: lookup key, the timeline without internal notes
    mine = me.get(url(code)).json()
    dossier = Dossier.objects.get(code=code)
    assert mine["lookup_key"] == dossier.lookup_key
    assert mine["internal"] is None
    actions = [row["action"] for row in mine["timeline"] if row["action"] != "document_upload"]
    assert sum(row["action"] == "document_upload" for row in mine["timeline"]) == 11
    assert actions == [
        "create",
        "submit",
        "accept",
        "record_fee",
        "record_appraisal",
        "approve_review",
        "sign",
    ]
    appraisal = next(r for r in mine["timeline"] if r["action"] == "record_appraisal")
    assert appraisal["note"] == "" and appraisal["actor"] is None
    assert appraisal["from"] == Status.APPRAISAL and appraisal["to"] == Status.REVIEW
    assert appraisal["action_label"] == "Lập biên bản thẩm định"

    # the officer's view: everything but the lookup key
    theirs = officer.get(url(code)).json()
    assert theirs["lookup_key"] is None
    assert "assign" in [row["action"] for row in theirs["timeline"]]
    appraisal = next(r for r in theirs["timeline"] if r["action"] == "record_appraisal")
    assert appraisal["note"] == "Phòng đặt máy đạt yêu cầu che chắn."
    assert theirs["internal"]["appraisal_conclusion"] == "pass"

    # lists never carry the lookup key
    listed = me.get(DOSSIERS).json()
    assert listed["count"] == 1
    assert "lookup_key" not in listed["results"][0]
    assert officer.get(DOSSIERS, {"status": "issued"}).json()["count"] == 1
    assert officer.get(DOSSIERS, {"status": "draft"}).json()["count"] == 0
    assert officer.get(DOSSIERS, {"kind": "certificate"}).json()["count"] == 0

    # the register: staff see it all, an applicant only their own permits
    assert [p["number"] for p in me.get("/api/permits/register/").json()["results"]] == [
        "001/2024/GP-SKHCN"
    ]
    assert client_for(other_applicant).get("/api/permits/register/").json()["count"] == 0
    register = client_for(staff[Role.INSPECTOR]).get("/api/permits/register/").json()
    assert register["count"] == 1 and register["results"][0]["dossier_code"] == code


def test_supplement_through_the_api(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
    me = client_for(applicant)
    with on(date(2024, 2, 6)):
        response = client_for(staff[Role.ONE_STOP_OFFICER]).post(
            url(dossier, "request-supplement"),
            {
                "items": ["kiem-xa", "ung-pho-su-co"],
                "reasons": "Biên bản kiểm xạ thiếu chữ ký; kế hoạch ứng phó chưa được phê duyệt.",
            },
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.SUPPLEMENT

    detail = me.get(url(dossier)).json()
    assert detail["status_label"] == "Chờ bổ sung hồ sơ"
    [request] = detail["supplements"]
    assert [i["item"] for i in request["items"]] == ["kiem-xa", "ung-pho-su-co"]
    assert request["items"][0]["name"].startswith("Biên bản kiểm xạ")
    assert request["answered_on"] is None
    note = next(r for r in detail["timeline"] if r["action"] == "request_supplement")["note"]
    assert "thiếu chữ ký" in note  # addressed to the applicant

    with on(date(2024, 2, 20)):
        # an unreadable date
        response = me.post(
            url(dossier, "answer-supplement"),
            {"kiem-xa": pdf(), "ung-pho-su-co": pdf(), "issued_on.kiem-xa": "31/02/2024"},
            format="multipart",
        )
        assert response.status_code == 400
        assert "issued_on.kiem-xa" in response.json()["errors"]  # one error shape (issue 8)
        # one item missing
        response = me.post(
            url(dossier, "answer-supplement"), {"kiem-xa": pdf()}, format="multipart"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "supplement_mismatch"
        assert "còn thiếu" in response.json()["detail"]
        assert status_of(dossier.code) == Status.SUPPLEMENT

        response = me.post(
            url(dossier, "answer-supplement"),
            {"kiem-xa": pdf("kiem-xa-moi.pdf"), "ung-pho-su-co": pdf()},
            format="multipart",
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == Status.SUBMITTED
    # paused from 06/02 to 20/02: 5 working days → 19/02 + 5 working days = 26/02
    assert body["check_due_date"] == "2024-02-26"
    assert body["supplements"][0]["answered_on"] == "2024-02-20"
    row = next(r for r in body["checklist"] if r["item"] == "kiem-xa")
    assert row["document"]["original_name"] == "kiem-xa-moi.pdf"


def test_refusal_through_the_api(staff, applicant):
    with on(date(2024, 3, 1)):
        dossier = drive(file_dossier(applicant), staff, Status.SIGNING, conclusion="fail")
        director = client_for(staff[Role.DIRECTOR])
        # a failed appraisal cannot be signed
        response = director.post(url(dossier, "sign"), {}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "appraisal_failed"
        # the reasons are required
        assert director.post(url(dossier, "refuse"), {}, format="json").status_code == 400
        assert status_of(dossier.code) == Status.SIGNING
        response = director.post(
            url(dossier, "refuse"),
            {"reasons": "Phòng đặt máy không đạt yêu cầu che chắn."},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.REFUSED
    assert not Permit.objects.exists()
    mine = client_for(applicant).get(url(dossier)).json()
    assert mine["status_label"] == "Từ chối"
    assert mine["refusal_reasons"] == "Phòng đặt máy không đạt yêu cầu che chắn."
    assert mine["decided_on"] == "2024-03-01"
    assert mine["permit"] is None


def test_other_applicants_dossier_is_not_found(staff, applicant, other_applicant):
    with on(date(2024, 3, 4)):
        dossier = file_dossier(applicant)
        stranger = client_for(other_applicant)
        response = stranger.get(url(dossier))
        assert response.status_code == 404
        body = response.json()
        assert set(body) == {"detail", "code"} and body["code"] == "not_found"
        assert stranger.get(DOSSIERS).json()["count"] == 0
        # acting on it is a 404 too, and nothing changes
        assert stranger.post(url(dossier, "submit")).status_code == 404
        response = stranger.post(
            url(dossier, "documents"), {"item": "kiem-xa", "file": pdf()}, format="multipart"
        )
        assert response.status_code == 404
    assert status_of(dossier.code) == Status.DRAFT
    assert Document.objects.filter(dossier=dossier, uploaded_by=other_applicant).count() == 0


def test_wrong_state_is_a_conflict_and_changes_nothing(staff, applicant):
    with on(date(2024, 3, 4)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
        response = client_for(staff[Role.ACCOUNTANT]).post(
            url(dossier, "record-fee"), {"receipt_no": "BL-9"}, format="json"
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "transition_refused"
        assert "Đã nộp, chờ kiểm tra" in body["detail"]
        # the applicant submitting twice
        assert client_for(applicant).post(url(dossier, "submit")).status_code == 409
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.result_clock is None and dossier.fee_receipt_no == ""


def test_role_that_does_not_own_the_step_is_forbidden(staff, applicant):
    with on(date(2024, 3, 4)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
        response = client_for(staff[Role.SPECIALIST]).post(url(dossier, "accept"), format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        # the applicant on their own dossier: forbidden, not "not found"
        response = client_for(applicant).post(url(dossier, "accept"), format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert status_of(dossier.code) == Status.SUBMITTED


def test_upload_of_a_file_that_is_not_a_document_is_refused(applicant):
    with on(date(2024, 3, 4)):
        dossier = file_dossier(applicant, upload=False)
        response = client_for(applicant).post(
            url(dossier, "documents"),
            {"item": "kiem-xa", "file": pdf("kiem-xa.pdf", content=b"MZ\x90\x00 not a pdf")},
            format="multipart",
        )
    assert response.status_code == 400
    assert response.json()["code"] == "upload_refused"
    assert not Document.objects.filter(dossier=dossier).exists()


def test_create_validates_input_and_the_previous_permit(applicant, other_applicant, staff):
    with on(date(2024, 3, 4)):
        me = client_for(applicant)
        response = me.post(DOSSIERS, {**CREATE, "devices": []}, format="json")
        assert response.status_code == 400  # the service: at least one device
        assert "thiết bị" in response.json()["detail"]
        response = me.post(DOSSIERS, {**CREATE, "kind": "unknown"}, format="json")
        assert response.status_code == 400 and "kind" in response.json()["errors"]
        # a permit of another account is not found among the caller's permits
        permit = services.dossier_sign(
            dossier=drive(file_dossier(other_applicant), staff, Status.SIGNING),
            actor=staff[Role.DIRECTOR],
        )
        response = me.post(
            DOSSIERS,
            {**CREATE, "kind": "permit_amendment", "previous_permit": permit.number},
            format="json",
        )
        assert response.status_code == 400 and "previous_permit" in response.json()["errors"]
        response = client_for(other_applicant).post(
            DOSSIERS,
            {**CREATE, "kind": "permit_amendment", "previous_permit": permit.number},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["previous_permit"] == permit.number
        # a certificate dossier for the safety officer filed with the permit
        response = me.post(
            DOSSIERS,
            {
                **CREATE,
                "with_certificate": {
                    "name": "Lò Văn Bình",
                    "birth_date": "1990-04-12",
                    "id_number": "014090001234",
                },
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        [child] = response.json()["linked_certificates"]
        assert Dossier.objects.get(code=child).worker_name == "Lò Văn Bình"
    assert client_for().post(DOSSIERS, CREATE, format="json").status_code in (401, 403)


def test_apology_slip_through_the_api(staff, applicant):
    with on(date(2024, 2, 16)):
        dossier = drive(file_dossier(applicant), staff, Status.APPRAISAL)
    me = client_for(applicant)
    with on(date(2024, 3, 8)):
        response = client_for(staff[Role.SPECIALIST]).post(
            url(dossier, "apologies"),
            {"reason": "Chờ kết quả đo kiểm bổ sung của đơn vị dịch vụ."},
            format="json",
        )
        assert response.status_code == 201, response.json()
        slip = response.json()
        assert slip["state"] == ApologySlip.State.DRAFT
        assert slip["old_date"] == "2024-03-12" and slip["new_date"] == "2024-03-19"
        assert slip["issue_by"] == "2024-03-11"
        # a draft is the department's business
        assert me.get(url(dossier)).json()["apologies"] == []
        assert me.get("/api/permits/apologies/").json()["count"] == 0
        issue = f"/api/permits/apologies/{slip['id']}/issue/"
        assert me.post(issue).status_code == 403
        assert client_for(staff[Role.SPECIALIST]).post(issue).status_code == 403
    with on(date(2024, 3, 11)):
        response = client_for(staff[Role.DIRECTOR]).post(issue)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == ApologySlip.State.ISSUED
    mine = me.get(url(dossier)).json()
    assert mine["appointment_date"] == "2024-03-19"
    assert [s["state"] for s in mine["apologies"]] == ["issued"]
    assert me.get("/api/permits/apologies/").json()["count"] == 1


def test_public_lookup_by_code_and_key(staff, applicant):
    cache.clear()
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
    public = APIClient()
    response = public.post(
        "/api/permits/lookup/",
        {"code": dossier.code.lower(), "key": dossier.lookup_key.lower()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["code"] == dossier.code
    assert body["status"] == Status.SUBMITTED
    assert body["received_on"] == "2024-02-05"
    assert body["appointment_date"] == "2024-02-19"
    assert "organisation_name" not in body and "lookup_key" not in body
    # the view answers with the facts as they are: what the documented serializer
    # would have made of them, key for key and in its order
    facts = dossier_lookup(dossier.code, dossier.lookup_key)
    assert response.content == JSONRenderer().render(DossierLookupResultSerializer(facts).data)
    wrong_key = public.post(
        "/api/permits/lookup/", {"code": dossier.code, "key": "AAAAAAAA"}, format="json"
    )
    unknown = public.post(
        "/api/permits/lookup/", {"code": "GPBX-000000-0000", "key": "AAAAAAAA"}, format="json"
    )
    assert wrong_key.status_code == unknown.status_code == 404
    assert wrong_key.json() == unknown.json()
    assert wrong_key.json()["code"] == "not_found"
    cache.clear()


def test_public_lookup_is_rate_limited(settings):
    settings.LOOKUP_RATE_LIMIT = 3
    cache.clear()
    public = APIClient()
    answers = [
        public.post("/api/permits/lookup/", {"code": "X", "key": "Y"}, format="json")
        for _ in range(4)
    ]
    cache.clear()
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert answers[3].json()["code"] == "throttled"
    assert answers[3]["Retry-After"]


def test_list_and_detail_cost_a_fixed_number_of_queries(
    staff, applicant, django_assert_max_num_queries
):
    officer = client_for(staff[Role.ONE_STOP_OFFICER])
    with on(date(2024, 3, 4)):
        first = drive(file_dossier(applicant), staff, Status.APPRAISAL)
        officer.get(DOSSIERS)  # warm the session and the calendar
        with django_assert_max_num_queries(6) as one:
            assert officer.get(DOSSIERS).json()["count"] == 1
        detail_queries = _count_queries(officer, url(first))
        for _ in range(3):
            drive(file_dossier(applicant), staff, Status.APPRAISAL)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert officer.get(DOSSIERS).json()["count"] == 4
    assert _count_queries(officer, url(first)) == detail_queries


def _count_queries(client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def _permits_router_patterns():
    router = DefaultRouter()
    permits_api.register(router)
    return [path("api/", include(router.urls))]


def test_openapi_schema_of_the_permits_api_has_no_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=_permits_router_patterns()).get_schema(
        request=None, public=True
    )
    validate_schema(schema)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)
    paths = schema["paths"]
    for step in [
        "documents",
        "submit",
        "answer-supplement",
        "accept",
        "reject",
        "request-supplement",
        "record-fee",
        "assign",
        "record-appraisal",
        "review",
        "sign",
        "refuse",
        "return-to-review",
        "apologies",
    ]:
        operation = paths[f"/api/permits/dossiers/{{code}}/{step}/"]["post"]
        assert operation["summary"], step
        assert {"403", "404"} <= set(operation["responses"]), step
    assert "/api/permits/apologies/{id}/issue/" in paths
    assert "/api/permits/register/" in paths
    assert "/api/permits/lookup/" in paths
    detail = schema["components"]["schemas"]["DossierDetail"]["properties"]
    for field in ["lookup_key", "checklist", "supplements", "apologies", "permit", "timeline"]:
        assert field in detail
    assert "lookup_key" not in schema["components"]["schemas"]["DossierList"]["properties"]


def test_project_schema_has_no_warnings_from_the_permits_api():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    ours = [
        w
        for w in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
        if "permits" in w or "Dossier" in w or "Enum" in w
    ]
    GENERATOR_STATS.reset()
    assert not ours


def test_counter_filing_by_the_one_stop_officer(staff, applicant):
    officer = client_for(staff[Role.ONE_STOP_OFFICER])
    with on(date(2024, 2, 5)):
        body = {**CREATE, "channel": "counter", "applicant": applicant.username}
        # an applicant cannot file "at the counter" nor for someone else
        response = client_for(applicant).post(DOSSIERS, body, format="json")
        assert response.status_code == 403
        response = officer.post(DOSSIERS, body, format="json")
        assert response.status_code == 201, response.json()
        code = response.json()["code"]
        dossier = Dossier.objects.get(code=code)
        assert dossier.applicant == applicant and dossier.channel == "counter"
        for row in services.checklist(dossier):
            response = officer.post(
                url(code, "documents"),
                {"item": row["code"], "file": pdf(), "issued_on": "05/02/2024"},
                format="multipart",
            )
            assert response.status_code == 201, response.json()
        response = officer.post(url(code, "submit"))
        assert response.status_code == 200, response.json()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED
    assert dossier.received_by == staff[Role.ONE_STOP_OFFICER]
    assert dossier.check_clock.due_date == date(2024, 2, 19)
    assert [e.action for e in audit_trail(dossier)][-1] == "receive"
