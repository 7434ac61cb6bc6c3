"""The one-stop officer's counter intake page: one POST files, uploads and receives a
dossier for the applicant's account, or changes nothing at all."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from permits.models import Channel, Document, Dossier, DossierKind, Status
from tests.permits.conftest import ORGANISATION, on, pdf
from workflows.roles import Role
from workflows.selectors import procedure_version_for

pytestmark = pytest.mark.django_db

URL = reverse("permits:counter-intake", kwargs={"kind": DossierKind.PERMIT_NEW})
RECEIVED = date(2024, 2, 5)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def intake_data(applicant_username: str, *, skip: str = "", bad: str = "") -> dict:
    """A permit dossier with one device and a PDF for every checklist item (except
    `skip`; `bad` gets a file that is not a PDF, JPEG or PNG)."""
    data = {
        "intake-applicant": applicant_username,
        "intake-channel": Channel.COUNTER,
        **{f"org-{k}": v for k, v in ORGANISATION.items()},
        "devices-TOTAL_FORMS": "1",
        "devices-INITIAL_FORMS": "0",
        "devices-MIN_NUM_FORMS": "0",
        "devices-MAX_NUM_FORMS": "50",
        "devices-0-category": "dental",
        "devices-0-model_name": "Vatech PaX-i",
        "devices-0-serial_number": "SN-001",
        "devices-0-manufacturer": "Vatech, Hàn Quốc",
        "devices-0-year_made": "2021",
    }
    version = procedure_version_for("bx-giay-phep-moi", RECEIVED)
    for spec in version.documents:
        code = spec["code"]
        if code == skip:
            continue
        content = b"MZ\x90\x00 not a document" if code == bad else None
        data[f"doc-file-{code}"] = pdf(f"{code}.exe", content) if content else pdf(f"{code}.pdf")
        if spec.get("dated"):
            data[f"doc-issued-{code}"] = "2024-01-15"
    return data


def assert_nothing_created(media: Path) -> None:
    assert not Dossier.objects.exists()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_officer_receives_a_dossier_at_the_counter(client, staff, applicant, media):
    officer = staff[Role.ONE_STOP_OFFICER]
    client.force_login(officer)
    with on(RECEIVED):
        page = client.get(URL)
        assert page.status_code == 200
        assert "Nhận hồ sơ tại quầy" in page.content.decode()
        response = client.post(URL, intake_data(applicant.username))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("permits:staff-dossier", kwargs={"code": dossier.code})
    assert dossier.channel == Channel.COUNTER
    assert dossier.applicant == applicant
    assert dossier.status == Status.SUBMITTED
    assert dossier.received_by == officer
    assert dossier.submitted_on == RECEIVED
    assert dossier.check_clock.due_date == date(2024, 2, 19)
    assert dossier.devices.count() == 1
    assert dossier.documents.filter(is_current=True).count() == 11
    assert len(stored_files(media)) == 11
    message = str(next(iter(response.wsgi_request._messages)))
    assert dossier.code in message and dossier.lookup_key in message
    assert "19/02/2024" in message


def test_officer_sees_the_link_on_the_staff_home(client, staff):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    assert URL in client.get(reverse("permits:staff-home")).content.decode()
    client.force_login(staff[Role.SPECIALIST])
    assert URL not in client.get(reverse("permits:staff-home")).content.decode()


def test_missing_file_changes_nothing(client, staff, applicant, media):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    with on(RECEIVED):
        response = client.post(URL, intake_data(applicant.username, skip="ung-pho-su-co"))
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu" in response.content.decode()
    assert "Kế hoạch ứng phó sự cố bức xạ cấp cơ sở" in response.content.decode()
    assert_nothing_created(media)


def test_file_that_is_not_a_pdf_changes_nothing(client, staff, applicant, media):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    with on(RECEIVED):
        response = client.post(URL, intake_data(applicant.username, bad="kiem-xa"))
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert_nothing_created(media)


def test_unknown_applicant_is_refused(client, staff, media):
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    with on(RECEIVED):
        response = client.post(URL, intake_data("khong-co-ai"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Không tìm thấy tài khoản tổ chức, cá nhân “khong-co-ai”" in body
    assert_nothing_created(media)


def test_only_one_stop_officers(client, staff, applicant):
    client.force_login(staff[Role.SPECIALIST])
    assert client.get(URL).status_code == 403
    with on(RECEIVED):
        assert client.post(URL, intake_data(applicant.username)).status_code == 403
    assert not Dossier.objects.exists()
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(staff[Role.ONE_STOP_OFFICER])
    assert client.get("/can-bo/buc-xa/tiep-nhan/khong-co/").status_code == 404
