"""Personal data by need (issue 8, point 2): the personal fields of a radiation dossier
(the worker's ID-card number and birth date, addresses, phone, e-mail), its uploaded
files and its generated PDFs are shown only to its applicant and to the roles that have
a step in the procedure, in the division that owns it. A council member or secretary,
an inspector, an officer of another division sees none of them — through the case
page, the API (detail, list, register), the file and PDF views, or the admin. The
public lookup and the manager page show none to anyone."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from permits import access
from permits.models import Document, Dossier, DossierKind, Status
from tests.conftest import make_user
from tests.permits.conftest import ORGANISATION, WORKER, drive, file_dossier, on
from workflows.models import Division
from workflows.roles import Role

pytestmark = pytest.mark.django_db

# what must not reach a reader without need (as text on pages and in JSON)
SECRETS = [
    WORKER.id_number,
    WORKER.birth_date.strftime("%d/%m/%Y"),
    WORKER.birth_date.isoformat(),
    ORGANISATION["contact_phone"],
    ORGANISATION["contact_email"],
    ORGANISATION["organisation_address"],
]

# role → whether it sees the personal data of the dossier
READERS = {
    "owner": True,
    Role.ONE_STOP_OFFICER: True,
    Role.SPECIALIST: True,
    Role.HEAD_OF_DIVISION: True,
    Role.DIRECTOR: True,
    Role.ACCOUNTANT: True,  # the fee step is theirs
    "superuser": True,
    Role.COUNCIL_SECRETARY: False,
    Role.COUNCIL_MEMBER: False,
    Role.INSPECTOR: False,
    "specialist_elsewhere": False,
    "head_elsewhere": False,
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def readers(staff, applicant, divisions):
    qlkh = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng Quản lý khoa học"})[
        0
    ]
    return {
        **staff,
        "owner": applicant,
        Role.COUNCIL_MEMBER: make_user("thanhvien", Role.COUNCIL_MEMBER),
        "superuser": make_user("quantri", is_staff=True, is_superuser=True),
        "specialist_elsewhere": make_user("chuyenvien-qlkh", Role.SPECIALIST, division=qlkh),
        "head_elsewhere": make_user("truongphong-qlkh", Role.HEAD_OF_DIVISION, division=qlkh),
    }


@pytest.fixture
def certificate(staff, applicant) -> Dossier:
    """An issued worker certificate: every kind of personal data, every PDF."""
    with on(date(2024, 2, 5)):
        return drive(file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.ISSUED)


def _shows_secrets(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.mark.parametrize(("role", "sees"), list(READERS.items()), ids=list(READERS))
def test_personal_data_by_role(role, sees, readers, certificate):
    user = readers[role]
    dossier = certificate
    client = APIClient()
    client.force_login(user)
    assert access.sees_personal_data(user, dossier) is sees
    requests = 0

    # the staff case page (the applicant has their own pages)
    if role != "owner":
        page = client.get(reverse("permits:staff-dossier", kwargs={"code": dossier.code}))
        requests += 1
        assert page.status_code == 200
        body = page.content.decode()
        assert dossier.organisation_name in body  # the page is there, only trimmed
        assert bool(_shows_secrets(body)) is sees, _shows_secrets(body)
        assert (f"/ho-so/{dossier.code}/tai-lieu/" in body) is sees
        assert (f"/ho-so/{dossier.code}/van-ban/" in body) is sees

    # the API: detail, list
    detail = client.get(f"/api/permits/dossiers/{dossier.code}/")
    requests += 1
    assert detail.status_code == 200
    data = detail.json()
    assert data["personal_data_shown"] is sees
    assert bool(_shows_secrets(detail.content.decode())) is sees
    assert (data["worker_id_number"] == WORKER.id_number) is sees
    assert all((row["document"] is not None) is sees for row in data["checklist"])
    if not sees:
        assert data["worker_birth_date"] is None and data["contact_email"] == ""
        assert data["permit"]["scope"] == "" and data["permit"]["holder_address"] == ""
    listing = client.get("/api/permits/dossiers/")
    requests += 1
    assert listing.status_code == 200 and listing.json()["count"] >= 1
    assert not _shows_secrets(listing.content.decode())
    assert not set(access.PERSONAL_FIELDS) & set(listing.json()["results"][0])

    # the register of issued permits and certificates
    register = client.get("/api/permits/register/")
    requests += 1
    assert register.status_code == 200
    assert bool(_shows_secrets(register.content.decode())) is sees

    # the uploaded files and the generated PDFs
    document = Document.objects.filter(dossier=dossier).first()
    urls = [
        f"/ho-so/{dossier.code}/tai-lieu/{document.pk}/",
        f"/ho-so/{dossier.code}/van-ban/tiep-nhan/",
        f"/ho-so/{dossier.code}/van-ban/giay-phep/",
    ]
    for url in urls:
        response = client.get(url)
        requests += 1
        assert response.status_code == (200 if sees else 404), (url, response.status_code)
    assert requests == (6 if role == "owner" else 7)


def test_another_applicant_sees_nothing(certificate, other_applicant):
    client = APIClient()
    client.force_login(other_applicant)
    code = certificate.code
    assert client.get(f"/api/permits/dossiers/{code}/").status_code == 404
    assert client.get("/api/permits/dossiers/").json()["count"] == 0
    assert client.get(f"/ho-so/{code}/van-ban/tiep-nhan/").status_code == 404
    doc = Document.objects.filter(dossier=certificate).first()
    assert client.get(f"/ho-so/{code}/tai-lieu/{doc.pk}/").status_code == 404


def test_admin_hides_personal_fields_and_files_from_roles_without_need(readers, certificate):
    inspector = make_user("thanhtra-qt", Role.INSPECTOR, is_staff=True)
    inspector.user_permissions.add(*Permission.objects.filter(content_type__app_label="permits"))
    url = reverse("admin:permits_dossier_change", args=[certificate.pk])
    permit_url = reverse("admin:permits_permit_change", args=[certificate.permit.pk])
    client = APIClient()

    client.force_login(inspector)
    page = client.get(url)
    assert page.status_code == 200 and certificate.code in page.content.decode()
    assert not _shows_secrets(page.content.decode())
    assert Document.objects.filter(dossier=certificate).first().original_name not in (
        page.content.decode()
    )
    permit_page = client.get(permit_url)
    assert permit_page.status_code == 200 and not _shows_secrets(permit_page.content.decode())

    client.force_login(readers["superuser"])  # the system's administrator sees it all
    page = client.get(url)
    assert page.status_code == 200 and WORKER.id_number in page.content.decode()


def test_lookup_and_manager_page_show_no_personal_data(readers, staff, applicant):
    from django.core.cache import cache

    cache.clear()
    with on(date(2024, 2, 5)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
    client = APIClient()
    with on(date(2024, 3, 20)):  # its step is long overdue: it is on the manager page
        page = client.post(
            reverse("permits:lookup"), {"code": dossier.code, "key": dossier.lookup_key}
        )
        assert page.status_code == 200 and "Đang thẩm định" in page.content.decode()
        assert not _shows_secrets(page.content.decode())
        api = client.post(
            "/api/permits/lookup/", {"code": dossier.code, "key": dossier.lookup_key}, format="json"
        )
        assert api.status_code == 200 and api.json()["code"] == dossier.code
        assert not _shows_secrets(api.content.decode()) and WORKER.name not in api.content.decode()
        for role in (Role.HEAD_OF_DIVISION, Role.DIRECTOR):
            client.force_login(staff[role])
            manager = client.get(reverse("permits:manager"))
            body = manager.content.decode()
            assert manager.status_code == 200 and dossier.code in body
            assert not _shows_secrets(body) and WORKER.name not in body
    cache.clear()


@override_settings(DEBUG=False)
def test_task_page_of_the_holder_shows_the_case_in_full(client, staff, applicant):
    """The officer holding the step sees what they need to decide (the rule is the
    same one the services use)."""
    from permits import flows

    with on(date(2024, 2, 5)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.SUBMITTED
        )
        flows.flow_sync(dossier)
    process = flows.process_for(dossier)
    task = process.task_set.get(flow_task_type="HUMAN")
    officer = staff[Role.ONE_STOP_OFFICER]
    task.flow_task.activation_class(task).assign(officer)
    client.force_login(officer)
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    assert page.status_code == 200
    assert WORKER.id_number in page.content.decode()
