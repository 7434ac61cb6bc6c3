"""The generated documents of the radiation procedures, as PDF (reportlab).

- Mẫu 01: receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả), with
  the fee notice and a QR code to the public lookup page;
- Mẫu 02: request to supplement (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ);
- Mẫu 03: refusal to accept (phiếu từ chối tiếp nhận giải quyết hồ sơ), and the letter
  refusing the permit or certificate after appraisal (văn bản từ chối cấp);
- Mẫu 04: apology with a new appointment date (phiếu xin lỗi và hẹn lại ngày trả kết quả);
- the permit (giấy phép tiến hành công việc bức xạ) and the certificate (chứng chỉ nhân
  viên bức xạ).

Each document is rendered on demand from the rows the services wrote; nothing here
changes data. The statutory forms are always rendered in Vietnamese, whatever the
language of the person who asks for them. All six share the one-stop envelope's layout
(`workflows.onestop.documents.Sheet`): the two-column national header, the title, the
body and the signature blocks. Mẫu 01–04 serve every registered one-stop kind; another
kind's result document is its own (`OneStopKind.result_pdf`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from workflows.models import LegalClock
from workflows.onestop.documents import (  # noqa: F401 (font_paths, … re-exported)
    DOCUMENT_LANGUAGE,
    STYLES,
    DocumentFontMissing,
    Signer,
    font_paths,
    format_date,
    format_long_date,
    format_vnd,
    qr_code,
    register_fonts,
)
from workflows.onestop.documents import Sheet as _Sheet
from workflows.onestop.documents import agency_signer as _agency_signer
from workflows.onestop.documents import department_name as _department_name
from workflows.onestop.documents import in_vietnamese as _in_vietnamese
from workflows.onestop.documents import markup as _text
from workflows.onestop.documents import person_name as _person
from workflows.onestop.documents import sign_note as _sign_note

from .models import ApologySlip, Dossier, Permit, Status, SupplementRequest
from .services import checklist


class DocumentUnavailable(Exception):
    """The asked-for document does not exist (yet) for this dossier."""


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page for the dossier. It carries the code only: the lookup key
    is the second factor and is printed, never encoded."""
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?ma={quote(dossier.code, safe='')}"


def receipt_qr(dossier: Dossier) -> Drawing:
    return qr_code(lookup_url(dossier))


# --- shared blocks --------------------------------------------------------------------
def _procedure_name(dossier: Dossier) -> str:
    return dossier.procedure_version.procedure.name_vi


def _applicant_fields(dossier: Dossier) -> list[tuple[str, str]]:
    """Who filed, what for, under which code: the opening lines of the one-stop forms."""
    contact = dossier.contact_phone
    if dossier.contact_email:
        contact = f"{contact} — {dossier.contact_email}"
    return [
        (_("Tiếp nhận hồ sơ của"), dossier.organisation_name),
        (_("Địa chỉ"), dossier.organisation_address),
        (_("Điện thoại, thư điện tử"), contact),
        (_("Nội dung yêu cầu giải quyết"), _procedure_name(dossier)),
        (_("Mã hồ sơ"), dossier.code),
    ]


# --- Mẫu 01: receipt and appointment slip ---------------------------------------------
def _received_rows(dossier: Dossier) -> list[list[str]]:
    """The checklist items received (an item waived because the certificate dossier is
    filed with this one says so)."""
    linked = ", ".join(c.code for c in dossier.linked_certificates.all())
    names = []
    for row in checklist(dossier):
        if row["document"] is not None:
            names.append(row["name"])
        elif row["waived"]:
            note = _("nộp kèm hồ sơ đề nghị cấp chứng chỉ %(codes)s") % {"codes": linked}
            names.append(f"{row['name']} — {note}")
    return [[str(i), name] for i, name in enumerate(names, start=1)]


