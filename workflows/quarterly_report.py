"""The quarterly report (báo cáo quý), drafted from the data.

`quarterly_report(quarter)` collects the figure sentences every procedure registered in
`workflows.registry.report_figures` for the quarter and lays them out in the structure
of the department's report (seed/bao-cao-khcn-quy-I-2024.txt): the title, the opening
"Căn cứ…", I. the results field by field, II. the general assessment, III. the next
quarter's tasks, the closing and the signature block. What the records cannot say —
the narrative of each field, the assessment, who signs — is left as marked placeholders
("[Văn phòng bổ sung: …]") for the office to write. No sentence is typed by hand: each
figure is counted from records and keeps them (`ReportFigure.records`).

`report_docx(report)` writes it as a Word document (python-docx) in the layout of an
administrative document (Decree 30/2020/NĐ-CP): A4, Times New Roman, margins 20/20/30/15
mm, the national motto and the agency, the number and date line, placeholders
highlighted in yellow.
"""

from __future__ import annotations

import inspect
import io
import logging
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from . import registry
from .periods import Quarter
from .reporting import SECTIONS, ReportFigure

log = logging.getLogger(__name__)

PLACEHOLDER_OPEN = "[Văn phòng bổ sung: "


def placeholder(hint: str) -> str:
    """A part the office writes: "[Văn phòng bổ sung: …]"."""
    return f"{PLACEHOLDER_OPEN}{hint}]"


@dataclass(frozen=True)
class FieldSpec:
    """A numbered field of the report: its number, title, the section keys whose figures
    it shows, what the office adds there, and its sub-fields."""

    number: str
    title: str
    sections: tuple[str, ...] = ()
    hint: str = ""
    children: tuple[FieldSpec, ...] = ()


def _results_layout() -> tuple[FieldSpec, ...]:
    other = _("các kết quả khác của lĩnh vực trong quý")
    return (
        FieldSpec("1", _("Công tác Quản lý, thực hiện các nhiệm vụ KH&CN"), ("tasks",), other),
        FieldSpec(
            "2",
            _("Công tác Quản lý công nghệ và chuyên ngành"),
            ("radiation", "technology"),
            _("ý kiến về công nghệ đối với các dự án đầu tư; các kết quả khác của lĩnh vực"),
        ),
        FieldSpec("3", _("Công tác Quản lý khoa học và công nghệ cấp huyện"), (), other),
        FieldSpec(
            "4",
            _("Công tác Thanh tra KH&CN và giải quyết đơn thư"),
            ("inspection",),
            _("tiếp công dân, đơn thư; pháp chế; phòng chống tham nhũng, tiêu cực"),
        ),
        FieldSpec("5", _("Công tác Quản lý tiêu chuẩn đo lường chất lượng"), ("standards",), other),
        FieldSpec(
            "6",
            _("Hoạt động Kỹ thuật tiêu chuẩn đo lường chất lượng"),
            (),
            _("số mẫu thử nghiệm, số phương tiện đo kiểm định; các kết quả khác"),
        ),
        FieldSpec(
            "7",
            _("Hoạt động Hỗ trợ khởi nghiệp đổi mới sáng tạo"),
            children=(
                FieldSpec(
                    "7.1",
                    _("Công tác Thông tin KHCN, tin học và thống kê KHCN"),
                    ("registration",),
                    _("tin, bài, văn bản đăng tải; tuyên truyền; thống kê"),
                ),
                FieldSpec("7.2", _("Công tác Ứng dụng KH&CN"), (), other),
                FieldSpec("7.3", _("Công tác Hỗ trợ khởi nghiệp đổi mới sáng tạo"), (), other),
            ),
        ),
        FieldSpec("8", _("Công tác Văn phòng, cải cách hành chính và công tác khác"), (), other),
    )


