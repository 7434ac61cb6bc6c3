"""The documents of the penalty procedure, as PDF in Vietnamese (reportlab, DejaVu Sans):
the violation record, the penalty decision, the reminder letter, the instalment and
postponement decisions, and the enforcement decision. Each is rendered on demand from
the case's rows; nothing here changes data. All share one layout: the two-column
national header, the title, the body, the signature block.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workflows.selectors import procedure_version

from .models import PenaltyCase, Relief, Signer
from .selectors import case_money, cases_with_money

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
_lock = threading.Lock()
DEPARTMENT = "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH SƠN LA"
INSPECTORATE = "THANH TRA SỞ"
PLACE = "Sơn La"


class DocumentUnavailable(Exception):
    """The document does not exist (yet) for this case."""


def _fonts() -> None:
    if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(getattr(settings, "PDF_FONT_DIR", None) or "/usr/share/fonts/truetype/dejavu")
    with _lock:
        if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
            return
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "……"


def long_date(value: date) -> str:
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@dataclass
class _Sheet:
    title: str
    number: str
    on: date
    lines: list
    signer_title: str
    signer_name: str

    def render(self) -> bytes:
        _fonts()
        base = ParagraphStyle("b", fontName=FONT, fontSize=11, leading=15, alignment=TA_JUSTIFY)
        center = ParagraphStyle("c", parent=base, alignment=TA_CENTER)
        bold_c = ParagraphStyle("bc", parent=center, fontName=FONT_BOLD)
        title = ParagraphStyle("t", parent=bold_c, fontSize=14, leading=18, spaceBefore=8)
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=25 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=self.title,
        )
        head = Table(
            [
                [
                    Paragraph(f"{DEPARTMENT}<br/><b>{INSPECTORATE}</b>", center),
                    Paragraph(
                        "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br/>Độc lập - Tự do - Hạnh phúc",
                        center,
                    ),
                ],
                [
                    Paragraph(f"Số: {escape(self.number)}", center),
                    Paragraph(f"<i>{PLACE}, {long_date(self.on)}</i>", center),
                ],
            ],
            colWidths=[75 * mm, 92 * mm],
        )
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story = [head, Spacer(1, 6 * mm), Paragraph(escape(self.title), title), Spacer(1, 4 * mm)]
        for line in self.lines:
            story.append(Paragraph(line if line.startswith("<") else escape(line), base))
            story.append(Spacer(1, 1.5 * mm))
        story += [
            Spacer(1, 8 * mm),
            Table(
                [
                    [
                        "",
                        Paragraph(
                            f"<b>{escape(self.signer_title)}</b><br/><br/><br/><br/>"
                            f"{escape(self.signer_name)}",
                            center,
                        ),
                    ]
                ],
                colWidths=[80 * mm, 87 * mm],
            ),
        ]
        doc.build(story)
        return out.getvalue()


def _signer(case: PenaltyCase) -> tuple[str, str]:
    title = str(Signer(case.signer).label).upper() if case.signer else "NGƯỜI CÓ THẨM QUYỀN"
    name = case.decided_by.get_full_name() if case.decided_by else ""
    return title, name


def _violator(case: PenaltyCase) -> list[str]:
    who = "Tổ chức" if case.violator_is_organisation else "Cá nhân"
    rows = [f"{who} vi phạm: {case.violator_name}"]
    if case.violator_address:
        rows.append(f"Địa chỉ: {case.violator_address}")
    if case.violator_id_number:
        label = "Mã số doanh nghiệp" if case.violator_is_organisation else "Số định danh cá nhân"
        rows.append(f"{label}: {case.violator_id_number}")
    return rows


def record_pdf(case: PenaltyCase) -> bytes:
    inspector = case.inspector.get_full_name() if case.inspector else ""
    lines = [
        f"Hôm nay, {long_date(case.record_on)}, tại {PLACE}, người có thẩm quyền lập biên bản "
        f"là {inspector}, thanh tra viên {INSPECTORATE.title()}, lập biên bản vi phạm hành chính:",
        *_violator(case),
        f"Đã có hành vi vi phạm hành chính: {case.violation}",
        f"Quy định tại: {case.legal_article or '……'}",
        "Người vi phạm có quyền giải trình trong thời hạn 05 ngày làm việc kể từ ngày lập biên "
        "bản (Điều 61 Luật Xử lý vi phạm hành chính).",
        f"Thời hạn ra quyết định xử phạt: đến ngày {d(case.decision_due)}.",
    ]
    return _Sheet(
        "BIÊN BẢN VI PHẠM HÀNH CHÍNH",
        case.record_number,
        case.record_on,
        lines,
        "NGƯỜI LẬP BIÊN BẢN",
        inspector,
    ).render()


def decision_pdf(case: PenaltyCase) -> bytes:
    if not case.decision_number:
        raise DocumentUnavailable
    version = procedure_version(case.procedure_version_id)
    lines = [
        f"Căn cứ {version.legal_basis};",
        f"Căn cứ Biên bản vi phạm hành chính số {case.record_number} lập ngày {d(case.record_on)};",
        "QUYẾT ĐỊNH:",
        "Điều 1. Xử phạt vi phạm hành chính đối với:",
        *_violator(case),
        f"Hành vi vi phạm: {case.violation}",
        f"Hình thức xử phạt: phạt tiền {vnd(case.amount)}.",
        f"Điều 2. Nộp tiền phạt trong thời hạn {case.payment_days} ngày kể từ ngày nhận được "
        f"quyết định, tại {version.param('treasury_account', 'Kho bạc Nhà nước')}. Quá thời hạn "
        "mà không nộp thì bị cưỡng chế thi hành và phải nộp tiền chậm nộp 0,05% mỗi ngày trên "
        "số tiền phạt chưa nộp.",
        f"Điều 3. Quyết định có hiệu lực kể từ ngày ký. Mã tra cứu số tiền phải nộp: "
        f"{case.lookup_key} (tại /tra-cuu/xu-phat/).",
    ]
    title, name = _signer(case)
    return _Sheet(
        "QUYẾT ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH",
        case.decision_number,
        case.decided_on,
        lines,
        title,
        name,
    ).render()


def reminder_pdf(case: PenaltyCase) -> bytes:
    if not case.reminder_sent_on:
        raise DocumentUnavailable
    money = case_money(case, on=case.reminder_sent_on)
    lines = [
        f"Kính gửi: {case.violator_name}",
        f"Ngày {d(case.decided_on)}, {INSPECTORATE.title()} đã ban hành Quyết định xử phạt vi phạm "
        f"hành chính số {case.decision_number}, phạt tiền {vnd(case.amount)}; hạn nộp là ngày "
        f"{d(case.payment_due)}.",
        f"Đến ngày {d(case.reminder_sent_on)}, số tiền phạt chưa nộp là "
        f"{vnd(money.principal_unpaid)}; tiền chậm nộp là {vnd(money.surcharge)}.",
        "Đề nghị tổ chức, cá nhân khẩn trương nộp tiền phạt và tiền chậm nộp; quá thời hạn sẽ bị "
        "cưỡng chế thi hành theo quy định.",
    ]
    title, name = _signer(case)
    return _Sheet(
        "VĂN BẢN ĐÔN ĐỐC THI HÀNH QUYẾT ĐỊNH XỬ PHẠT",
        f"{case.decision_number}-ĐĐ",
        case.reminder_sent_on,
        lines,
        title,
        name,
    ).render()


def _relief_pdf(case: PenaltyCase, kind: str) -> bytes:
    relief = next((r for r in case.reliefs.all() if r.kind == kind), None)
    if relief is None:
        raise DocumentUnavailable
    if kind == Relief.Kind.INSTALMENTS:
        title = "QUYẾT ĐỊNH VỀ VIỆC NỘP TIỀN PHẠT NHIỀU LẦN"
        body = [
            f"Lần {i['n']}: {vnd(int(i['amount']))}, hạn {d(date.fromisoformat(i['due']))}"
            for i in relief.schedule
        ]
    else:
        title = "QUYẾT ĐỊNH VỀ VIỆC HOÃN THI HÀNH QUYẾT ĐỊNH PHẠT TIỀN"
        body = [f"Thời gian hoãn: từ {d(relief.starts_on)} đến {d(relief.ends_on)}."]
    verdict = "chấp thuận" if relief.state == Relief.State.APPROVED else "không chấp thuận"
    lines = [
        f"Xét đề nghị ngày {d(relief.requested_on)} của {case.violator_name} đối với Quyết định "
        f"xử phạt số {case.decision_number} (phạt tiền {vnd(case.amount)}).",
        f"QUYẾT ĐỊNH: {verdict} đề nghị.",
        *body,
        *([f"Lý do: {relief.reason}"] if relief.reason else []),
    ]
    title_s, name = _signer(case)
    return _Sheet(
        title,
        relief.number or f"{case.decision_number}-TL",
        relief.decided_on,
        lines,
        title_s,
        name,
    ).render()


def enforcement_pdf(case: PenaltyCase) -> bytes:
    from .services import ENFORCEMENT_MEASURES

    if not case.enforcement_number:
        raise DocumentUnavailable

    version = procedure_version(case.procedure_version_id)
    money = case_money(case, on=case.enforcement_on)
    lines = [
        f"Căn cứ {version.param('enforcement_basis', '')};",
        f"Căn cứ Quyết định xử phạt vi phạm hành chính số {case.decision_number} ngày "
        f"{d(case.decided_on)}; tổ chức, cá nhân bị xử phạt không tự nguyện chấp hành.",
        "QUYẾT ĐỊNH: Cưỡng chế thi hành quyết định xử phạt đối với:",
        *_violator(case),
        f"Biện pháp cưỡng chế: {ENFORCEMENT_MEASURES[case.enforcement_measure]}.",
        f"Số tiền phải thu: {vnd(money.principal_unpaid)} tiền phạt và {vnd(money.surcharge)} "
        "tiền chậm nộp.",
    ]
    title, name = _signer(case)
    return _Sheet(
        "QUYẾT ĐỊNH CƯỠNG CHẾ THI HÀNH QUYẾT ĐỊNH XỬ PHẠT",
        case.enforcement_number,
        case.enforcement_on,
        lines,
        title,
        name,
    ).render()


DOCUMENTS = {
    "bien-ban": ("Biên bản vi phạm hành chính", record_pdf),
    "quyet-dinh": ("Quyết định xử phạt", decision_pdf),
    "don-doc": ("Văn bản đôn đốc", reminder_pdf),
    "nop-nhieu-lan": (
        "Quyết định nộp phạt nhiều lần",
        lambda c: _relief_pdf(c, Relief.Kind.INSTALMENTS),
    ),
    "hoan-thi-hanh": (
        "Quyết định hoãn thi hành",
        lambda c: _relief_pdf(c, Relief.Kind.POSTPONEMENT),
    ),
    "cuong-che": ("Quyết định cưỡng chế", enforcement_pdf),
}


def available(case: PenaltyCase) -> list[tuple[str, str]]:
    """The (slug, label) of the documents this case has."""
    kinds = {r.kind for r in case.reliefs.all()}
    have = {
        "bien-ban": True,
        "quyet-dinh": bool(case.decision_number),
        "don-doc": bool(case.reminder_sent_on),
        "nop-nhieu-lan": Relief.Kind.INSTALMENTS in kinds,
        "hoan-thi-hanh": Relief.Kind.POSTPONEMENT in kinds,
        "cuong-che": bool(case.enforcement_number),
    }
    return [(slug, label) for slug, (label, _fn) in DOCUMENTS.items() if have[slug]]


def render(case_pk: int, slug: str) -> bytes:
    if slug not in DOCUMENTS:
        raise DocumentUnavailable
    case = cases_with_money().select_related("decided_by").get(pk=case_pk)
    return DOCUMENTS[slug][1](case)
