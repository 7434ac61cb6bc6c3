"""The lookup page's changing part, written in Python (`permits.lookup_page`): every
branch the template had, its labels in both languages, and every value escaped."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.safestring import mark_safe

from permits.lookup_page import lookup_body
from permits.models import Status

RESULT = {
    "code": "GPBX-240205-0001",
    "procedure": "Cấp giấy phép <tiến hành> công việc bức xạ",
    "status": Status.AWAITING_FEE,
    "status_label": "Đã tiếp nhận, chờ nộp phí",
    "current_step": "Đã tiếp nhận, chờ nộp phí",
    "received_on": date(2024, 2, 5),
    "accepted_on": date(2024, 2, 6),
    "appointment_date": date(2024, 3, 1),
    "decided_on": None,
    "time_limit_unit": "working_day",
    "time_limit_unit_label": "ngày làm việc",
    "paused_days": 3,
    "paused_since": date(2024, 2, 6),
    "extension_count": 0,
    "extended_days": 0,
}


def body(**kwargs) -> str:
    args = {
        "error": None,
        "result": None,
        "fields": mark_safe("<input name=code>"),  # noqa: S308 (the form's own HTML)
        "action": "/tra-cuu/",
        "csrf_token": "tok&en",
    }
    return str(lookup_body(**{**args, **kwargs}))


def test_empty_form_carries_the_fields_and_the_escaped_token():
    html = body()
    assert "lookup-result" not in html and "lookup-error" not in html
    assert '<div class="fields"><input name=code></div>' in html  # already HTML
    assert "&lt;input" in body(fields="<input name=code>")  # a plain text is escaped
    assert 'name="csrfmiddlewaretoken" value="tok&amp;en"' in html
    assert 'action="/tra-cuu/"' in html
    assert "Nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận hồ sơ." in html


def test_error_is_escaped():
    html = body(error="<b>Không tìm thấy</b>")
    assert 'id="lookup-error">&lt;b&gt;Không tìm thấy&lt;/b&gt;</div>' in html


def test_result_awaiting_fee_with_its_dates():
    html = body(result=RESULT)
    assert 'id="lookup-status">Đã tiếp nhận, chờ nộp phí</span>' in html
    assert "<p>Cấp giấy phép &lt;tiến hành&gt; công việc bức xạ</p>" in html
    assert "<dt>Ngày nhận hồ sơ</dt><dd>05/02/2024</dd>" in html
    assert "<dt>Ngày hẹn trả kết quả</dt><dd>01/03/2024</dd>" in html
    assert "3 ngày làm việc · đang chờ nộp phí từ ngày 06/02/2024" in html
    assert "<dt>Gia hạn</dt><dd>Không</dd>" in html
    assert "Ngày có kết quả" not in html


def test_result_awaiting_supplement_extended_and_decided():
    html = body(
        result={
            **RESULT,
            "status": Status.SUPPLEMENT,
            "extension_count": 2,
            "extended_days": 5,
            "decided_on": date(2024, 3, 4),
        }
    )
    assert "đang chờ bổ sung hồ sơ từ ngày 06/02/2024" in html
    assert "<dt>Gia hạn</dt><dd>2 lần, tổng 5 ngày làm việc</dd>" in html
    assert "<dt>Ngày có kết quả</dt><dd>04/03/2024</dd>" in html


def test_result_without_a_clock_shows_dashes_and_no_clock_rows():
    html = body(
        result={
            **RESULT,
            "appointment_date": None,
            "received_on": None,
            "time_limit_unit_label": "",
            "paused_since": None,
        }
    )
    assert "<dt>Ngày hẹn trả kết quả</dt><dd>—</dd>" in html
    assert "Số ngày tạm dừng" not in html and "Gia hạn" not in html


def test_labels_follow_the_active_language():
    with translation.override("en"):
        html = body(result={**RESULT, "extension_count": 1, "extended_days": 2})
    assert "awaiting fee payment since 06/02/2024" in html
    assert "1 time(s), 2 ngày làm việc in total" in html
    with translation.override("vi"):
        assert "đang chờ nộp phí từ ngày" in body(result=RESULT)