def _plan_layout() -> tuple[FieldSpec, ...]:
    hint = _("các nhiệm vụ trọng tâm khác của lĩnh vực")
    return (
        FieldSpec("1", _("Công tác Quản lý, thực hiện các nhiệm vụ KH&CN"), ("plan",), hint),
        FieldSpec("2", _("Công tác Quản lý công nghệ và chuyên ngành"), ("plan_technology",), hint),
        FieldSpec("3", _("Công tác Quản lý khoa học và công nghệ cấp huyện"), (), hint),
        FieldSpec(
            "4", _("Công tác Thanh tra KH&CN và giải quyết đơn thư"), ("plan_inspection",), hint
        ),
        FieldSpec("5", _("Công tác Quản lý tiêu chuẩn đo lường chất lượng"), (), hint),
        FieldSpec("6", _("Hoạt động Trung tâm kỹ thuật tiêu chuẩn đo lường chất lượng"), (), hint),
        FieldSpec("7", _("Hoạt động Trung tâm Hỗ trợ khởi nghiệp đổi mới sáng tạo"), (), hint),
        FieldSpec("8", _("Công tác Văn phòng, cải cách hành chính và công tác khác"), (), hint),
    )


# --- the report as data ------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """A line of the report: a generated figure (`figure` is its number, from 1) or a
    placeholder for the office."""

    text: str
    figure: int | None = None
    records: int = 0

    @property
    def is_placeholder(self) -> bool:
        return self.figure is None


@dataclass
class Field:
    number: str
    title: str
    items: list[Item] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)


@dataclass
class QuarterlyReport:
    quarter: Quarter
    as_of: date
    figures: list[ReportFigure]
    results: list[Field]
    assessment: list[Item]
    plan: list[Field]
    errors: list[str] = field(default_factory=list)

    @property
    def next_quarter(self) -> Quarter:
        return self.quarter.next()

    @property
    def title_lines(self) -> tuple[str, str, str]:
        return (
            _("BÁO CÁO"),
            _("Kết quả hoạt động khoa học và công nghệ %(q)s") % {"q": self.quarter.label},
            _("và nhiệm vụ trọng tâm công tác %(q)s") % {"q": self.next_quarter.label},
        )

    @property
    def opening(self) -> str:
        return _(
            "Căn cứ kế hoạch hoạt động quản lý khoa học và công nghệ năm %(year)s; căn cứ "
            "tình hình triển khai thực hiện nhiệm vụ, Sở Khoa học và Công nghệ báo cáo kết "
            "quả công tác Quý %(q)s và nhiệm vụ trọng tâm công tác Quý %(next)s năm "
            "%(next_year)s với các nội dung sau:"
        ) % {
            "year": self.quarter.year,
            "q": self.quarter.roman,
            "next": self.next_quarter.roman,
            "next_year": self.next_quarter.year,
        }

    @property
    def headings(self) -> tuple[str, str, str]:
        return (
            _("I. KẾT QUẢ CỤ THỂ TRÊN TỪNG LĨNH VỰC"),
            _("II. ĐÁNH GIÁ CHUNG"),
            _("III. NHIỆM VỤ TRỌNG TÂM CÔNG TÁC QUÝ %(q)s NĂM %(y)s")
            % {"q": self.next_quarter.roman, "y": self.next_quarter.year},
        )

    @property
    def assessment_intro(self) -> str:
        return _(
            "Hoạt động quản lý KH&CN %(q)s %(placeholder)s, một số nhiệm vụ trọng tâm như sau:"
        ) % {
            "q": self.quarter.label,
            "placeholder": placeholder(_("đánh giá chung về tiến độ và chất lượng")),
        }

    @property
    def closing(self) -> str:
        return _(
            "Trên đây là kết quả hoạt động khoa học và công nghệ %(q)s và nhiệm vụ trọng tâm "
            "công tác %(next)s. Sở Khoa học và Công nghệ trân trọng báo cáo./."
        ) % {"q": self.quarter.label, "next": self.next_quarter.label}

    def figure(self, number: int) -> ReportFigure | None:
        return self.figures[number - 1] if 1 <= number <= len(self.figures) else None

    def lines(self) -> list[str]:
        """The report's text, line by line (what the Word file says, without layout)."""
        out = [*self.title_lines, self.opening, self.headings[0]]
        for f in self.results:
            out += _field_lines(f)
        out += [self.headings[1], self.assessment_intro]
        out += [f"{i}. {item.text}" for i, item in enumerate(self.assessment, start=1)]
        out.append(self.headings[2])
        for f in self.plan:
            out += _field_lines(f)
        out.append(self.closing)
        return out


