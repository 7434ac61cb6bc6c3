"""The catalogue entries of the radiation procedures (Decree 142/2020/NĐ-CP).

Every limit, fee and document list is data with its legal basis, installed into the
engine's procedure catalogue (editable in the admin afterwards). `catalogue_install`
is idempotent: it creates what is missing and leaves an admin's edits alone. The
envelope's part — the step budgets' shape, the apology slip's parameters, the reminder
ladder — is `workflows.onestop.catalogue`; the permit's expiry reminders are added here.
Rules marked [GK] are the department's internal budgets or unverified general
knowledge, kept as configurable defaults (DOMAIN.md legend).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from workflows.models import DayUnit, ProcedureVersion
from workflows.onestop import catalogue as onestop

from .models import PROCEDURE_CODES, DeviceCategory, DossierKind

ND142 = "Nghị định số 142/2020/NĐ-CP"
APPLIES_FROM = date(2020, 12, 5)  # Decree 142/2020 takes effect
FEE_BASIS = (
    "Thông tư số 287/2016/TT-BTC (mức phí thẩm định theo công bố thủ tục hành chính của tỉnh) [GK]"
)

DEVICE_FEES = {
    DeviceCategory.DENTAL: 2_000_000,
    DeviceCategory.MAMMOGRAPHY: 2_000_000,
    DeviceCategory.MOBILE: 2_000_000,
    DeviceCategory.CONVENTIONAL: 3_000_000,
    DeviceCategory.FLUOROSCOPY: 5_000_000,
    DeviceCategory.CT: 8_000_000,
    DeviceCategory.PET_CT: 16_000_000,
}
CERTIFICATE_FEE = 200_000


def _doc(code: str, name: str, **extra) -> dict:
    return {"code": code, "name": name, "required": True, **extra}


# §2a: the 11 items of a permit dossier for diagnostic X-ray (Art. 20).
PERMIT_DOCUMENTS = [
    _doc("don-de-nghi", "Đơn đề nghị cấp giấy phép tiến hành công việc bức xạ"),
    _doc(
        "dang-ky-kinh-doanh",
        "Giấy chứng nhận đăng ký doanh nghiệp hoặc giấy phép hoạt động khám bệnh, chữa bệnh",
    ),
    _doc("khai-bao-nhan-vien", "Bản khai báo nhân viên bức xạ và người phụ trách an toàn"),
    _doc(
        "chung-chi-phu-trach-an-toan",
        "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn "
        "(hoặc hồ sơ đề nghị cấp chứng chỉ nộp cùng)",
        waived_by_certificate=True,
    ),
    _doc("chung-nhan-dao-tao", "Giấy chứng nhận đào tạo an toàn bức xạ của nhân viên bức xạ"),
    _doc("khai-bao-thiet-bi", "Phiếu khai báo thiết bị X-quang chẩn đoán trong y tế"),
    _doc("tai-lieu-nha-san-xuat", "Tài liệu của nhà sản xuất về đặc tính kỹ thuật thiết bị"),
    _doc("kiem-dinh", "Giấy chứng nhận kiểm định thiết bị X-quang còn hiệu lực", dated=True),
    _doc("danh-gia-an-toan", "Báo cáo đánh giá an toàn bức xạ"),
    _doc("kiem-xa", "Biên bản kiểm xạ (đo liều bức xạ khu vực làm việc và môi trường)"),
    _doc("ung-pho-su-co", "Kế hoạch ứng phó sự cố bức xạ cấp cơ sở"),
]

RENEWAL_DOCUMENTS = [
    _doc("don-de-nghi", "Đơn đề nghị gia hạn giấy phép tiến hành công việc bức xạ"),
    _doc("giay-phep-cu", "Bản sao giấy phép đã được cấp"),
    _doc("kiem-dinh", "Giấy chứng nhận kiểm định thiết bị X-quang còn hiệu lực", dated=True),
    _doc("kiem-xa", "Biên bản kiểm xạ trong thời hạn 12 tháng gần nhất"),
    _doc("danh-gia-an-toan", "Báo cáo đánh giá an toàn bức xạ cập nhật"),
]

AMENDMENT_DOCUMENTS = [
    _doc("don-de-nghi", "Đơn đề nghị sửa đổi, bổ sung giấy phép"),
    _doc("giay-phep-cu", "Bản sao giấy phép đã được cấp"),
    _doc("tai-lieu-thay-doi", "Tài liệu chứng minh nội dung đề nghị sửa đổi, bổ sung"),
]

# §2b: the 5 items of a certificate dossier (Art. 35).
CERTIFICATE_DOCUMENTS = [
    _doc("don-de-nghi-chung-chi", "Đơn đề nghị cấp chứng chỉ nhân viên bức xạ (Mẫu số 05)"),
    _doc("van-bang", "Bản sao văn bằng, chứng chỉ chuyên môn phù hợp với công việc đảm nhiệm"),
    _doc("chung-nhan-dao-tao", "Giấy chứng nhận đào tạo an toàn bức xạ"),
    _doc(
        "giay-kham-suc-khoe",
        "Phiếu khám sức khỏe do cơ sở y tế từ cấp huyện trở lên cấp không quá 06 tháng",
        dated=True,
        max_age_months=6,
    ),
    _doc("anh", "Ảnh cỡ 3 cm x 4 cm (03 ảnh, hoặc tệp ảnh khi nộp trực tuyến)"),
]


def _permit_version(kind: str) -> dict:
    article = {
        DossierKind.PERMIT_NEW: "Điều 29",
        DossierKind.PERMIT_RENEWAL: "Điều 30",
        DossierKind.PERMIT_AMENDMENT: "Điều 32",
    }[kind]
    documents = {
        DossierKind.PERMIT_NEW: PERMIT_DOCUMENTS,
        DossierKind.PERMIT_RENEWAL: RENEWAL_DOCUMENTS,
        DossierKind.PERMIT_AMENDMENT: AMENDMENT_DOCUMENTS,
    }[kind]
    return {
        "legal_basis": f"{article} và Điều 20 {ND142}; Luật Năng lượng nguyên tử 2008",
        "fees": {
            "basis": FEE_BASIS,
            "device": {str(k): v for k, v in DEVICE_FEES.items()},
        },
        "documents": documents,
        "parameters": {
            "validity_years": {"value": 3, "legal_basis": f"Điểm đ khoản 1 Điều 37 {ND142}"},
            "renewed_term_from_old_expiry": {
                "value": True,
                "legal_basis": f"Khoản 3 Điều 37 {ND142}",
            },
            "amended_term_as_old_permit": {
                "value": True,
                "legal_basis": f"Khoản 4 Điều 37 {ND142}",
            },
            "renewal_min_days_before_expiry": {
                "value": 45,
                "legal_basis": f"Khoản 1 Điều 30 {ND142}",
            },
            **onestop.apology_parameters(new_date_working_days=5),
        },
        "rules": [
            ("check", "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ", 5, DayUnit.WORKING,
             f"Điểm a khoản 4 Điều 29 {ND142}", 0),
            ("result", "Thẩm định và cấp giấy phép", 25, DayUnit.CALENDAR,
             f"Điểm b khoản 4 Điều 29 {ND142}", 15),
            *onestop.step_rules(appraisal=(10, 5), review=(2, 2), signing=(2, 2)),
        ],
    }  # fmt: skip


def _certificate_version() -> dict:
    return {
        "legal_basis": f"Điều 35 {ND142}",
        "fees": {"basis": FEE_BASIS, "flat": CERTIFICATE_FEE},
        "documents": CERTIFICATE_DOCUMENTS,
        "parameters": {
            "health_certificate_max_age_months": {
                "value": 6,
                "legal_basis": f"Điểm d khoản 2 Điều 35 {ND142}",
            },
            **onestop.apology_parameters(new_date_working_days=3),
        },
        "rules": [
            ("check", "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ", 5, DayUnit.WORKING,
             f"Điểm a khoản 4 Điều 35 {ND142}", 0),
            ("result", "Thẩm định và cấp chứng chỉ", 10, DayUnit.WORKING,
             f"Điểm c khoản 4 Điều 35 {ND142}", 5),
            *onestop.step_rules(appraisal=(5, 3), review=(2, 1), signing=(1, 1)),
        ],
    }  # fmt: skip


# the envelope's ladder, and the permit's expiry: T-90, T-60, T-50 days (DOMAIN.md §2a)
LADDER = [
    *onestop.LADDER,
    ("permit_expiry", "reminder", -90, DayUnit.CALENDAR, "applicant", "permit_expiry"),
    ("permit_expiry", "reminder", -60, DayUnit.CALENDAR, "applicant", "permit_expiry"),
    ("permit_expiry", "reminder", -50, DayUnit.CALENDAR, "applicant", "permit_expiry"),
]

NAMES = {
    DossierKind.PERMIT_NEW: (
        "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế",
        "Radiation work permit - use of diagnostic medical X-ray equipment",
    ),
    DossierKind.PERMIT_RENEWAL: (
        "Gia hạn giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán "
        "trong y tế",
        "Renewal of a radiation work permit (diagnostic medical X-ray)",
    ),
    DossierKind.PERMIT_AMENDMENT: (
        "Sửa đổi, bổ sung giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang "
        "chẩn đoán trong y tế",
        "Amendment of a radiation work permit (diagnostic medical X-ray)",
    ),
    DossierKind.CERTIFICATE: (
        "Cấp chứng chỉ nhân viên bức xạ cho người phụ trách an toàn tại cơ sở X-quang chẩn "
        "đoán trong y tế",
        "Radiation worker certificate for the safety officer of a diagnostic X-ray facility",
    ),
}


@transaction.atomic
def catalogue_install() -> list[ProcedureVersion]:
    """Create the four procedures and their first version, if missing."""
    versions = []
    for kind, code in PROCEDURE_CODES.items():
        name_vi, name_en = NAMES[kind]
        spec = _certificate_version() if kind == DossierKind.CERTIFICATE else _permit_version(kind)
        versions.append(
            onestop.version_install(
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                field="An toàn bức xạ",
                applies_from=APPLIES_FROM,
                label="NĐ 142/2020",
                spec=spec,
                ladder=LADDER,
            )
        )
    return versions
