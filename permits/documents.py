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
language of the person who asks for them. All six share one layout (`_Sheet`): the
two-column national header, the title, the body and the signature blocks.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from io import BytesIO
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from workflows.models import LegalClock

from .models import ApologySlip, Dossier, DossierKind, Permit, Status, SupplementRequest
from .services import checklist

# Statutory forms are Vietnamese documents; the msgids below are the Vietnamese text.
DOCUMENT_LANGUAGE = "vi"

# --- fonts ----------------------------------------------------------------------------
# DejaVu Sans covers every Vietnamese letter (precomposed, NFC). Debian/Ubuntu package:
# fonts-dejavu-core. A deployment with the fonts elsewhere sets PDF_FONT_DIR.
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
_font_lock = threading.Lock()


class DocumentFontMissing(ImproperlyConfigured):
    """The TrueType fonts the PDFs need are not installed."""


class DocumentUnavailable(Exception):
    """The asked-for document does not exist (yet) for this dossier."""


def font_paths(font_dir: Path | None = None) -> dict[str, Path]:
    """The font files by reportlab name; raise `DocumentFontMissing` if one is absent."""
    folder = Path(font_dir or getattr(settings, "PDF_FONT_DIR", None) or DEFAULT_FONT_DIR)
    paths = {name: folder / file for name, file in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise DocumentFontMissing(
            "Generated documents need the DejaVu Sans TrueType fonts, not found at: "
            f"{', '.join(missing)}. Install them (Debian/Ubuntu: apt-get install "
            "fonts-dejavu-core) or set PDF_FONT_DIR to the folder that holds "
            "DejaVuSans.ttf and DejaVuSans-Bold.ttf."
        )
    return paths


def register_fonts() -> None:
    """Register the fonts with reportlab, once per process."""
    if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    with _font_lock:
        if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
            return
        for name, path in font_paths().items():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )


# --- formatting -----------------------------------------------------------------------
def format_date(value: date | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_long_date(value: date) -> str:
    """'ngày 06 tháng 02 năm 2024' — days below 10 and months 1–2 take a leading zero
    (the drafting rules of administrative documents, Decree 30/2020/NĐ-CP)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{value.day:02d}",
        "m": month,
        "y": value.year,
    }


def format_vnd(amount: int) -> str:
    """An amount in đồng with dots between thousands: 10.000.000 đồng."""
    return _("%(amount)s đồng") % {"amount": f"{int(amount):,}".replace(",", ".")}


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page for the dossier. It carries the code only: the lookup key
    is the second factor and is printed, never encoded."""
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?ma={quote(dossier.code, safe='')}"


def qr_code(value: str, size: float = 26 * mm) -> Drawing:
    """A QR code drawing of `value`, `size` points square (the widget is its only
    content)."""
    widget = QrCodeWidget(value, barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def receipt_qr(dossier: Dossier) -> Drawing:
    return qr_code(lookup_url(dossier))


def _text(value) -> str:
    """User data as safe paragraph markup: NFC (the font has no shaping for combining
    marks), XML-escaped, line breaks kept."""
    text = unicodedata.normalize("NFC", str(value or ""))
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- layout ---------------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = A4
# the margins of Decree 30/2020/NĐ-CP (left 30 mm, right 15 mm, top and bottom 20 mm)
MARGINS = {
    "leftMargin": 30 * mm,
    "rightMargin": 15 * mm,
    "topMargin": 20 * mm,
    "bottomMargin": 20 * mm,
}
FRAME_WIDTH = PAGE_WIDTH - MARGINS["leftMargin"] - MARGINS["rightMargin"]

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=13, alignment=TA_JUSTIFY)
STYLES = {
    "body": _BODY,
    "indent": ParagraphStyle("indent", parent=_BODY, firstLineIndent=10 * mm, spaceBefore=2),
    "item": ParagraphStyle("item", parent=_BODY, leftIndent=6 * mm, spaceBefore=1),
    "center": ParagraphStyle("center", parent=_BODY, alignment=TA_CENTER),
    "head": ParagraphStyle("head", parent=_BODY, fontSize=9.5, leading=12.5, alignment=TA_CENTER),
    "title": ParagraphStyle(
        "title",
        parent=_BODY,
        fontName=FONT_BOLD,
        fontSize=13,
        leading=17,
        alignment=TA_CENTER,
        spaceBefore=4,
    ),
    "section": ParagraphStyle("section", parent=_BODY, fontName=FONT_BOLD, spaceBefore=4),
    "numbered": ParagraphStyle("numbered", parent=_BODY, spaceBefore=4),
    "cell": ParagraphStyle("cell", parent=_BODY, fontSize=9, leading=11, alignment=TA_LEFT),
    "caption": ParagraphStyle(
        "caption", parent=_BODY, fontSize=7.5, leading=9, alignment=TA_CENTER
    ),
    "small": ParagraphStyle("small", parent=_BODY, fontSize=9, leading=11.5, alignment=TA_LEFT),
}


def _department_parent() -> str:
    return _("ỦY BAN NHÂN DÂN TỈNH SƠN LA")


def _department() -> str:
    return _("SỞ KHOA HỌC VÀ CÔNG NGHỆ")


def _department_name() -> str:
    return _("Sở Khoa học và Công nghệ")


def _place() -> str:
    return _("Sơn La")


def _line() -> HRFlowable:
    return HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4)


