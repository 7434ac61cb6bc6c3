"""The S&T task's documents from the inspection on, as PDF in Vietnamese (reportlab,
DejaVu Sans, the helpers of `documents.py`):

- the inspection minutes (biên bản kiểm tra, đánh giá định kỳ; Mẫu C-2-BBKTĐG of TT
  04/2015): the task, the team and who was present, the reports, the outcome, the
  confirmations owed;
- the draft decision recognising the result (dự thảo quyết định công nhận kết quả; Mẫu
  11 of TT 11/2014);
- the refund notice (thông báo thu hồi kinh phí): the amount a "Không đạt" result or a
  termination set, the payments recorded, what is still owed.

Rendered on demand from the rows the services wrote; nothing here changes data, and
who may read them is the pages' business.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from workflows.errors import DomainError

from . import rules, task_rules
from .documents import _d, _letterhead, _render, _signatures, _styles, _table
from .models import Contract, Inspection, Stage, Task, TaskDocument
from .task_acceptance import PASSED, refund_outstanding
from .task_services import _council_for, _limits

CLASS_LABELS = dict(rules.ACCEPTANCE_FORM)
ROLE_LABELS = {
    "managing_leader": "Lãnh đạo đơn vị quản lý nhiệm vụ",
    "managing_officer": "Chuyên viên đơn vị quản lý nhiệm vụ",
    "finance_leader": "Lãnh đạo đơn vị quản lý kinh phí",
    "finance_officer": "Chuyên viên đơn vị quản lý kinh phí",
    "professional": "Đại diện đơn vị quản lý chuyên môn",
    "proposer": "Đại diện cơ quan đề xuất đặt hàng",
    "other": "Thành phần khác",
}
OUTCOME_LABELS = {
    "on_track": "Nhiệm vụ triển khai đúng tiến độ, tiếp tục thực hiện",
    "adjust": "Nhiệm vụ cần điều chỉnh",
    "terminate": "Đề nghị chấm dứt hợp đồng",
}


def money(amount: int | None) -> str:
    """An amount in đồng as Vietnamese write it: 1.200.000.000 đồng."""
    return f"{int(amount or 0):,} đồng".replace(",", ".")


def _long(day: date | None) -> str:
    if day is None:
        return "ngày … tháng … năm ……"
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _p(text: str, st, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), st[style])


def _task_rows(task: Task, contract: Contract | None) -> list[list[str]]:
    rows = [
        ["Tên nhiệm vụ", task.title],
        ["Mã số", task.code],
        ["Tổ chức chủ trì", task.host.name if task.host_id else "…"],
        ["Chủ nhiệm nhiệm vụ", str(task.pi) if task.pi_id else "…"],
    ]
    if contract is not None:
        rows += [
            ["Hợp đồng", f"Số {contract.number} ngày {_d(contract.signed_on)}"],
            ["Thời gian thực hiện", f"Từ {_d(contract.starts_on)} đến {_d(contract.ends_on)}"],
            ["Kinh phí từ ngân sách nhà nước", money(contract.budget)],
        ]
    return rows


def _task_table(task: Task, contract: Contract | None, st, extra=()) -> object:
    return _table(
        [["Nội dung", "Thông tin"], *_task_rows(task, contract), *extra], st, [55 * mm, 115 * mm]
    )


# --- the inspection minutes -------------------------------------------------------------------
def inspection_minutes_pdf(inspection: Inspection) -> bytes:
    """The minutes of one periodic inspection (a blank form before it is held)."""
    inspection = Inspection.objects.select_related("task__host", "task__pi").get(pk=inspection.pk)
    task = inspection.task
    contract = Contract.objects.filter(task=task).first()
    limits = _limits(task)
    with translation.override("vi"):
        st = _styles()
        held = inspection.ended_on or inspection.planned_on
        story = [
            _letterhead(st, place_date=f"Sơn La, {_long(held)}"),
            Spacer(1, 8 * mm),
            _p("BIÊN BẢN KIỂM TRA, ĐÁNH GIÁ ĐỊNH KỲ", st, "title"),
            _p(
                f"Tình hình thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh "
                f"(lần {inspection.number})",
                st,
                "center",
            ),
            Spacer(1, 4 * mm),
            _p(
                "Căn cứ Thông tư số 04/2015/TT-BKHCN quy định việc kiểm tra, đánh giá, điều "
                "chỉnh và chấm dứt hợp đồng trong quá trình thực hiện nhiệm vụ khoa học và "
                "công nghệ"
                + (f"; căn cứ Hợp đồng số {contract.number}" if contract else "")
                + f". Lịch kiểm tra thông báo cho tổ chức chủ trì ngày "
                f"{_d(inspection.notified_on)}.",
                st,
            ),
            _p(
                f"Thời gian: ngày {_d(held)}. Địa điểm: "
                f"{inspection.place or (task.host.name if task.host_id else '…')}.",
                st,
            ),
            _p("I. Thông tin về nhiệm vụ", st, "h"),
            _task_table(
                task,
                contract,
                st,
                [["Hạn kiểm tra định kỳ", _d(inspection.due_on)]],
            ),
            _p("II. Thành phần tham gia", st, "h"),
        ]
        team = inspection.team or []
        if team:
            story.append(
                _table(
                    [["TT", "Họ và tên", "Thành phần", "Có mặt"]]
                    + [
                        [
                            str(i),
                            r["name"],
                            ROLE_LABELS.get(r["role"], r["role"]),
                            "Có mặt" if r["present"] else "Vắng",
                        ]
                        for i, r in enumerate(team, 1)
                    ],
                    st,
                    [10 * mm, 55 * mm, 80 * mm, 25 * mm],
                )
            )
            core = [r for r in team if r["role"] in task_rules.CORE_TEAM_ROLES]
            here = sum(1 for r in core if r["present"])
            story.append(
                _p(
                    f"Thành viên chính có mặt: {here}/{len(core)} (cần ít nhất 03/04, khoản 2 "
                    f"Điều 9 Thông tư số 04/2015/TT-BKHCN).",
                    st,
                )
            )
        else:
            story.append(_p("Đoàn kiểm tra: …", st))
        story.append(_p(f"Đại diện lãnh đạo tổ chức chủ trì: {inspection.host_leader or '…'}.", st))
        story.append(_p("III. Báo cáo của tổ chức chủ trì", st, "h"))
        files = {f.kind: f for f in inspection.documents.order_by("id")}
        for kind, label in (
            (TaskDocument.Kind.PROGRESS_REPORT, "Báo cáo tiến độ thực hiện nhiệm vụ"),
            (TaskDocument.Kind.SPENDING_REPORT, "Báo cáo tình hình sử dụng kinh phí"),
        ):
            f = files.get(kind)
            got = f"đã nộp ngày {_d(timezone.localtime(f.uploaded_at).date())}" if f else "chưa nộp"
            story.append(_p(f"- {label}: {got}.", st))
        story.append(_p("IV. Kết luận của đoàn kiểm tra", st, "h"))
        story.append(_p(OUTCOME_LABELS.get(inspection.outcome, "…") + ".", st))
        if inspection.conclusion:
            story.append(_p(inspection.conclusion, st))
        story.append(_p("V. Xác nhận sau kiểm tra", st, "h"))
        for code, done, label in (
            (
                "workload_confirmation",
                inspection.workload_confirmed_on,
                "Xác nhận khối lượng công việc",
            ),
            (
                "spending_confirmation",
                inspection.spending_confirmed_on,
                "Xác nhận kinh phí thực hiện",
            ),
        ):
            lim = limits[code]
            due = task_rules.due_on(lim, inspection.ended_on) if inspection.ended_on else None
            text = (
                f"- {label}: trong {lim.amount:02d} ngày làm việc sau khi kết thúc kiểm tra "
                f"({lim.legal_basis}), hạn {_d(due)}"
            )
            if done:
                text += f"; đã xác nhận ngày {_d(done)}"
            story.append(_p(text + ".", st))
        if inspection.spending_confirmed_amount:
            story.append(
                _p(f"Kinh phí được xác nhận: {money(inspection.spending_confirmed_amount)}.", st)
            )
        story += [
            Spacer(1, 8 * mm),
            _signatures("LÃNH ĐẠO TỔ CHỨC CHỦ TRÌ", "TRƯỞNG ĐOÀN KIỂM TRA", st),
        ]
        return _render(story)


# --- the draft recognition decision -----------------------------------------------------------
def recognition_decision_pdf(task: Task) -> bytes:
    """The draft decision recognising the result of a task rated "Đạt" or better."""
    task = Task.objects.select_related("host", "pi", "recognition_decision").get(pk=task.pk)
    if task.acceptance_class not in PASSED:
        raise DomainError(
            "Chỉ lập dự thảo quyết định công nhận cho nhiệm vụ được đánh giá từ mức Đạt trở lên.",
            code="not_passed",
        )
    contract = Contract.objects.filter(task=task).first()
    council = _council_for(task, "acceptance")
    decision = task.recognition_decision
    with translation.override("vi"):
        st = _styles()
        grounds = [
            "Căn cứ Thông tư số 11/2014/TT-BKHCN quy định việc đánh giá, nghiệm thu kết quả "
            "thực hiện nhiệm vụ khoa học và công nghệ;",
        ]
        if contract:
            grounds.append(
                f"Căn cứ Hợp đồng thực hiện nhiệm vụ khoa học và công nghệ số {contract.number} "
                f"ngày {_d(contract.signed_on)};"
            )
        if council:
            grounds.append(
                f"Căn cứ Biên bản họp Hội đồng tư vấn đánh giá, nghiệm thu ({council.code}, thành "
                f"lập theo Quyết định số {council.decision_number or '…'} ngày "
                f"{_d(council.decision_date)}) ngày {_d(council.meeting_on)};"
            )
        grounds += [
            f"Căn cứ báo cáo về việc hoàn thiện hồ sơ đánh giá, nghiệm thu ngày "
            f"{_d(task.corrections_submitted_on)} của tổ chức chủ trì;",
            "Theo đề nghị của Trưởng phòng Quản lý khoa học và công nghệ.",
        ]
        story = [
            _p("DỰ THẢO", st, "h"),
            _letterhead(
                st,
                number=decision.number if decision else "……/QĐ-SKHCN",
                place_date=f"Sơn La, {_long(decision.signed_on if decision else None)}",
            ),
            Spacer(1, 8 * mm),
            _p("QUYẾT ĐỊNH", st, "title"),
            _p(
                "Về việc công nhận kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh",
                st,
                "center",
            ),
            _p("GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH SƠN LA", st, "h"),
            *(_p(g, st) for g in grounds),
            _p("QUYẾT ĐỊNH:", st, "h"),
            _p("Điều 1. Công nhận kết quả thực hiện nhiệm vụ khoa học và công nghệ sau:", st),
            _task_table(
                task,
                contract,
                st,
                [
                    ["Ngày có kết luận nghiệm thu", _d(task.concluded_on)],
                    ["Kết quả đánh giá, xếp loại", CLASS_LABELS[task.acceptance_class]],
                ],
            ),
            _p(
                "Điều 2. Tổ chức chủ trì có trách nhiệm đăng ký, lưu giữ kết quả thực hiện "
                "nhiệm vụ theo Nghị định số 11/2014/NĐ-CP (Điều 16 Thông tư số 11/2014/TT-BKHCN) "
                "và phối hợp thanh lý hợp đồng sau khi kiểm kê, bàn giao sản phẩm, tài sản "
                "(khoản 1 Điều 15 Thông tư số 11/2014/TT-BKHCN).",
                st,
            ),
            _p(
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng "
                "phòng Quản lý khoa học và công nghệ, Thủ trưởng tổ chức chủ trì, chủ nhiệm "
                "nhiệm vụ và các đơn vị, cá nhân có liên quan chịu trách nhiệm thi hành Quyết "
                "định này.",
                st,
            ),
            Spacer(1, 8 * mm),
            _signatures(
                "Nơi nhận: như Điều 3; lưu VT, QLKH.",
                escape((decision.signer if decision else "GIÁM ĐỐC").upper()),
                st,
            ),
        ]
        return _render(story)


# --- the refund notice ------------------------------------------------------------------------
def refund_notice_pdf(task: Task, *, on: date | None = None) -> bytes:
    """The notice to the host and the PI of the amount to refund to the state budget,
    with the payments recorded and what is still owed (dated `on`, default today)."""
    task = Task.objects.select_related("host", "pi", "termination_decision").get(pk=task.pk)
    if task.stage not in (Stage.FAILED, Stage.TERMINATED) or task.refund_amount is None:
        raise DomainError(
            "Nhiệm vụ chưa có số kinh phí phải hoàn trả (sau kết quả Không đạt hoặc chấm dứt "
            "hợp đồng).",
            code="no_refund",
        )
    contract = Contract.objects.filter(task=task).first()
    payments = list(task.refunds.order_by("number"))
    outstanding = refund_outstanding(task)
    limits = _limits(task)
    on = on or timezone.localdate()
    with translation.override("vi"):
        st = _styles()
        if task.stage == Stage.FAILED:
            ground = (
                f"Căn cứ kết luận của Hội đồng tư vấn đánh giá, nghiệm thu ngày "
                f"{_d(task.concluded_on)}: nhiệm vụ “{task.title}” được đánh giá ở mức "
                f"“Không đạt”; căn cứ khoản 2 Điều 15 Thông tư số 11/2014/TT-BKHCN,"
            )
        else:
            d = task.termination_decision
            ground = (
                f"Căn cứ Quyết định số {d.number} ngày {_d(d.signed_on)} của {d.signer} về việc "
                f"chấm dứt hợp đồng thực hiện nhiệm vụ “{task.title}” (lý do: "
                f"{task.termination_reason}); căn cứ điểm c khoản 3 Điều 22 Thông tư số "
                f"04/2015/TT-BKHCN,"
            )
        to = task.host.name if task.host_id else "…"
        if task.pi_id:
            to += f"; {task.pi} (chủ nhiệm nhiệm vụ)"
        story = [
            _letterhead(st, number="……/TB-SKHCN", place_date=f"Sơn La, {_long(on)}"),
            Spacer(1, 8 * mm),
            _p("THÔNG BÁO", st, "title"),
            _p(
                "Về việc thu hồi kinh phí ngân sách nhà nước đã cấp cho nhiệm vụ khoa học và "
                "công nghệ",
                st,
                "center",
            ),
            Spacer(1, 4 * mm),
            _p(f"Kính gửi: {to}.", st),
            _p(ground + " Sở Khoa học và Công nghệ thông báo số kinh phí phải hoàn trả:", st),
            _task_table(
                task,
                contract,
                st,
                [
                    ["Số kinh phí phải hoàn trả", money(task.refund_amount)],
                    ["Đã nộp trả", money(task.refund_amount - outstanding)],
                    ["Còn phải nộp trả", money(outstanding)],
                ],
            ),
        ]
        if payments:
            story += [
                _p("Các khoản đã nộp trả ngân sách nhà nước:", st, "h"),
                _table(
                    [["Lần", "Ngày nộp", "Số tiền", "Chứng từ"]]
                    + [
                        [str(p.number), _d(p.paid_on), money(p.amount), p.reference or "—"]
                        for p in payments
                    ],
                    st,
                    [15 * mm, 35 * mm, 60 * mm, 60 * mm],
                ),
            ]
        if outstanding:
            story.append(
                _p(
                    f"Đề nghị {to.split(';')[0]} nộp trả ngân sách nhà nước số kinh phí còn lại "
                    f"{money(outstanding)} và gửi chứng từ nộp về Sở Khoa học và Công nghệ "
                    f"(Phòng Quản lý khoa học và công nghệ) để theo dõi.",
                    st,
                )
            )
        else:
            story.append(_p("Tổ chức chủ trì đã nộp trả đủ số kinh phí phải hoàn trả.", st))
        if task.stage == Stage.FAILED and task.concluded_on:
            bar = limits["bar_after_fail"]
            until = task_rules.due_on(bar, task.concluded_on)
            story.append(
                _p(
                    f"Tổ chức chủ trì và chủ nhiệm nhiệm vụ không được tham gia tuyển chọn, giao "
                    f"trực tiếp thực hiện nhiệm vụ khoa học và công nghệ đến hết ngày "
                    f"{_d(until)} ({bar.legal_basis}).",
                    st,
                )
            )
        story += [
            Spacer(1, 8 * mm),
            _signatures("Nơi nhận: như trên; lưu VT, QLKH.", "KT. GIÁM ĐỐC<br/>PHÓ GIÁM ĐỐC", st),
        ]
        return _render(story)


__all__ = ["inspection_minutes_pdf", "money", "recognition_decision_pdf", "refund_notice_pdf"]
