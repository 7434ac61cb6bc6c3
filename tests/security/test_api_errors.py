"""F15, F18: every API error is JSON in one documented shape, the schema lists it on
every operation, and the API validates as the forms do."""

import json
from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import make_user
from tests.permits.conftest import file_dossier, on
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def _shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) <= {"detail", "code", "errors"} and data["detail"] and data["code"]
    if code:
        assert data["code"] == code, data
    return data


def test_unknown_api_path_is_a_json_404(client):
    _shape(client.get("/api/khong-co/"), 404, "not_found")
    _shape(client.get("/api/permits/dossiers/1/x/y/"), 404, "not_found")
    assert client.get("/khong-co/")["Content-Type"].startswith("text/html")


def test_each_status_has_the_shape(client):
    _shape(client.get("/api/permits/dossiers/"), 403, "not_authenticated")
    bad = "Basic " + __import__("base64").b64encode(b"ai:sai").decode()
    _shape(client.get("/api/permits/dossiers/", HTTP_AUTHORIZATION=bad), 401)
    applicant = make_user("ae-nguoinop", Role.APPLICANT)
    client.force_login(applicant)
    _shape(client.get("/api/permits/dossiers/KHONG-CO/"), 404, "not_found")
    _shape(client.delete("/api/permits/dossiers/"), 405, "method_not_allowed")
    data = _shape(
        client.post("/api/permits/dossiers/", {"kind": "?"}, content_type="application/json"),
        400,
        "invalid",
    )
    assert "kind" in data["errors"] and "organisation_name" in data["errors"]


def test_server_error_under_api_is_json(rf):
    from workflows.api_errors import handler500

    response = handler500(rf.get("/api/permits/dossiers/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"
    assert handler500(rf.get("/ho-so/"))["Content-Type"].startswith("text/html")


def _certificate(**worker) -> dict:
    return {
        "kind": "certificate",
        "organisation_name": "Phòng khám A",
        "organisation_address": "Sơn La",
        "business_registration_no": "5500123456",
        "contact_phone": "0212 3850 123",
        "worker": {"name": "Lò Văn Bình", "birth_date": "1990-04-12", **worker},
    }


def test_api_validates_cccd_and_email_as_the_form(client):
    applicant = make_user("ae-cccd", Role.APPLICANT)
    client.force_login(applicant)
    url = "/api/permits/dossiers/"
    for bad in ["1", "01409000123", "0140900012345", "01409000123a"]:
        data = _shape(
            client.post(url, _certificate(id_number=bad), content_type="application/json"), 400
        )
        assert data["errors"]["worker.id_number"] == ["Số CCCD gồm đúng 12 chữ số."]
    body = {**_certificate(id_number="014090001234"), "contact_email": "khong-phai-email"}
    data = _shape(client.post(url, body, content_type="application/json"), 400)
    assert "contact_email" in data["errors"]
    with on(date(2024, 2, 5)):
        created = client.post(
            url, _certificate(id_number="014090001234"), content_type="application/json"
        )
    assert created.status_code == 201, created.json()
    assert created.json()["contact_email"] is None  # never "" where the schema says email
    with on(date(2024, 2, 5)):
        created = client.post(
            url,
            {**_certificate(id_number="014090001234"), "contact_email": None},
            content_type="application/json",
        )
    assert created.status_code == 201


def test_the_form_also_wants_twelve_digits():
    from permits.forms import WorkerForm

    form = WorkerForm({"name": "A", "birth_date": "1990-01-01", "id_number": "123456789"})
    assert not form.is_valid() and "id_number" in form.errors


def test_schema_lists_the_error_body_on_every_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    operations = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations += 1
            for status in ("400", "401", "403", "404", "409"):
                response = operation["responses"][status]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (path, method, status)
    assert operations > 20
    detail = schema["components"]["schemas"]["DossierDetail"]["properties"]["contact_email"]
    assert detail.get("nullable") is True and detail.get("format") == "email"


def test_schema_answer_for_an_existing_dossier_of_someone_else(client):
    owner = make_user("ae-chu", Role.APPLICANT)
    other = make_user("ae-khac", Role.APPLICANT)
    with on(date(2024, 2, 5)):
        dossier = file_dossier(owner)
    client.force_login(other)
    _shape(client.get(f"/api/permits/dossiers/{dossier.code}/"), 404, "not_found")
    _shape(client.post(f"/api/permits/dossiers/{dossier.code}/submit/"), 404, "not_found")
