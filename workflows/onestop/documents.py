"""The A4 administrative document of the one-stop envelope, as PDF (reportlab).

The layout every one-stop form and result is drawn with — the two-column national
header, the title, the body, the signature blocks, the page footer with the dossier
code — in DejaVu Sans (every Vietnamese letter, precomposed). Mẫu 01–04 of the desk and
each procedure's result document (a permit, a certificate) build a `Sheet`; statutory
forms are rendered in Vietnamese whatever the reader's language (`in_vietnamese`).
Nothing here reads or changes data.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from io import BytesIO
from pathlib import Path
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


def qr_code(value: str, size: float = 26 * mm) -> Drawing:
    """A QR code drawing of `value`, `size` points square (the widget is its only
    content)."""
    widget = QrCodeWidget(value, barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def markup(value) -> str:
    """User data as safe paragraph markup: NFC (the font has no shaping for combining
    marks), XML-escaped, line breaks kept."""
    value = unicodedata.normalize("NFC", str(value or ""))
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


def person_name(user) -> str:
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


def department_parent() -> str:
    return _("ỦY BAN NHÂN DÂN TỈNH SƠN LA")


def department() -> str:
    return _("SỞ KHOA HỌC VÀ CÔNG NGHỆ")


def department_name() -> str:
    return _("Sở Khoa học và Công nghệ")


def place() -> str:
    return _("Sơn La")


def _line() -> HRFlowable:
    return HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4)


@dataclass(frozen=True)
class Signer:
    """A signature block: the position line(s), then room to sign, then the name."""

    title: str
    name: str = ""
    note: str = ""


class Sheet:
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
            Paragraph(markup(department_parent()), head),
            Paragraph(f"<b>{markup(department())}</b>", head),
            _line(),
        ]
        if number:
            left.append(Paragraph(markup(_("Số: %(n)s") % {"n": number}), head))
        right = [
            Paragraph(f"<b>{markup(_('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'))}</b>", head),
            Paragraph(f"<b>{markup(_('Độc lập - Tự do - Hạnh phúc'))}</b>", head),
            _line(),
            Paragraph(markup(f"{place()}, {format_long_date(day)}"), head),
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

    def title(self, text: str, *subtitles: str) -> Sheet:
        self.story.append(Spacer(1, 4 * mm))
        self.story.append(Paragraph(markup(text), STYLES["title"]))
        for line in subtitles:
            self.story.append(Paragraph(f"<b>{markup(line)}</b>", STYLES["center"]))
        self.story.append(Spacer(1, 3 * mm))
        return self

    # body
    def para(self, text: str, style: str = "body") -> Sheet:
        self.story.append(Paragraph(markup(text), STYLES[style]))
        return self

    def field(self, label: str, value, style: str = "body") -> Sheet:
        self.story.append(Paragraph(f"<b>{markup(label)}:</b> {markup(value)}", STYLES[style]))
        return self

    def fields(self, pairs: Iterable[tuple[str, str]]) -> Sheet:
        for label, value in pairs:
            self.field(label, value)
        return self

    def fields_beside(
        self, pairs: Sequence[tuple[str, str]], box: Flowable, *, box_left: bool = False
    ) -> Sheet:
        """Label–value lines (empty values left out) with a box beside them: the
        holder's photo on the left, the receipt's QR code on the right."""
        lines = [
            Paragraph(f"<b>{markup(label)}:</b> {markup(value)}", STYLES["body"])
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

    def section(self, text: str) -> Sheet:
        return self.para(text, "section")

    def items(self, lines: Iterable[str]) -> Sheet:
        for i, line in enumerate(lines, start=1):
            self.story.append(Paragraph(f"{i}. {markup(line)}", STYLES["item"]))
        return self

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence],
        widths: Sequence[float],
        *,
        total: Sequence | None = None,
    ) -> Sheet:
        """A ruled table with a shaded head row; `widths` are fractions of the text
        width; a `total` row spans its label over every column but the last."""
        cell = STYLES["cell"]
        data = [[Paragraph(f"<b>{markup(h)}</b>", cell) for h in head]]
        data += [[Paragraph(markup(v), cell) for v in row] for row in rows]
        if total is not None:
            data.append([Paragraph(f"<b>{markup(v)}</b>", cell) for v in total])
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
    ) -> Sheet:
        """Signature blocks side by side; an agency letter puts its 'Nơi nhận' list
        (recipients) on the left instead."""

        def block(signer: Signer | None) -> list[Flowable]:
            if signer is None:
                return []
            out = [Paragraph(f"<b>{markup(signer.title)}</b>", STYLES["center"])]
            if signer.note:
                out.append(Paragraph(markup(signer.note), STYLES["head"]))
            out += [
                Spacer(1, 13 * mm),
                Paragraph(f"<b>{markup(signer.name)}</b>", STYLES["center"]),
            ]
            return out

        left_cell = block(left)
        if recipients:
            left_cell = [Paragraph(f"<b>{markup(_('Nơi nhận:'))}</b>", STYLES["small"])]
            left_cell += [Paragraph(f"- {markup(line)}", STYLES["small"]) for line in recipients]
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
            author=f"{department()} — {department_parent()}",
            subject=self.code,
            creator="motcua",
            **MARGINS,
        )
        doc.build(self.story, onFirstPage=self._decorate, onLaterPages=self._decorate)
        return buffer.getvalue()


def in_vietnamese(render: Callable[..., bytes]) -> Callable[..., bytes]:
    @wraps(render)
    def wrapper(*args, **kwargs):
        with translation.override(DOCUMENT_LANGUAGE):
            return render(*args, **kwargs)

    return wrapper


def sign_note() -> str:
    return _("(Ký và ghi rõ họ tên)")


def agency_signer(user) -> Signer:
    # The user model has no position field, so the block names the agency that signs.
    return Signer(department(), person_name(user))