def _fee_block(sheet: _Sheet, dossier: Dossier) -> None:
    sheet.section(_("Thông báo phí thẩm định"))
    devices = list(dossier.devices.all())
    if devices:
        rows = [
            [
                str(i),
                f"{d.get_category_display()} — {d.model_name}",
                d.serial_number,
                format_vnd(d.fee),
            ]
            for i, d in enumerate(devices, start=1)
        ]
        total = [_("Tổng cộng"), "", "", format_vnd(dossier.fee_total)]
        head = [_("STT"), _("Thiết bị"), _("Số sê-ri"), _("Phí thẩm định")]
        sheet.table(head, rows, [0.07, 0.5, 0.2, 0.23], total=total)
    else:
        sheet.field(
            _("Phí thẩm định cấp chứng chỉ nhân viên bức xạ"), format_vnd(dossier.fee_total)
        )
    if dossier.fee_paid_on:
        paid = _("Đã nộp phí ngày %(d)s") % {"d": format_date(dossier.fee_paid_on)}
        if dossier.fee_receipt_no:
            paid += _(", biên lai số %(n)s") % {"n": dossier.fee_receipt_no}
        sheet.para(paid + ".")
    else:
        sheet.para(
            _(
                "Đề nghị Quý tổ chức, cá nhân nộp phí thẩm định %(total)s. Thời hạn giải quyết "
                "được tính từ ngày nộp đủ phí."
            )
            % {"total": format_vnd(dossier.fee_total)}
        )


def _appointment_text(dossier: Dossier) -> str:
    """The appointment date once the fee is paid (the clock runs from the payment), or
    from the valid dossier for a kind without a fee; before that, the rule."""
    rule = dossier.procedure_version.rule("result")
    clock = dossier.result_clock
    if (dossier.fee_paid_on or not dossier.spec.fee) and clock is not None:
        text = format_date(clock.due_date)
        if clock.state == LegalClock.State.PAUSED:
            text += " " + _("(thời hạn đang tạm dừng chờ bổ sung hồ sơ; ngày hẹn lùi tương ứng)")
        return text
    return _("%(n)s %(unit)s kể từ ngày nộp đủ phí thẩm định") % {
        "n": rule.amount,
        "unit": rule.get_unit_display(),
    }


@_in_vietnamese
def receipt_pdf(dossier: Dossier) -> bytes:
    """Mẫu 01, available once the dossier was accepted as complete."""
    if dossier.accepted_on is None:
        raise DocumentUnavailable(dossier.code)
    rule = dossier.procedure_version.rule("result")
    title = _("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    sheet = _Sheet(code=dossier.code, day=dossier.accepted_on).title(title)
    qr = [receipt_qr(dossier), Paragraph(_text(_("Quét mã để tra cứu")), STYLES["caption"])]
    sheet.fields_beside(
        [
            *_applicant_fields(dossier),
            (_("Mã tra cứu"), dossier.lookup_key),
        ],
        _Sheet.boxed(qr, 30 * mm, 33 * mm),
    )
    sheet.section(_("1. Thành phần hồ sơ nộp gồm:"))
    sheet.table([_("STT"), _("Tên giấy tờ")], _received_rows(dossier), [0.07, 0.93])
    sheet.field(_("2. Số lượng hồ sơ"), _("01 bộ"), "numbered")
    limit = (
        _("%(n)s %(unit)s kể từ ngày nhận đủ hồ sơ hợp lệ và phí thẩm định (%(basis)s)")
        if dossier.spec.fee
        else _("%(n)s %(unit)s kể từ ngày nhận đủ hồ sơ hợp lệ (%(basis)s)")
    )
    sheet.field(
        _("3. Thời gian giải quyết hồ sơ theo quy định"),
        limit % {"n": rule.amount, "unit": rule.get_unit_display(), "basis": rule.legal_basis},
        "numbered",
    )
    sheet.field(
        _("4. Ngày nhận hồ sơ"),
        _("%(received)s; ngày tiếp nhận hồ sơ đầy đủ, hợp lệ: %(accepted)s")
        % {
            "received": format_date(dossier.submitted_on),
            "accepted": format_date(dossier.accepted_on),
        },
        "numbered",
    )
    sheet.field(_("5. Ngày hẹn trả kết quả"), _appointment_text(dossier), "numbered")
    if dossier.spec.fee:
        _fee_block(sheet, dossier)
    sheet.para(
        _("Tra cứu tình trạng hồ sơ tại %(url)s bằng mã hồ sơ và mã tra cứu.")
        % {"url": lookup_url(dossier)},
        "small",
    )
    sheet.signatures(
        Signer(_("NGƯỜI NỘP HỒ SƠ")),
        Signer(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), _person(dossier.received_by)),
    )
    return sheet.render(title)


