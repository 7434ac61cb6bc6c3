"""The councils' and the S&T tasks' documents, as PDF in Vietnamese (reportlab, DejaVu Sans):

- the minutes of the meeting (Biên bản họp hội đồng), from the attendance snapshot, the
  tally and the conclusion;
- the vote-counting record (Biên bản kiểm phiếu), from the tally: every ballot, which
  were valid and why, the means and bonus, the ranking and the tie-break used;
- a task's call notice (Thông báo tuyển chọn) and its opening record (Biên bản mở hồ sơ,
  Biểu B2-1-BBHS of TT 20/2023), from the call and its applications.

Rendered on demand from the rows the services wrote; nothing here changes data. The
ballots appear only once the tally is published, or to the secretary and the board.
"""

from __future__ import annotations

import threading
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workflows.errors import ActionForbidden, DomainError

from . import access, rules
from .models import Council, Status

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
_lock = threading.Lock()
ROLE_LABELS = {
    "chair": "Chủ tịch",
    "vice_chair": "Phó Chủ tịch",
    "reviewer": "Ủy viên phản biện",
    "secretary": "Ủy viên thư ký khoa học",
    "member": "Ủy viên",
}
VOTE_LABELS = {
    "xuat_sac": "Xuất sắc",
    "dat": "Đạt",
    "khong_dat": "Không đạt",
    "dong_y": "Đồng ý",
    "khong_dong_y": "Không đồng ý",
}


def _fonts() -> None:
    if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(getattr(settings, "PDF_FONT_DIR", None) or "/usr/share/fonts/truetype/dejavu")
    with _lock:
        if FONT_BOLD not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
            )


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, spaceBefore=6),
    }


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…/…/……"