@dataclass(frozen=True)
class Signer:
    """A signature block: the position line(s), then room to sign, then the name."""

    title: str
    name: str = ""
    note: str = ""


class _Sheet:
    """One A4 administrative document: header, title, body, signatures, footer."""

    def __init__(self, *, code: str, day: date | None, number: str = "", watermark: str = ""):
        register_fonts()
        self.code = code
        self.watermark = watermark
        self.story: list[Flowable] = [self._header(number, day or timezone.localdate())]

    # header and title
    def _header(self, number: str, day: date) -> Table:
        head = STYLES["head"]
        left = [
            Paragraph(_text(_department_parent()), head),
            Paragraph(f"<b>{_text(_department())}</b>", head),
            _line(),
        ]
        if number:
            left.append(Paragraph(_text(_("Số: %(n)s") % {"n": number}), head))
        right = [
            Paragraph(f"<b>{_text(_('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'))}</b>", head),
            Paragraph(f"<b>{_text(_('Độc lập - Tự do - Hạnh phúc'))}</b>", head),
            _line(),
            Paragraph(_text(f"{_place()}, {format_long_date(day)}"), head),
        ]
        table = Table([[left, right]], colWidths=[68 * mm, FRAME_WIDTH - 68 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def title(self, text: str, *subtitles: str) -> _Sheet:
        self.story.append(Spacer(1, 4 * mm))
        self.story.append(Paragraph(_text(text), STYLES["title"]))
        for line in subtitles:
            self.story.append(Paragraph(f"<b>{_text(line)}</b>", STYLES["center"]))
        self.story.append(Spacer(1, 3 * mm))
        return self

    # body
    def para(self, text: str, style: str = "body") -> _Sheet:
        self.story.append(Paragraph(_text(text), STYLES[style]))
        return self

    def field(self, label: str, value, style: str = "body") -> _Sheet:
        self.story.append(Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", STYLES[style]))
        return self

    def fields(self, pairs: Iterable[tuple[str, str]]) -> _Sheet:
        for label, value in pairs:
            self.field(label, value)
        return self

    def fields_beside(
        self, pairs: Sequence[tuple[str, str]], box: Flowable, *, box_left: bool = False
    ) -> _Sheet:
        """Label–value lines (empty values left out) with a box beside them: the
        holder's photo on the left, the receipt's QR code on the right."""
        lines = [
            Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", STYLES["body"])
            for label, value in pairs
            if value
        ]
        box_width = box.wrap(FRAME_WIDTH, PAGE_HEIGHT)[0] + 4 * mm
        cells, widths = [lines, box], [FRAME_WIDTH - box_width, box_width]
        if box_left:
            cells, widths = cells[::-1], widths[::-1]
        table = Table([cells], colWidths=widths)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    # the box sits on the outer edge, 4 mm away from the text
                    ("ALIGN", (0, 0), (0, 0), "LEFT"),
                    ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
                ]
            )
        )
        self.story += [Spacer(1, 1 * mm), table, Spacer(1, 1 * mm)]
        return self

    @staticmethod
    def boxed(content: Sequence[Flowable] | Flowable, width: float, height: float) -> Table:
        """A ruled box of a fixed size with `content` centred in it."""
        box = Table([[content]], colWidths=[width], rowHeights=[height])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return box

    def section(self, text: str) -> _Sheet:
        return self.para(text, "section")

    def items(self, lines: Iterable[str]) -> _Sheet:
        for i, line in enumerate(lines, start=1):
            self.story.append(Paragraph(f"{i}. {_text(line)}", STYLES["item"]))
        return self

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence],
        widths: Sequence[float],
        *,
        total: Sequence | None = None,
    ) -> _Sheet:
        """A ruled table with a shaded head row; `widths` are fractions of the text
        width; a `total` row spans its label over every column but the last."""
        cell = STYLES["cell"]
        data = [[Paragraph(f"<b>{_text(h)}</b>", cell) for h in head]]
        data += [[Paragraph(_text(v), cell) for v in row] for row in rows]
        if total is not None:
            data.append([Paragraph(f"<b>{_text(v)}</b>", cell) for v in total])
        table = Table(data, colWidths=[w * FRAME_WIDTH for w in widths], repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
        ]
        if total is not None:
            style.append(("SPAN", (0, -1), (-2, -1)))
        table.setStyle(TableStyle(style))
        self.story += [Spacer(1, 2 * mm), table, Spacer(1, 2 * mm)]
        return self

    def signatures(
        self, left: Signer | None, right: Signer, *, recipients: Sequence[str] = ()
    ) -> _Sheet:
        """Signature blocks side by side; an agency letter puts its 'Nơi nhận' list
        (recipients) on the left instead."""

        def block(signer: Signer | None) -> list[Flowable]:
            if signer is None:
                return []
            out = [Paragraph(f"<b>{_text(signer.title)}</b>", STYLES["center"])]
            if signer.note:
                out.append(Paragraph(_text(signer.note), STYLES["head"]))
            out += [Spacer(1, 13 * mm), Paragraph(f"<b>{_text(signer.name)}</b>", STYLES["center"])]
            return out

        left_cell = block(left)
        if recipients:
            left_cell = [Paragraph(f"<b>{_text(_('Nơi nhận:'))}</b>", STYLES["small"])]
            left_cell += [Paragraph(f"- {_text(line)}", STYLES["small"]) for line in recipients]
        half = FRAME_WIDTH / 2
        table = Table([[left_cell, block(right)]], colWidths=[half, half])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.story += [Spacer(1, 3 * mm), KeepTogether(table)]
        return self

    # output
    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        if self.watermark:
            width = pdfmetrics.stringWidth(self.watermark, FONT_BOLD, 1)
            size = min(64.0, 0.8 * PAGE_WIDTH / max(1.0, width))
            canvas.setFont(FONT_BOLD, size)
            canvas.setFillColor(colors.Color(0.82, 0.82, 0.82))
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, self.watermark)
            canvas.rotate(-35)
            canvas.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canvas.drawCentredString(
            PAGE_WIDTH / 2,
            10 * mm,
            _("Mã hồ sơ: %(code)s — trang %(page)s") % {"code": self.code, "page": doc.page},
        )
        canvas.restoreState()

    def render(self, title: str) -> bytes:
        buffer = BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=f"{title} — {self.code}",
            author=f"{_department()} — {_department_parent()}",
            subject=self.code,
            creator="motcua",
            **MARGINS,
        )
        doc.build(self.story, onFirstPage=self._decorate, onLaterPages=self._decorate)
        return buffer.getvalue()