# --- Mẫu 02: request to supplement ------------------------------------------------------
@_in_vietnamese
def supplement_request_pdf(request: SupplementRequest) -> bytes:
    """Mẫu 02: every item to supplement, listed at once, with the reasons."""
    dossier = request.dossier
    version = dossier.procedure_version
    title = _("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    sheet = _Sheet(code=dossier.code, day=request.requested_on).title(
        title, _("(lần %(n)s)") % {"n": request.number}
    )
    sheet.fields(_applicant_fields(dossier))
    sheet.field(_("Ngày nhận hồ sơ"), format_date(dossier.submitted_on))
    sheet.para(
        _(
            "Sau khi xem xét, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị Quý tổ chức, cá nhân bổ sung, "
            "hoàn thiện hồ sơ gồm những nội dung sau:"
        ),
        "indent",
    )
    names = []
    for code in request.items:
        spec = version.document(code)
        names.append(spec["name"] if spec else code)
    sheet.items(names)
    sheet.section(_("Nội dung cần bổ sung, hoàn thiện:"))
    sheet.para(request.reasons, "item")
    sheet.para(
        _(
            "Quý tổ chức, cá nhân nộp đủ các thành phần nêu trên trong một lần. Thời gian giải "
            "quyết hồ sơ tạm dừng từ ngày %(d)s cho đến khi nhận đủ hồ sơ bổ sung."
        )
        % {"d": format_date(request.requested_on)},
        "indent",
    )
    if request.answered_on:
        sheet.field(_("Đã nộp bổ sung ngày"), format_date(request.answered_on))
    sheet.signatures(
        None, Signer(_("NGƯỜI HƯỚNG DẪN"), _person(request.requested_by), _sign_note())
    )
    return sheet.render(title)


# --- Mẫu 03 and the refusal letter ------------------------------------------------------
def _not_accepted(sheet: _Sheet, dossier: Dossier) -> str:
    title = _("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
    sheet.title(title)
    sheet.fields(_applicant_fields(dossier))
    sheet.field(_("Ngày nhận hồ sơ"), format_date(dossier.submitted_on))
    sheet.para(
        _(
            "Qua xem xét, %(dept)s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do "
            "cụ thể như sau:"
        )
        % {"dept": _department_name()},
        "indent",
    )
    sheet.para(dossier.refusal_reasons, "item")
    sheet.para(_("Xin thông báo để Quý tổ chức, cá nhân được biết và thực hiện."), "indent")
    sheet.signatures(
        None, Signer(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), _person(dossier.decided_by), _sign_note())
    )
    return title