def _field_lines(f: Field) -> list[str]:
    out = [f"{f.number}. {f.title}"]
    out += [f"- {item.text}" for item in f.items]
    for child in f.children:
        out += _field_lines(child)
    return out


# --- collecting the figures --------------------------------------------------------------
def _accepts_as_of(builder) -> bool:
    try:
        params = inspect.signature(builder).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "as_of" or p.kind is p.VAR_KEYWORD for p in params)


def collect_figures(quarter: Quarter, *, as_of: date | None = None):
    """Every registered builder's figures for the quarter, and the errors of the builders
    that failed (logged; the report shows them rather than a figure made up)."""
    figures, errors = [], []
    for builder in registry.report_figures:
        kwargs = {"start": quarter.start, "end": quarter.end}
        if as_of is not None and _accepts_as_of(builder):
            kwargs["as_of"] = as_of
        try:
            figures += list(builder(**kwargs))
        except Exception as exc:  # one procedure's failure must not lose the others
            log.exception("report figures of %s failed", getattr(builder, "__qualname__", builder))
            errors.append(f"{getattr(builder, '__module__', '?')}: {type(exc).__name__}: {exc}")
    rank = {key: i for i, key in enumerate(SECTIONS)}
    figures.sort(key=lambda f: (rank.get(f.section, len(rank)), f.order, f.text))
    return figures, errors


class _Placer:
    """Hands out the figures of each section in reading order, numbering them from 1
    as they are placed (the preview's links follow the numbers)."""

    def __init__(self, figures: list[ReportFigure]):
        self.pending: dict[str, list[ReportFigure]] = {}
        for fig in figures:
            self.pending.setdefault(fig.section, []).append(fig)
        self.placed: list[ReportFigure] = []

    def take(self, key: str) -> list[Item]:
        items = []
        for fig in self.pending.pop(key, []):
            self.placed.append(fig)
            items.append(Item(fig.text, figure=len(self.placed), records=len(fig.records)))
        return items

    def rest(self) -> list[Item]:
        return [item for key in list(self.pending) for item in self.take(key)]


def _build_fields(specs, placer: _Placer) -> list[Field]:
    fields = []
    for spec in specs:
        f = Field(spec.number, spec.title)
        for key in spec.sections:
            f.items += placer.take(key)
        if spec.hint or not spec.children:
            f.items.append(Item(placeholder(spec.hint or _("nội dung của lĩnh vực"))))
        f.children = _build_fields(spec.children, placer)
        fields.append(f)
    return fields


def quarterly_report(quarter: Quarter, *, as_of: date | None = None) -> QuarterlyReport:
    """The report of `quarter`; "đến thời điểm báo cáo" is `as_of` (default: the
    quarter's last day)."""
    figures, errors = collect_figures(quarter, as_of=as_of)
    placer = _Placer(figures)
    results = _build_fields(_results_layout(), placer)
    assessment = placer.take("directives") or [
        Item(placeholder(_("số nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao và kết quả thực hiện")))
    ]
    assessment += placer.take("highlights")
    plan_keys = {key for spec in _plan_layout() for key in spec.sections}
    # a section no field names (a procedure added later): among the highlights
    assessment += [
        item for key in list(placer.pending) if key not in plan_keys for item in placer.take(key)
    ]
    assessment.append(Item(placeholder(_("các nhiệm vụ trọng tâm khác đã hoàn thành trong quý"))))
    plan = _build_fields(_plan_layout(), placer)
    return QuarterlyReport(
        quarter=quarter,
        as_of=as_of or quarter.end,
        figures=placer.placed,
        results=results,
        assessment=assessment,
        plan=plan,
        errors=errors,
    )


# --- the Word document -------------------------------------------------------------------
FONT = "Times New Roman"