def _table(rows: list[list[str]], st, widths=None) -> Table:
    data = [[Paragraph(escape(str(c)), st["small"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _letterhead(st, *, number: str = "", place_date: str = "") -> Table:
    """The department's heading and the national motto; under them, when given, the
    document's number (left) and its place and date (right)."""
    left = "UBND TỈNH SƠN LA<br/><b>SỞ KHOA HỌC VÀ CÔNG NGHỆ</b>"
    right = "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br/>Độc lập - Tự do - Hạnh phúc"
    if number:
        left += f"<br/>Số: {escape(number)}"
    if place_date:
        right += f"<br/><i>{escape(place_date)}</i>"
    return Table(
        [[Paragraph(left, st["center"]), Paragraph(right, st["center"])]],
        colWidths=[70 * mm, 100 * mm],
    )


def _header(council: Council, title: str, st) -> list:
    return [
        _letterhead(st),
        Spacer(1, 8 * mm),
        Paragraph(title, st["title"]),
        Paragraph(escape(council.kind.name), st["center"]),
        Paragraph(f"<b>{escape(council.title)}</b>", st["center"]),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"Căn cứ Quyết định số {council.decision_number or '…'} ngày "
                f"{_d(council.decision_date)} về việc thành lập hội đồng; căn cứ "
                f"{council.kind.legal_basis}."
            ),
            st["body"],
        ),
        Paragraph(
            escape(
                f"Thời gian: ngày {_d(council.meeting_on)}. Địa điểm: "
                f"{council.meeting_place or 'Sở Khoa học và Công nghệ tỉnh Sơn La'}."
            ),
            st["body"],
        ),
    ]


def _render(story: list) -> bytes:
    _fonts()
    out = BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=18 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title="Biên bản", author="Sở Khoa học và Công nghệ",
    ).build(story)  # fmt: skip
    return out.getvalue()


def _latest(council: Council):
    return council.tallies.order_by("-number").first()


def _attendance(council: Council, st) -> list:
    a = council.attendances.order_by("-id").first()
    if a is None:
        return [Paragraph("Chưa điểm danh.", st["body"])]
    rows = [["TT", "Họ và tên", "Vai trò", "Có mặt", "Bỏ phiếu"]]
    for i, r in enumerate(a.rows, 1):
        rows.append(
            [str(i), r["name"], ROLE_LABELS.get(r["role"], r["role"]),
             "Có" if r["present"] else "Vắng", "Có" if r["votes"] else "Không"]
        )  # fmt: skip
    here = sum(1 for r in a.rows if r["present"])
    q = council.kind
    quorum = (
        f"Có mặt {here}/{len(a.rows)} thành viên; điều kiện họp "
        f"({q.quorum_numerator}/{q.quorum_denominator}, {q.quorum_basis}): "
        + ("đủ." if a.quorum_met else "không đủ — " + " ".join(a.problems))
    )
    if a.vice_chair_authorised:
        quorum += " Phó Chủ tịch chủ trì theo giấy ủy quyền của Chủ tịch."
    return [
        _table(rows, st, [10 * mm, 60 * mm, 45 * mm, 20 * mm, 22 * mm]),
        Paragraph(escape(quorum), st["body"]),
    ]


def _ballot_text(row: dict) -> str:
    if not row.get("paper_valid", True):
        return f"Không hợp lệ ({row.get('why', '')})"
    return ballot_label(row["values"])


def ballot_label(v: dict) -> str:
    """A ballot's content as people read it."""
    if v.get("invalid"):
        return f"Không hợp lệ ({v.get('why', '')})"
    if "vote" in v:
        return VOTE_LABELS.get(v["vote"], v["vote"])
    if "contents" in v:
        names = dict(rules.IDENTIFICATION_CONTENTS)
        return "; ".join(
            f"{names.get(k, k)}: {'Đạt' if x == 'dat' else 'Không đạt'}"
            for k, x in v["contents"].items()
        )
    if "points" in v:
        return f"{sum(v['points'].values())} điểm"
    return ""


def _tally_story(council: Council, tally, st) -> list:
    data = tally.data
    story = [Paragraph(escape(f"Kiểm phiếu lần {tally.number}"), st["h"])]
    if tally.reason:
        story.append(Paragraph(escape(f"Lý do kiểm phiếu lại: {tally.reason}"), st["body"]))
    form = data.get("form")
    if form == "none":
        story.append(Paragraph(escape(f"Kết luận: {data.get('conclusion', '')}"), st["body"]))
    elif form == "selection":
        story.append(Paragraph(escape(f"Quy tắc: {data.get('rule', '')}"), st["small"]))
        for a in data["applications"]:
            story.append(Paragraph(escape(a["title"]), st["h"]))
            rows = [["Thành viên", "Tổng điểm", "Hợp lệ"]]
            paper_rows = [r for r in a["ballot_rows"] if r["paper_valid"]]
            for r, total, ok in zip(paper_rows, a["totals"], a["valid"], strict=False):
                rows.append(
                    [r["member"], str(total), "Hợp lệ" if ok else "Không hợp lệ (lệch quá 20%)"]
                )
            for r in a["ballot_rows"]:
                if not r["paper_valid"]:
                    rows.append([r["member"], "—", f"Không hợp lệ ({r['why']})"])
            story.append(_table(rows, st, [80 * mm, 30 * mm, 60 * mm]))
            zero = ", ".join(a["zero_fail"]) or "không"
            story.append(
                Paragraph(
                    escape(
                        f"Điểm trung bình phiếu hợp lệ: {a['mean']}; điểm cộng (tổ chức đề xuất): "
                        f"{a['bonus']}; tổng: {a['total']}; điểm nội dung: {a['content_mean']}; "
                        f"tiêu chí quá 1/4 số thành viên có mặt cho 0 điểm: {zero}; "
                        f"{'đạt yêu cầu' if a['qualified'] else 'không đạt yêu cầu'}."
                    ),
                    st["body"],
                )
            )
        ranking = " > ".join(
            next(a["title"] for a in data["applications"] if a["id"] == i) for i in data["ranking"]
        )
        story.append(Paragraph(escape(f"Xếp hạng: {ranking or 'không có hồ sơ đạt'}."), st["body"]))
        if data.get("tie_break"):
            names = {"state_budget": "kinh phí ngân sách đề nghị ít hơn",
                     "past_excellent": "đã có nhiệm vụ xếp loại Xuất sắc",
                     "content": "điểm nội dung và phương án triển khai cao hơn"}  # fmt: skip
            story.append(
                Paragraph(escape(f"Ưu tiên khi bằng điểm: {names[data['tie_break']]}."), st["body"])
            )
    else:
        for s in data.get("subjects", []):
            story.append(Paragraph(escape(s["title"]), st["h"]))
            rows = [["Thành viên", "Vai trò", "Phiếu"]]
            for r in s["ballots"]:
                rows.append([r["member"], ROLE_LABELS.get(r["role"], r["role"]), _ballot_text(r)])
            story.append(_table(rows, st, [70 * mm, 40 * mm, 60 * mm]))
            counts = s.get("counts")
            summary = f"Số phiếu hợp lệ: {s['counted']}/{len(s['ballots'])}. "
            if counts:
                summary += (
                    f"Xuất sắc: {counts['xuat_sac']}; Đạt: {counts['dat']}; "
                    f"Không đạt: {counts['khong_dat']}. "
                )
                if s.get("dossier_late"):
                    summary += "Hồ sơ nộp chậm quá 06 tháng sau khi kết thúc hợp đồng. "
            if "dat" in s and not counts:
                summary += f"Đạt yêu cầu: {s['dat']}; Không đạt yêu cầu: {s['khong_dat']}. "
            if "dong_y" in s:
                summary += f"Đồng ý: {s['dong_y']}; Không đồng ý: {s['khong_dong_y']}. "
            summary += f"Quy tắc: {s['rule']}."
            story.append(Paragraph(escape(summary), st["body"]))
    story.append(Paragraph(escape(f"Kết quả: {tally.outcome_label}."), st["h"]))
    return story


def _board(council: Council, st) -> list:
    board = council.memberships.filter(on_board=True, removed_at__isnull=True).select_related(
        "expert"
    )
    names = [f"{m.expert}{' (Trưởng ban)' if m.board_chief else ''}" for m in board]
    return [
        Paragraph(escape("Ban kiểm phiếu: " + (", ".join(names) or "chưa bầu") + "."), st["body"])
    ]


def _signatures(left: str, right: str, st) -> Table:
    return Table(
        [[Paragraph(f"<b>{left}</b><br/><br/><br/><br/>", st["center"]),
          Paragraph(f"<b>{right}</b><br/><br/><br/><br/>", st["center"])]],
        colWidths=[85 * mm, 85 * mm],
    )  # fmt: skip


def _check(council: Council, user) -> None:
    if not access.sees_council(user, council):
        raise DomainError("not found", code="not_found")
    if council.status not in (Status.PUBLISHED, Status.CLOSED) and not access.reads_ballots(
        user, council
    ):
        raise ActionForbidden(
            "Biên bản có nội dung phiếu đánh giá: chỉ thư ký và ban kiểm phiếu được xem trước "
            "khi công bố kết quả.",
            code="ballots_sealed",
        )


def vote_count_pdf(council: Council) -> bytes:
    with translation.override("vi"):
        st = _styles()
        story = _header(council, "BIÊN BẢN KIỂM PHIẾU", st)
        story += _board(council, st)
        tally = _latest(council)
        if tally is None:
            story.append(Paragraph("Chưa kiểm phiếu.", st["body"]))
        else:
            story += _tally_story(council, tally, st)
            if tally.confirmed_at:
                story.append(
                    Paragraph(
                        escape(f"Ban kiểm phiếu xác nhận ngày {_d(tally.confirmed_at.date())}."),
                        st["body"],
                    )
                )
        story += [Spacer(1, 8 * mm), _signatures("TRƯỞNG BAN KIỂM PHIẾU", "CÁC THÀNH VIÊN", st)]
        return _render(story)


def minutes_pdf(council: Council) -> bytes:
    with translation.override("vi"):
        st = _styles()
        story = _header(council, "BIÊN BẢN HỌP HỘI ĐỒNG", st)
        story.append(Paragraph("I. Thành phần và điều kiện họp", st["h"]))
        story += _attendance(council, st)
        story.append(Paragraph("II. Đối tượng đánh giá", st["h"]))
        for s in council.subjects.order_by("position", "id"):
            parties = "; ".join(
                p for p in (
                    f"chủ nhiệm: {s.pi_name}" if s.pi_name else "",
                    f"tổ chức chủ trì: {s.host_organisation}" if s.host_organisation else "",
                ) if p
            )  # fmt: skip
            story.append(
                Paragraph(escape(f"- {s.title}" + (f" ({parties})" if parties else "")), st["body"])
            )
        if council.kind.ballot_form != "none":
            story.append(
                Paragraph(
                    "Chủ nhiệm nhiệm vụ trình bày, trả lời câu hỏi của hội đồng và không tiếp tục "
                    "tham dự phiên họp.",
                    st["body"],
                )
            )
        story.append(Paragraph("III. Kết quả đánh giá", st["h"]))
        story += _board(council, st)
        tally = _latest(council)
        if tally is None:
            story.append(Paragraph("Chưa kiểm phiếu.", st["body"]))
        else:
            story += _tally_story(council, tally, st)
        story.append(Paragraph("IV. Kết luận của hội đồng", st["h"]))
        story.append(Paragraph(escape(council.conclusion or "…"), st["body"]))
        if council.conclusions_sent_on:
            story.append(
                Paragraph(
                    escape(f"Kết luận đã gửi ngày {_d(council.conclusions_sent_on)}."), st["body"]
                )
            )
        story += [Spacer(1, 8 * mm), _signatures("THƯ KÝ KHOA HỌC", "CHỦ TỊCH HỘI ĐỒNG", st)]
        return _render(story)


def minutes_for(council: Council, user) -> bytes:
    _check(council, user)
    return minutes_pdf(council)


def vote_count_for(council: Council, user) -> bytes:
    _check(council, user)
    return vote_count_pdf(council)


# --- the S&T tasks' selection (task_selection.py) -------------------------------------------
def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _place_date(number: str, suffix: str, day, st) -> Table:
    return Table(
        [[Paragraph(escape(f"Số: {number or '…'}/{suffix}"), st["center"]),
          Paragraph(f"<i>Sơn La, ngày {day:%d} tháng {day:%m} năm {day:%Y}</i>", st["center"])]],
        colWidths=[70 * mm, 100 * mm],
    )  # fmt: skip


def call_notice_pdf(call) -> bytes:
    """The call notice (thông báo tuyển chọn) of a call: the task, the conditions, the
    dossier, the period and the way to file (TT 20/2023 Arts 3–6)."""
    from .task_services import _limits

    task = call.task
    limits = _limits(task)
    with translation.override("vi"):
        st = _styles()
        lap = f" (LẦN {call.round})" if call.round > 1 else ""
        story = [
            _letterhead(st),
            _place_date(call.notice_number, "TB-SKHCN", call.opens_on, st),
            Spacer(1, 6 * mm),
            Paragraph(f"THÔNG BÁO{lap}", st["title"]),
            Paragraph(
                "<b>Tuyển chọn tổ chức và cá nhân chủ trì thực hiện nhiệm vụ khoa học và công "
                "nghệ cấp tỉnh</b>",
                st["center"],
            ),
            Spacer(1, 4 * mm),
        ]
        grounds = [f"Căn cứ {rules.TT20} quy định tuyển chọn, giao trực tiếp tổ chức và cá nhân "
                   "thực hiện nhiệm vụ khoa học và công nghệ;"]  # fmt: skip
        if task.ordering_decision_id:
            d = task.ordering_decision
            grounds.append(
                f"Căn cứ Quyết định số {d.number} ngày {_d(d.signed_on)} của Ủy ban nhân dân "
                "tỉnh Sơn La phê duyệt danh mục nhiệm vụ khoa học và công nghệ đặt hàng;"
            )
        for g in grounds:
            story.append(Paragraph(escape(g), st["body"]))
        story.append(
            Paragraph(
                "Sở Khoa học và Công nghệ tỉnh Sơn La thông báo tuyển chọn tổ chức và cá nhân "
                "chủ trì thực hiện nhiệm vụ sau:",
                st["body"],
            )
        )
        rows = [
            ["Mã nhiệm vụ", task.code],
            ["Tên nhiệm vụ", task.title],
            ["Chương trình", task.get_programme_display()],
            ["Loại nhiệm vụ", task.get_task_type_display()],
        ]
        if task.field:
            rows.append(["Lĩnh vực", task.field])
        if task.summary:
            rows.append(["Mục tiêu, nội dung chính", task.summary])
        story.append(_table([["Thông tin", "Nội dung"], *rows], st, [45 * mm, 125 * mm]))
        fail = limits["bar_after_fail"]
        dossier = limits["acceptance_dossier"]
        story += [
            Paragraph("1. Điều kiện tham gia", st["h"]),
            Paragraph(
                escape(
                    "Tổ chức có tư cách pháp nhân, hoạt động phù hợp với nhiệm vụ; cá nhân đăng ký "
                    "làm chủ nhiệm có trình độ đại học trở lên, chuyên môn phù hợp (Điều 4 "
                    f"{rules.TT20}). Không được đăng ký: tổ chức, cá nhân chưa nộp hồ sơ đánh giá, "
                    f"nghiệm thu nhiệm vụ khác quá {dossier.amount} ngày sau khi kết thúc hợp "
                    "đồng; tổ chức, cá nhân có nhiệm vụ bị đánh giá Không đạt trong thời hạn "
                    f"{fail.amount} tháng ({fail.legal_basis})."
                ),
                st["body"],
            ),
        ]
        if call.conditions:
            story.append(Paragraph(escape(f"Yêu cầu riêng: {call.conditions}"), st["body"]))
        story += [
            Paragraph("2. Hồ sơ đăng ký", st["h"]),
            Paragraph(
                escape(
                    "Đơn đăng ký chủ trì thực hiện nhiệm vụ; thuyết minh nhiệm vụ; tài liệu chứng "
                    "minh tư cách pháp lý của tổ chức; tóm tắt hoạt động khoa học và công nghệ "
                    "của tổ chức; lý lịch khoa học của chủ nhiệm và các thành viên; văn bản xác "
                    f"nhận của tổ chức phối hợp (nếu có) (Điều 5 {rules.TT20})."
                ),
                st["body"],
            ),
            Paragraph("3. Thời hạn và cách thức nộp hồ sơ", st["h"]),
            Paragraph(
                escape(
                    f"Thông báo công khai trong {limits['call'].amount} ngày "
                    f"({limits['call'].legal_basis}): hồ sơ nộp trực tuyến trên hệ thống một cửa "
                    f"của Sở từ ngày {_d(call.opens_on)} đến hết ngày {_d(call.closes_on)}. Hồ sơ "
                    "nộp sau thời hạn không được nhận; trong thời hạn nộp hồ sơ, tổ chức được "
                    "nộp hồ sơ mới thay hồ sơ đã nộp (khoản 3 Điều 6 "
                    f"{rules.TT20})."
                ),
                st["body"],
            ),
            Paragraph(
                escape(
                    f"Hồ sơ được mở, kiểm tra tính hợp lệ trong thời hạn "
                    f"{limits['opening'].amount:02d} ngày làm việc kể từ khi kết thúc thời hạn "
                    f"nhận hồ sơ ({limits['opening'].legal_basis})."
                ),
                st["body"],
            ),
            Spacer(1, 8 * mm),
            _signatures("", "GIÁM ĐỐC", st),
        ]
        return _render(story)


def opening_record_pdf(call) -> bytes:
    """The opening record (biên bản mở hồ sơ, TT 20/2023 Art 7(2), Biểu B2-1-BBHS) of an
    opened call: who attended and every application, valid or not with the reason."""
    if call.opened_on is None:
        raise DomainError("Hồ sơ đăng ký chưa được mở.", code="not_opened")
    task = call.task
    apps = list(call.applications.select_related("host", "pi").order_by("submitted_at", "id"))
    with translation.override("vi"):
        st = _styles()
        story = [
            _letterhead(st),
            Spacer(1, 8 * mm),
            Paragraph("BIÊN BẢN MỞ HỒ SƠ", st["title"]),
            Paragraph(
                "<b>Đăng ký tuyển chọn tổ chức và cá nhân chủ trì thực hiện nhiệm vụ khoa học và "
                "công nghệ cấp tỉnh</b>",
                st["center"],
            ),
            Spacer(1, 4 * mm),
            Paragraph(
                escape(
                    f"Căn cứ khoản 1, khoản 2 Điều 7 {rules.TT20}; căn cứ Thông báo tuyển chọn "
                    f"số {call.notice_number or '…'} (lần {call.round}) từ ngày "
                    f"{_d(call.opens_on)} đến hết ngày {_d(call.closes_on)}."
                ),
                st["body"],
            ),
            Paragraph(escape(f"Nhiệm vụ: {task.code} – {task.title}."), st["body"]),
            Paragraph(
                escape(
                    f"Thời gian mở hồ sơ: ngày {_d(call.opened_on)}. Địa điểm: Sở Khoa học và "
                    "Công nghệ tỉnh Sơn La."
                ),
                st["body"],
            ),
            Paragraph("I. Thành phần tham dự", st["h"]),
        ]
        people = [["TT", "Họ và tên", "Chức vụ, đơn vị"]]
        for i, a in enumerate(call.opening_attendees or [], 1):
            people.append([str(i), a.get("name", ""), a.get("position", "")])
        story.append(_table(people, st, [10 * mm, 65 * mm, 95 * mm]))
        valid = [a for a in apps if a.valid]
        story += [
            Paragraph("II. Kết quả mở, kiểm tra hồ sơ", st["h"]),
            Paragraph(
                escape(
                    f"Số hồ sơ nhận được: {len(apps)}; hợp lệ: {len(valid)}; không hợp lệ: "
                    f"{len(apps) - len(valid)}."
                ),
                st["body"],
            ),
        ]
        if apps:
            rows = [["TT", "Tổ chức đăng ký chủ trì", "Chủ nhiệm", "Kinh phí NSNN đề nghị",
                     "Nộp lúc", "Tình trạng hồ sơ"]]  # fmt: skip
            for i, a in enumerate(apps, 1):
                when = timezone.localtime(a.submitted_at)
                state = "Hợp lệ" if a.valid else f"Không hợp lệ: {a.invalid_reason}"
                rows.append(
                    [str(i), a.host.name, str(a.pi), _money(a.state_budget),
                     f"{when:%H:%M %d/%m/%Y}", state]
                )  # fmt: skip
            story.append(_table(rows, st, [9 * mm, 42 * mm, 32 * mm, 29 * mm, 22 * mm, 36 * mm]))
        story.append(Paragraph("III. Kết luận", st["h"]))
        if valid:
            names = "; ".join(a.host.name for a in valid)
            text = (
                f"Các hồ sơ hợp lệ được đưa vào xem xét, đánh giá tại Hội đồng tư vấn tuyển "
                f"chọn (khoản 5 Điều 7 {rules.TT20}): {names}. Tổ chức có hồ sơ không hợp lệ "
                "được thông báo bằng văn bản."
            )
        else:
            text = (
                "Không có hồ sơ hợp lệ: thông báo tuyển chọn lần 2 theo khoản 3 Điều 3 "
                f"{rules.TT20}."
                if call.round == 1
                else "Không có hồ sơ hợp lệ."
            )
        story.append(Paragraph(escape(text), st["body"]))
        if call.opening_record:
            story.append(Paragraph(escape(f"Ý kiến khác: {call.opening_record}"), st["body"]))
        story += [
            Spacer(1, 8 * mm),
            _signatures(
                "ĐẠI DIỆN ĐƠN VỊ QUẢN LÝ KINH PHÍ", "ĐẠI DIỆN ĐƠN VỊ QUẢN LÝ CHUYÊN MÔN", st
            ),
        ]
        return _render(story)