def _in_vietnamese(render: Callable[..., bytes]) -> Callable[..., bytes]:
    @wraps(render)
    def wrapper(*args, **kwargs):
        with translation.override(DOCUMENT_LANGUAGE):
            return render(*args, **kwargs)

    return wrapper


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


def _sign_note() -> str:
    return _("(Ký và ghi rõ họ tên)")


def _agency_signer(user) -> Signer:
    # The user model has no position field, so the block names the agency that signs.
    return Signer(_department(), _person(user))


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
    """The appointment date once the fee is paid (the clock runs from the payment);
    before that, the rule."""
    rule = dossier.procedure_version.rule("result")
    clock = dossier.result_clock
    if dossier.fee_paid_on and clock is not None:
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
    sheet.field(
        _("3. Thời gian giải quyết hồ sơ theo quy định"),
        _("%(n)s %(unit)s kể từ ngày nhận đủ hồ sơ hợp lệ và phí thẩm định (%(basis)s)")
        % {"n": rule.amount, "unit": rule.get_unit_display(), "basis": rule.legal_basis},
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
    what = (
        _("chứng chỉ nhân viên bức xạ")
        if dossier.kind == DossierKind.CERTIFICATE
        else _("giấy phép tiến hành công việc bức xạ")
    )
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


_NAME = re.compile(r"^(?P<kind>tiep-nhan|tu-choi|giay-phep|bo-sung|xin-loi)(?:-(?P<n>\d{1,9}))?$")


def generated_document(dossier: Dossier, name: str, *, preview: bool = False) -> GeneratedDocument:
    """The document called `name` in the URL (`tiep-nhan`, `bo-sung-<n>`, `tu-choi`,
    `xin-loi-<id>`, `giay-phep`). `preview` (staff) also opens draft and void apology
    slips. Raise `DocumentUnavailable` if there is no such document for the dossier."""
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
    else:
        permit = (
            Permit.objects.filter(dossier=dossier).select_related("previous", "signed_by").first()
        )
        if permit is None:
            raise DocumentUnavailable(name)
        permit.dossier = dossier  # already loaded, with its procedure
        content = permit_pdf(permit)
    return GeneratedDocument(filename=f"{name}-{dossier.code}.pdf", content=content)