def _refused(sheet: _Sheet, dossier: Dossier) -> str:
    label = str(dossier.spec.result_label)
    what = label[:1].lower() + label[1:]  # "giấy phép tiến hành…", "giấy chứng nhận…"
    subject = _("Về việc từ chối cấp %(what)s") % {"what": what}
    sheet.title(_("THÔNG BÁO"), subject)
    sheet.field(_("Kính gửi"), dossier.organisation_name, "center")
    sheet.para(
        _(
            "Ngày %(received)s, %(dept)s nhận được hồ sơ mã %(code)s của %(org)s, địa chỉ "
            "%(address)s, đề nghị: %(procedure)s."
        )
        % {
            "received": format_date(dossier.submitted_on),
            "dept": _department_name(),
            "code": dossier.code,
            "org": dossier.organisation_name,
            "address": dossier.organisation_address,
            "procedure": _procedure_name(dossier),
        },
        "indent",
    )
    sheet.para(
        _(
            "Căn cứ %(basis)s và kết quả thẩm định hồ sơ ngày %(appraised)s, %(dept)s không cấp "
            "%(what)s với lý do sau:"
        )
        % {
            "basis": dossier.procedure_version.legal_basis,
            "appraised": format_date(dossier.appraised_on),
            "dept": _department_name(),
            "what": what,
        },
        "indent",
    )
    sheet.para(dossier.refusal_reasons, "item")
    sheet.para(
        _(
            "Quý tổ chức, cá nhân có quyền khiếu nại hoặc khởi kiện theo quy định của pháp luật "
            "về khiếu nại và tố tụng hành chính."
        ),
        "indent",
    )
    sheet.signatures(
        None,
        _agency_signer(dossier.decided_by),
        recipients=[_("Như trên"), _("Lưu: VT, phòng chuyên môn")],
    )
    return subject


@_in_vietnamese
def refusal_pdf(dossier: Dossier) -> bytes:
    """Mẫu 03 for a dossier not accepted; the refusal letter for one refused at signing."""
    builders = {Status.NOT_ACCEPTED: _not_accepted, Status.REFUSED: _refused}
    build = builders.get(dossier.status)
    if build is None:
        raise DocumentUnavailable(dossier.code)
    sheet = _Sheet(code=dossier.code, day=dossier.decided_on)
    return sheet.render(build(sheet, dossier))


# --- Mẫu 04: apology with a new appointment date ----------------------------------------
@_in_vietnamese
def apology_pdf(slip: ApologySlip) -> bytes:
    """Mẫu 04; a draft or void slip is marked across the page."""
    dossier = slip.dossier
    marks = {ApologySlip.State.DRAFT: _("DỰ THẢO"), ApologySlip.State.VOID: _("ĐÃ HỦY")}
    title = _("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    sheet = _Sheet(
        code=dossier.code, day=slip.issued_on, watermark=marks.get(slip.state, "")
    ).title(title)
    sheet.field(_("Kính gửi"), dossier.organisation_name, "center")
    sheet.para(
        _(
            "Ngày %(accepted)s, %(dept)s tiếp nhận hồ sơ mã %(code)s của Quý tổ chức, cá nhân "
            "đề nghị: %(procedure)s. Thời gian hẹn trả kết quả giải quyết hồ sơ: ngày %(old)s."
        )
        % {
            "accepted": format_date(dossier.accepted_on or dossier.submitted_on),
            "dept": _department_name(),
            "code": dossier.code,
            "procedure": _procedure_name(dossier),
            "old": format_date(slip.old_date),
        },
        "indent",
    )
    sheet.para(
        _(
            "Tuy nhiên đến nay, %(dept)s chưa trả kết quả giải quyết hồ sơ đúng hạn như đã hẹn. "
            "Lý do:"
        )
        % {"dept": _department_name()},
        "indent",
    )
    sheet.para(slip.reason, "item")
    sheet.para(
        _(
            "Sự chậm trễ này đã gây phiền hà cho Quý tổ chức, cá nhân. %(dept)s xin lỗi Quý tổ "
            "chức, cá nhân và hẹn lại thời gian trả kết quả giải quyết hồ sơ vào ngày %(new)s."
        )
        % {"dept": _department_name(), "new": format_date(slip.new_date)},
        "indent",
    )
    sheet.para(_("Rất mong nhận được sự cảm thông của Quý tổ chức, cá nhân."), "indent")
    sheet.signatures(None, _agency_signer(slip.issued_by))
    return sheet.render(title)


# --- the permit and the certificate ------------------------------------------------------
DECREE_142 = (
    "Nghị định số 142/2020/NĐ-CP ngày 09 tháng 12 năm 2020 của Chính phủ quy định về việc "
    "tiến hành công việc bức xạ và hoạt động dịch vụ hỗ trợ ứng dụng năng lượng nguyên tử"
)


