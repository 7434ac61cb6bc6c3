"""The task's PDFs in Vietnamese, read back with pypdf: the inspection minutes, the
draft recognition decision, the refund notice."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tasks_lifecycle.task_acceptance import task_record_refund
from tasks_lifecycle.task_documents import (
    inspection_minutes_pdf,
    money,
    recognition_decision_pdf,
    refund_notice_pdf,
)
from tasks_lifecycle.task_progress import task_confirm_workload, task_terminate
from workflows.errors import DomainError

from .conftest import on
from .task_helpers import signed_task, valid_dossier_task
from .test_task_acceptance import _concluded
from .test_task_progress import TERMINATION, _held

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_money_is_written_the_vietnamese_way():
    assert money(1_200_000_000) == "1.200.000.000 đồng"


def test_inspection_minutes(staff, org):
    task = signed_task(staff, org)
    inspection = _held(staff, task, outcome="adjust", conclusion="Điều chỉnh tiến độ nội dung 3")
    with on(date(2024, 9, 10)):
        task_confirm_workload(task=task, actor=staff["officer"], inspection=inspection)
    text = _text(inspection_minutes_pdf(inspection))
    for expected in (
        "BIÊN BẢN KIỂM TRA, ĐÁNH GIÁ ĐỊNH KỲ",
        "(lần 1)",
        "Sâm Việt Nam",
        "05/2024/HĐ-KHCN",
        "Trung tâm Ứng dụng KH&CN Sơn La",
        "Lê Văn Quản",
        "Lãnh đạo đơn vị quản lý kinh phí",
        "Vắng",
        "Thành viên chính có mặt: 3/4",
        "Giám đốc Trung tâm Hoàng Văn Minh",
        "Báo cáo tiến độ thực hiện nhiệm vụ: đã nộp ngày 26/08/2024",
        "Nhiệm vụ cần điều chỉnh",
        "Điều chỉnh tiến độ nội dung 3",
        "hạn 16/09/2024; đã xác nhận ngày 10/09/2024",
        "hạn 30/09/2024",
        "1.200.000.000 đồng",
        "ngày 29 tháng 08 năm 2024",
        "TRƯỞNG ĐOÀN KIỂM TRA",
    ):
        assert expected in text, expected


def test_recognition_decision_draft(staff, pool, org):
    task = valid_dossier_task(staff, org)
    with pytest.raises(DomainError):  # not yet rated
        recognition_decision_pdf(task)
    task, council = _concluded(staff, pool, task, ["xuat_sac"] * 7 + ["dat"] * 2)
    text = _text(recognition_decision_pdf(task))
    for expected in (
        "DỰ THẢO",
        "QUYẾT ĐỊNH",
        "Về việc công nhận kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh",
        "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH SƠN LA",
        "Thông tư số 11/2014/TT-BKHCN",
        council.code,
        "45/QĐ-SKHCN",
        "06/11/2025",
        "Sâm Việt Nam",
        "TS. Nguyễn Văn An",
        "Xuất sắc",
        "Điều 2",
        "Số: ……/QĐ-SKHCN",
    ):
        assert expected in text, expected


def test_refund_notice_after_khong_dat_and_after_termination(staff, pool, org):
    task = valid_dossier_task(staff, org)
    with pytest.raises(DomainError):
        refund_notice_pdf(task)
    task, _council = _concluded(staff, pool, task, ["khong_dat"] * 9, refund_amount=300_000_000)
    with on(date(2025, 12, 1)):
        task_record_refund(
            task=task,
            actor=staff["officer"],
            amount=100_000_000,
            paid_on=date(2025, 11, 28),
            reference="GNT 0012345",
        )
    text = _text(refund_notice_pdf(task, on=date(2025, 12, 2)))
    for expected in (
        "THÔNG BÁO",
        "thu hồi kinh phí ngân sách nhà nước",
        "Kính gửi: Trung tâm Ứng dụng KH&CN Sơn La; TS. Nguyễn Văn An (chủ nhiệm nhiệm vụ)",
        "“Không đạt”",
        "khoản 2 Điều 15 Thông tư số 11/2014/TT-BKHCN",
        "Số kinh phí phải hoàn trả 300.000.000 đồng",
        "Đã nộp trả 100.000.000 đồng",
        "Còn phải nộp trả 200.000.000 đồng",
        "GNT 0012345",
        "28/11/2025",
        "đến hết ngày 06/11/2027",
        "ngày 02 tháng 12 năm 2025",
        "PHÓ GIÁM ĐỐC",
    ):
        assert expected in text, expected


def test_refund_notice_after_termination(staff, org):
    task = signed_task(staff, org)
    inspection = _held(staff, task, outcome="terminate", conclusion="Không triển khai")
    with on(date(2024, 10, 10)):
        task = task_terminate(task=task, actor=staff["head"], inspection=inspection, **TERMINATION)
    text = _text(refund_notice_pdf(task, on=date(2024, 10, 11)))
    assert "Quyết định số 1520/QĐ-UBND ngày 10/10/2024 của Chủ tịch UBND tỉnh" in text
    assert "điểm c khoản 3 Điều 22 Thông tư số 04/2015/TT-BKHCN" in text
    assert "Còn phải nộp trả 350.000.000 đồng" in text
    assert "không được tham gia tuyển chọn" not in text