def _font(run, *, size=None, bold=None, italic=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _add_text(paragraph, text: str, **style):
    """Text with its placeholders as highlighted runs."""
    from docx.enum.text import WD_COLOR_INDEX

    rest = text
    while PLACEHOLDER_OPEN in rest:
        before, _sep, after = rest.partition(PLACEHOLDER_OPEN)
        inside, _close, rest = after.partition("]")
        if before:
            _font(paragraph.add_run(before), **style)
        run = _font(paragraph.add_run(f"{PLACEHOLDER_OPEN}{inside}]"), **style)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        run.italic = True
    if rest:
        _font(paragraph.add_run(rest), **style)
    return paragraph


def _paragraph(doc, text: str = "", *, align=None, indent=True, size=14, **style):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    fmt.first_line_indent = Cm(1.27) if indent else None
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    if text:
        _add_text(p, text, size=size, **style)
    return p


def _header(doc, report: QuarterlyReport) -> None:
    """The header of Decree 30/2020: the agency (left), the national motto (right); the
    number, the place and date."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from .onestop.documents import department, department_parent, place

    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(6.5), Cm(9.5))
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER

    def line(cell, text, *, first=False, **style):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        p.paragraph_format.alignment = center
        p.paragraph_format.space_after = Pt(0)
        _add_text(p, text, **style)

    line(left, department_parent(), first=True, size=13)
    line(left, department(), size=13, bold=True)
    line(left, "―――――", size=13)
    line(left, _("Số: %(n)s/BC-SKHCN") % {"n": placeholder(_("số"))}, size=13)
    line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), first=True, size=13, bold=True)
    line(right, _("Độc lập - Tự do - Hạnh phúc"), size=14, bold=True)
    line(right, "――――――――――", size=13)
    line(
        right,
        _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s")
        % {
            "place": place(),
            "d": placeholder(_("ngày")),
            "m": placeholder(_("tháng")),
            "y": report.next_quarter.year if report.quarter.number == 4 else report.quarter.year,
        },
        size=14,
        italic=True,
    )


def _fields(doc, fields: list[Field]) -> None:
    for f in fields:
        _paragraph(doc, f"{f.number}. {f.title}", bold=True)
        for item in f.items:
            _paragraph(doc, f"- {item.text}")
        _fields(doc, f.children)


def report_docx(report: QuarterlyReport) -> bytes:
    """The report as a .docx file."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT
    )
    doc.core_properties.title = " ".join(report.title_lines)
    doc.core_properties.language = "vi-VN"

    _header(doc, report)
    center = WD_ALIGN_PARAGRAPH.CENTER
    title, line1, line2 = report.title_lines
    _paragraph(doc, "", indent=False)
    _paragraph(doc, title, align=center, indent=False, bold=True)
    _paragraph(doc, line1, align=center, indent=False, bold=True)
    _paragraph(doc, line2, align=center, indent=False, bold=True)
    _paragraph(doc, report.opening)
    results, assessment, plan = report.headings
    _paragraph(doc, results, bold=True)
    _fields(doc, report.results)
    _paragraph(doc, assessment, bold=True)
    _paragraph(doc, report.assessment_intro)
    for i, item in enumerate(report.assessment, start=1):
        _paragraph(doc, f"{i}. {item.text}")
    _paragraph(doc, plan, bold=True)
    _fields(doc, report.plan)
    _paragraph(doc, report.closing)
    _signature(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signature(doc) -> None:
    """Nơi nhận (left, 12 pt) and the signer (right), Decree 30's last block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)

    def line(cell, text, *, first=False, align=WD_ALIGN_PARAGRAPH.LEFT, **style):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        p.paragraph_format.alignment = align
        p.paragraph_format.space_after = Pt(0)
        _add_text(p, text, **style)

    line(left, _("Nơi nhận:"), first=True, size=12, bold=True, italic=True)
    line(left, "- " + placeholder(_("các cơ quan nhận báo cáo")) + ";", size=11)
    line(left, _("- Lưu: VT, VP."), size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    line(right, _("KT. GIÁM ĐỐC"), first=True, align=center, size=14, bold=True)
    line(right, _("PHÓ GIÁM ĐỐC"), align=center, size=14, bold=True)
    for _i in range(3):
        line(right, "", align=center, size=14)
    line(
        right,
        placeholder(_("chữ ký, họ và tên người ký")),
        align=center,
        size=14,
        bold=True,
    )


def docx_text(data: bytes) -> str:
    """The text of a .docx file in reading order, a line per paragraph (table cells left
    to right), for the tests and checks."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    lines = []
    for block in doc.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append(Paragraph(block, doc).text)
        elif block.tag.endswith("}tbl"):
            for row in Table(block, doc).rows:
                for cell in row.cells:
                    lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)