def _grounds(sheet: _Sheet, dossier: Dossier) -> None:
    rule = dossier.procedure_version.rule("result")
    sheet.para(_("Căn cứ Luật Năng lượng nguyên tử ngày 03 tháng 6 năm 2008;"), "indent")
    sheet.para(_("Căn cứ %(decree)s;") % {"decree": DECREE_142}, "indent")
    sheet.para(_("Căn cứ quy định tại %(basis)s;") % {"basis": rule.legal_basis}, "indent")
    sheet.para(
        _("Xét hồ sơ mã %(code)s nhận ngày %(received)s và biên bản thẩm định ngày %(appraised)s,")
        % {
            "code": dossier.code,
            "received": format_date(dossier.submitted_on),
            "appraised": format_date(dossier.appraised_on),
        },
        "indent",
    )


def _permit_body(sheet: _Sheet, permit: Permit, dossier: Dossier) -> None:
    sheet.title(_("GIẤY PHÉP TIẾN HÀNH CÔNG VIỆC BỨC XẠ"), dossier.get_kind_display())
    _grounds(sheet, dossier)
    sheet.para(_("CẤP PHÉP"), "title")
    sheet.field(_("1. Tổ chức được cấp giấy phép"), permit.holder_name)
    sheet.field(_("Địa chỉ"), permit.holder_address, "item")
    sheet.field(
        _("Số giấy chứng nhận đăng ký doanh nghiệp / giấy phép hoạt động"),
        dossier.business_registration_no,
        "item",
    )
    sheet.field(
        _("2. Địa điểm tiến hành công việc bức xạ"),
        dossier.facility_address or permit.holder_address,
    )
    sheet.field(_("3. Nội dung được phép"), permit.scope)
    devices = list(dossier.devices.all())
    if devices:
        head = [
            _("STT"),
            _("Loại thiết bị"),
            _("Mã hiệu"),
            _("Số sê-ri"),
            _("Hãng, nước sản xuất"),
            _("Năm SX"),
        ]
        rows = [
            [
                str(i),
                d.get_category_display(),
                d.model_name,
                d.serial_number,
                d.manufacturer,
                str(d.year_made or ""),
            ]
            for i, d in enumerate(devices, start=1)
        ]
        sheet.table(head, rows, [0.07, 0.25, 0.18, 0.16, 0.24, 0.1])
    sheet.field(
        _("4. Thời hạn của giấy phép"),
        _("từ ngày %(start)s đến ngày %(end)s (Điều 37 Nghị định số 142/2020/NĐ-CP)")
        % {"start": format_date(permit.valid_from), "end": format_date(permit.valid_until)},
    )
    if permit.previous_id:
        sheet.field(_("Giấy phép này thay thế giấy phép số"), permit.previous.number, "item")
    days = int(dossier.procedure_version.param("renewal_min_days_before_expiry", 45))
    sheet.para(
        _(
            "5. Tổ chức được cấp giấy phép có trách nhiệm bảo đảm an toàn bức xạ theo quy định "
            "của Luật Năng lượng nguyên tử và Nghị định số 142/2020/NĐ-CP; muốn gia hạn phải nộp "
            "hồ sơ trước khi giấy phép hết hạn ít nhất %(days)s ngày."
        )
        % {"days": days}
    )


def _certificate_body(sheet: _Sheet, permit: Permit, dossier: Dossier) -> None:
    sheet.title(_("CHỨNG CHỈ NHÂN VIÊN BỨC XẠ"))
    _grounds(sheet, dossier)
    sheet.para(_("CẤP CHỨNG CHỈ NHÂN VIÊN BỨC XẠ CHO"), "title")
    photo = _Sheet.boxed(Paragraph(_text(_("Ảnh 3 x 4")), STYLES["center"]), 30 * mm, 40 * mm)
    sheet.fields_beside(
        [
            (_("Họ và tên"), permit.holder_name),
            (_("Ngày sinh"), format_date(dossier.worker_birth_date)),
            (_("Số định danh cá nhân / CCCD"), dossier.worker_id_number),
            (_("Trình độ chuyên môn"), dossier.worker_qualification),
            (_("Nơi làm việc"), f"{dossier.organisation_name}, {dossier.organisation_address}"),
            (
                _("Công việc đảm nhiệm"),
                _("Người phụ trách an toàn bức xạ tại cơ sở X-quang chẩn đoán trong y tế"),
            ),
        ],
        photo,
        box_left=True,
    )
    sheet.field(
        _("Thời hạn"),
        _("Chứng chỉ không có thời hạn (khoản 2 Điều 37 Nghị định số 142/2020/NĐ-CP)."),
    )


