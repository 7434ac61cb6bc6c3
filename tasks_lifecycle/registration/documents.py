"""The certificate of a result registration (Giấy chứng nhận đăng ký kết quả thực hiện
nhiệm vụ khoa học và công nghệ), as PDF in Vietnamese on the one-stop envelope's layout
(`workflows.onestop.documents`). Rendered on demand from the rows; changes nothing.
Mẫu 01–04 of the dossier are the desk's, like every one-stop procedure's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows.onestop.documents import (
    Sheet,
    agency_signer,
    department_name,
    format_date,
    format_vnd,
    in_vietnamese,
)

from .kind import period_text, recognition_text
from .models import ResultRegistration

ND11_FULL = (
    "Nghị định số 11/2014/NĐ-CP ngày 18 tháng 02 năm 2014 của Chính phủ về hoạt động "
    "thông tin khoa học và công nghệ"
)
TT14_FULL = (
    "Thông tư số 14/2014/TT-BKHCN ngày 11 tháng 6 năm 2014 của Bộ trưởng Bộ Khoa học và Công "
    "nghệ quy định việc thu thập, đăng ký, lưu giữ và công bố thông tin về nhiệm vụ khoa học "
    "và công nghệ"
)


@in_vietnamese
def certificate_pdf(reg: ResultRegistration) -> bytes:
    """The certificate signed for the registration `reg` (it has its number)."""
    dossier = reg.case
    title = _("GIẤY CHỨNG NHẬN")
    subtitle = _("ĐĂNG KÝ KẾT QUẢ THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ")
    sheet = Sheet(code=dossier.code, day=reg.issued_on, number=reg.number).title(title, subtitle)
    sheet.para(_("Căn cứ %(act)s;") % {"act": ND11_FULL}, "indent")
    sheet.para(_("Căn cứ %(act)s;") % {"act": TT14_FULL}, "indent")
    sheet.para(
        _("Xét hồ sơ đăng ký mã %(code)s nhận ngày %(received)s của %(org)s,")
        % {
            "code": dossier.code,
            "received": format_date(dossier.submitted_on),
            "org": dossier.organisation_name,
        },
        "indent",
    )
    sheet.para(_("%(dept)s CHỨNG NHẬN") % {"dept": department_name().upper()}, "title")
    sheet.para(_("Kết quả thực hiện nhiệm vụ khoa học và công nghệ:"))
    sheet.para(reg.task_title, "section")
    lines = [
        (_("Mã số nhiệm vụ"), reg.task_code),
        (_("Lĩnh vực"), reg.field),
        (_("Tổ chức chủ trì"), dossier.organisation_name),
        (_("Địa chỉ"), dossier.organisation_address),
        (_("Chủ nhiệm nhiệm vụ"), reg.pi_name),
        (_("Thời gian thực hiện"), period_text(reg)),
        (_("Kinh phí từ ngân sách nhà nước"), format_vnd(reg.state_budget)),
        (
            _("Kết quả đánh giá, nghiệm thu"),
            _("%(c)s (ngày %(d)s)")
            % {"c": reg.get_acceptance_class_display(), "d": format_date(reg.accepted_on)},
        ),
        (_("Quyết định công nhận kết quả"), recognition_text(reg)),
    ]
    sheet.fields((label, value) for label, value in lines if value)
    sheet.para(
        _(
            "đã được đăng ký tại %(dept)s tỉnh Sơn La ngày %(day)s, số đăng ký %(number)s. "
            "Tổ chức chủ trì có trách nhiệm lưu giữ và sử dụng kết quả theo quy định của pháp "
            "luật về khoa học và công nghệ."
        )
        % {
            "dept": department_name(),
            "day": format_date(reg.issued_on),
            "number": reg.number,
        },
        "indent",
    )
    sheet.signatures(
        None,
        agency_signer(reg.signed_by),
        recipients=[dossier.organisation_name, _("Lưu: VT, phòng Quản lý khoa học và công nghệ")],
    )
    return sheet.render(_("Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN"))
