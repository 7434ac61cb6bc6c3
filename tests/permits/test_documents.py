"""The generated documents (Mẫu 01–04, permit, certificate) and the views that serve
them and the uploaded files. Text is read back from the PDF with pypdf."""

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from reportlab.graphics.barcode.qr import QrCodeWidget

from permits import documents, services
from permits.models import ApologySlip, Dossier, DossierKind, Permit, Status
from tests.permits.conftest import PDF, drive, file_dossier, on, pdf
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    """All the text of a PDF, whitespace collapsed (line breaks fall anywhere)."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def render(dossier: Dossier, name: str, *, preview: bool = False) -> str:
    return text_of(documents.generated_document(dossier, name, preview=preview).content)


HEADER = [
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]


def assert_contains(text: str, *parts: str) -> None:
    missing = [p for p in parts if p not in text]
    assert not missing, f"missing {missing} in: {text}"


@pytest.fixture
def accepted(staff, applicant):
    """The worked example: filed and submitted 05/02/2024, accepted 06/02/2024."""
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with on(date(2024, 2, 6)):
        return services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])


@pytest.fixture
def issued(staff, applicant):
    with on(date(2024, 2, 28)):
        return drive(file_dossier(applicant), staff, Status.ISSUED)


# --- formatting helpers -----------------------------------------------------------------
def test_formats():
    assert documents.format_vnd(10_000_000) == "10.000.000 đồng"
    assert documents.format_vnd(200_000) == "200.000 đồng"
    assert documents.format_vnd(0) == "0 đồng"
    assert documents.format_date(date(2024, 3, 12)) == "12/03/2024"
    assert documents.format_date(None) == ""
    # leading zero for days below 10 and for January and February only
    assert documents.format_long_date(date(2024, 2, 6)) == "ngày 06 tháng 02 năm 2024"
    assert documents.format_long_date(date(2024, 3, 12)) == "ngày 12 tháng 3 năm 2024"


def test_qr_code_holds_the_lookup_url_without_the_key(accepted, settings):
    settings.SITE_URL = "https://motcua.sonla.gov.vn/"
    url = documents.lookup_url(accepted)
    assert url == f"https://motcua.sonla.gov.vn/tra-cuu/?ma={accepted.code}"
    drawing = documents.receipt_qr(accepted)
    [widget] = drawing.contents
    assert isinstance(widget, QrCodeWidget)
    assert widget.value == url
    assert accepted.lookup_key not in widget.value
    assert drawing.width == drawing.height > 0


def test_missing_fonts_are_a_clear_configuration_error(tmp_path):
    with pytest.raises(documents.DocumentFontMissing, match="fonts-dejavu-core") as err:
        documents.font_paths(tmp_path)
    assert str(tmp_path / "DejaVuSans.ttf") in str(err.value)
    assert set(documents.font_paths()) == {"DejaVuSans", "DejaVuSans-Bold"}


# --- Mẫu 01 -----------------------------------------------------------------------------
def test_receipt_worked_example(staff, accepted):
    text = render(accepted, "tiep-nhan")
    assert_contains(
        text,
        *HEADER,
        "Sơn La, ngày 06 tháng 02 năm 2024",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        accepted.code,
        f"Mã tra cứu: {accepted.lookup_key}",
        "Phòng khám Đa khoa Hoàng Long",
        "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán",
        "Ngày nhận hồ sơ: 05/02/2024",
        "Biên bản kiểm xạ",
        "Kế hoạch ứng phó sự cố bức xạ cấp cơ sở",
        "2.000.000 đồng",
        "8.000.000 đồng",
        "Tổng cộng",
        "10.000.000 đồng",
        "25 ngày (theo lịch) kể từ ngày nộp đủ phí thẩm định",
        "/tra-cuu/?ma=",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    )
    # the fee is not paid: the appointment is the rule, not a date that will move
    assert "02/03/2024" not in text

    with on(date(2024, 2, 16)):
        paid = services.dossier_record_fee(
            dossier=accepted, actor=staff[Role.ACCOUNTANT], receipt_no="BL-15"
        )
    text = render(paid, "tiep-nhan")
    assert_contains(
        text,
        "Ngày hẹn trả kết quả: 12/03/2024",
        "Đã nộp phí ngày 16/02/2024, biên lai số BL-15",
    )


def test_receipt_says_when_the_clock_waits_for_a_supplement(staff, applicant):
    with on(date(2024, 2, 16)):
        dossier = drive(file_dossier(applicant), staff, Status.APPRAISAL)
    with on(date(2024, 2, 20)):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.SPECIALIST],
            items=["kiem-xa"],
            reasons="Biên bản kiểm xạ đã quá 12 tháng.",
        )
    dossier.refresh_from_db()
    assert_contains(
        render(dossier, "tiep-nhan"),
        "Ngày hẹn trả kết quả: 12/03/2024 (thời hạn đang tạm dừng chờ bổ sung hồ sơ",
    )


def test_documents_are_vietnamese_whatever_the_language(accepted):
    with translation.override("en"):
        text = render(accepted, "tiep-nhan")
    assert_contains(text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "25 ngày (theo lịch)")


def test_receipt_only_once_accepted(applicant):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(dossier, "tiep-nhan")


def test_certificate_receipt_has_the_flat_fee(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.AWAITING_FEE
        )
    text = render(dossier, "tiep-nhan")
    assert_contains(
        text,
        "Phí thẩm định cấp chứng chỉ nhân viên bức xạ: 200.000 đồng",
        "10 ngày làm việc",
        "Phiếu khám sức khỏe",
    )


def test_receipt_lists_the_linked_certificate(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = drive(
            file_dossier(
                applicant,
                with_certificate=services.WorkerInput(
                    "Lò Văn Bình", date(1990, 4, 12), "014090001234"
                ),
            ),
            staff,
            Status.AWAITING_FEE,
        )
    child = dossier.linked_certificates.get()
    assert_contains(
        render(dossier, "tiep-nhan"), f"nộp kèm hồ sơ đề nghị cấp chứng chỉ {child.code}"
    )


def test_user_text_is_printed_as_text(accepted):
    Dossier.objects.filter(pk=accepted.pk).update(organisation_name="Công ty A & B <b>X</b>")
    accepted.refresh_from_db()
    assert "Công ty A & B <b>X</b>" in render(accepted, "tiep-nhan")


# --- Mẫu 02 -----------------------------------------------------------------------------
def test_supplement_request_lists_every_item(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with on(date(2024, 2, 6)):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa", "ung-pho-su-co"],
            reasons="Biên bản kiểm xạ thiếu chữ ký; kế hoạch ứng phó chưa được phê duyệt.",
        )
    text = render(dossier, "bo-sung-1")
    assert_contains(
        text,
        *HEADER,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "(lần 1)",
        dossier.code,
        "1. Biên bản kiểm xạ (đo liều bức xạ khu vực làm việc và môi trường)",
        "2. Kế hoạch ứng phó sự cố bức xạ cấp cơ sở",
        "Biên bản kiểm xạ thiếu chữ ký; kế hoạch ứng phó chưa được phê duyệt.",
        "ngày 06 tháng 02 năm 2024",
        "NGƯỜI HƯỚNG DẪN",
    )
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(dossier, "bo-sung-2")
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(dossier, "bo-sung")


# --- Mẫu 03 and the refusal letter --------------------------------------------------------
def test_not_accepted_slip(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
        with pytest.raises(documents.DocumentUnavailable):
            documents.generated_document(dossier, "tu-choi")
    with on(date(2024, 2, 6)):
        dossier = services.dossier_reject(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            reasons="Thủ tục không thuộc thẩm quyền giải quyết của Sở.",
        )
    assert_contains(
        render(dossier, "tu-choi"),
        *HEADER,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        dossier.code,
        "Thủ tục không thuộc thẩm quyền giải quyết của Sở.",
        "ngày 06 tháng 02 năm 2024",
    )


def test_refusal_letter(staff, applicant):
    with on(date(2024, 3, 1)):
        dossier = drive(file_dossier(applicant), staff, Status.SIGNING, conclusion="fail")
        dossier = services.dossier_refuse(
            dossier=dossier, actor=staff[Role.DIRECTOR], reasons="Phòng đặt máy không đạt."
        )
    assert_contains(
        render(dossier, "tu-choi"),
        "THÔNG BÁO",
        "Về việc từ chối cấp giấy phép tiến hành công việc bức xạ",
        "Kính gửi: Phòng khám Đa khoa Hoàng Long",
        "Phòng đặt máy không đạt.",
        "142/2020/NĐ-CP",
        "khiếu nại hoặc khởi kiện",
    )


# --- Mẫu 04 -----------------------------------------------------------------------------
@pytest.fixture
def apology(staff, applicant):
    with on(date(2024, 2, 16)):
        dossier = drive(file_dossier(applicant), staff, Status.APPRAISAL)
    with on(date(2024, 3, 8)):
        slip = services.apology_draft(
            dossier=dossier,
            actor=staff[Role.SPECIALIST],
            reason="Cần lấy ý kiến chuyên gia về thiết bị CT.",
        )
    return slip


def test_apology_slip(staff, apology):
    dossier = apology.dossier
    name = f"xin-loi-{apology.pk}"
    # a draft: staff preview it, marked; the applicant does not see it
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(dossier, name)
    assert "DỰ THẢO" in render(dossier, name, preview=True)

    with on(date(2024, 3, 11)):
        slip = services.apology_issue(apology=apology, actor=staff[Role.DIRECTOR])
    assert slip.state == ApologySlip.State.ISSUED
    text = render(dossier, name)
    assert_contains(
        text,
        *HEADER,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Sơn La, ngày 11 tháng 3 năm 2024",
        dossier.code,
        "12/03/2024",
        "19/03/2024",
        "Cần lấy ý kiến chuyên gia về thiết bị CT.",
        "xin lỗi",
    )
    assert "DỰ THẢO" not in text


def test_apology_of_another_dossier_is_not_found(staff, applicant, apology):
    with on(date(2024, 3, 8)):
        other = file_dossier(applicant)
    with pytest.raises(documents.DocumentUnavailable):
        documents.generated_document(other, f"xin-loi-{apology.pk}", preview=True)


# --- the permit and the certificate ------------------------------------------------------
def test_permit(issued):
    text = render(issued, "giay-phep")
    assert_contains(
        text,
        *HEADER,
        "Số: 001/2024/GP-SKHCN",
        "GIẤY PHÉP TIẾN HÀNH CÔNG VIỆC BỨC XẠ",
        "Nghị định số 142/2020/NĐ-CP ngày 09 tháng 12 năm 2020",
        "Phòng khám Đa khoa Hoàng Long",
        "Số 12 đường Tô Hiệu, TP. Sơn La",
        "Vatech PaX-i",
        "SN-001",
        "Revolution EVO",
        "SN-002",
        "từ ngày 28/02/2024 đến ngày 28/02/2027",
        "ít nhất 45 ngày",
    )


def test_certificate(staff, applicant):
    with on(date(2024, 2, 6)):
        dossier = drive(file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.ISSUED)
    assert_contains(
        render(dossier, "giay-phep"),
        "Số: 001/2024/CC-SKHCN",
        "CHỨNG CHỈ NHÂN VIÊN BỨC XẠ",
        "Lò Văn Bình",
        "Ngày sinh: 12/04/1990",
        "014090001234",
        "Chứng chỉ không có thời hạn",
    )


def test_superseded_permit_is_marked(issued):
    Permit.objects.filter(dossier=issued).update(state=Permit.State.SUPERSEDED)
    assert "ĐÃ ĐƯỢC GIA HẠN / SỬA ĐỔI" in render(issued, "giay-phep")


def test_no_permit_before_issue(accepted):
    for name in ["giay-phep", "tu-choi", "khong-co", "tiep-nhan-1", "xin-loi-abc"]:
        with pytest.raises(documents.DocumentUnavailable):
            documents.generated_document(accepted, name, preview=True)


# --- the views ---------------------------------------------------------------------------
def doc_url(dossier: Dossier, name: str) -> str:
    return reverse("permits:generated-document", kwargs={"code": dossier.code, "name": name})


def file_url(dossier: Dossier, pk: int) -> str:
    return reverse("permits:document-download", kwargs={"code": dossier.code, "pk": pk})


def test_document_view_permissions(client, staff, applicant, other_applicant, accepted):
    url = doc_url(accepted, "tiep-nhan")
    assert url == f"/ho-so/{accepted.code}/van-ban/tiep-nhan/"

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)

    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="tiep-nhan-{accepted.code}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text_of(response.content)
    assert client.get(doc_url(accepted, "khong-co")).status_code == 404
    assert client.post(url).status_code == 405

    client.force_login(other_applicant)
    response = client.get(url)
    assert response.status_code == 404
    assert accepted.code.encode() not in response.content
    # the same answer as for a code that does not exist
    missing = reverse(
        "permits:generated-document", kwargs={"code": "GPBX-000000-0000", "name": "tiep-nhan"}
    )
    assert client.get(missing).status_code == 404

    for role in (Role.ONE_STOP_OFFICER, Role.DIRECTOR):
        client.force_login(staff[role])
        assert client.get(url).status_code == 200


def test_draft_apology_only_for_staff(client, staff, applicant, apology):
    url = doc_url(apology.dossier, f"xin-loi-{apology.pk}")
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    client.force_login(staff[Role.HEAD_OF_DIVISION])
    assert client.get(url).status_code == 200


def test_download_uploaded_file(client, staff, applicant, other_applicant, accepted):
    document = accepted.documents.get(item="kiem-xa", is_current=True)
    url = file_url(accepted, document.pk)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)

    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kiem-xa.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    client.force_login(other_applicant)
    assert client.get(url).status_code == 404

    client.force_login(staff[Role.SPECIALIST])
    response = client.get(url)
    assert response.status_code == 200
    response.close()


def test_download_keeps_a_vietnamese_file_name(client, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
        document = services.document_upload(
            dossier=dossier,
            item="kiem-xa",
            upload=pdf("Biên bản kiểm xạ.pdf"),
            actor=applicant,
        )
    client.force_login(applicant)
    response = client.get(file_url(dossier, document.pk))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20ki%E1%BB%83m%20x%E1%BA%A1.pdf" in disposition
    response.close()


def test_download_of_another_dossier_file_is_not_found(client, applicant, accepted):
    with on(date(2024, 2, 7)):
        other = file_dossier(applicant)
    document = other.documents.first()
    client.force_login(applicant)
    assert client.get(file_url(accepted, document.pk)).status_code == 404
    assert client.get(file_url(other, document.pk)).status_code == 200