@_in_vietnamese
def permit_pdf(permit: Permit) -> bytes:
    """The issued permit or certificate; one no longer valid is marked across the page."""
    dossier = permit.dossier
    mark = "" if permit.state == Permit.State.VALID else permit.get_state_display().upper()
    sheet = _Sheet(code=dossier.code, day=permit.issued_on, number=permit.number, watermark=mark)
    if permit.kind == Permit.Kind.CERTIFICATE:
        _certificate_body(sheet, permit, dossier)
    else:
        _permit_body(sheet, permit, dossier)
    sheet.signatures(
        None,
        _agency_signer(permit.signed_by),
        recipients=[permit.holder_name, _("Lưu: VT, phòng chuyên môn")],
    )
    return sheet.render(permit.get_kind_display())


# --- names used in URLs ----------------------------------------------------------------
@dataclass(frozen=True)
class GeneratedDocument:
    filename: str
    content: bytes


_NAME = re.compile(r"^(?P<kind>tiep-nhan|tu-choi|bo-sung|xin-loi)(?:-(?P<n>\d{1,9}))?$")


def generated_document(dossier: Dossier, name: str, *, preview: bool = False) -> GeneratedDocument:
    """The document called `name` in the URL (`tiep-nhan`, `bo-sung-<n>`, `tu-choi`,
    `xin-loi-<id>`, and the kind's result: `giay-phep` for the radiation kinds,
    `OneStopKind.result_slug` for the others). `preview` (staff) also opens draft and
    void apology slips. Raise `DocumentUnavailable` if there is no such document for
    the dossier."""
    spec = dossier.spec
    if name == spec.result_slug:
        if dossier.is_radiation:
            content = _permit_document(dossier, name)
        else:
            result = spec.result_of(dossier)
            if result is None:
                raise DocumentUnavailable(name)
            content = spec.result_pdf(result)
        return GeneratedDocument(filename=f"{name}-{dossier.code}.pdf", content=content)
    match = _NAME.match(name)
    if match is None:
        raise DocumentUnavailable(name)
    kind, n = match["kind"], match["n"]
    numbered = kind in ("bo-sung", "xin-loi")
    if numbered != (n is not None):
        raise DocumentUnavailable(name)
    if kind == "tiep-nhan":
        content = receipt_pdf(dossier)
    elif kind == "tu-choi":
        content = refusal_pdf(dossier)
    elif kind == "bo-sung":
        request = dossier.supplements.select_related("requested_by").filter(number=n).first()
        if request is None:
            raise DocumentUnavailable(name)
        content = supplement_request_pdf(request)
    elif kind == "xin-loi":
        slips = dossier.apologies.select_related("issued_by")
        if not preview:
            slips = slips.filter(state=ApologySlip.State.ISSUED)
        slip = slips.filter(pk=n).first()
        if slip is None:
            raise DocumentUnavailable(name)
        content = apology_pdf(slip)
    return GeneratedDocument(filename=f"{name}-{dossier.code}.pdf", content=content)


def _permit_document(dossier: Dossier, name: str) -> bytes:
    permit = Permit.objects.filter(dossier=dossier).select_related("previous", "signed_by").first()
    if permit is None:
        raise DocumentUnavailable(name)
    permit.dossier = dossier  # already loaded, with its procedure
    return permit_pdf(permit)
