"""The staff pages, the PDFs and the public lookup, through HTTP."""

from datetime import date

import pytest
from django.urls import reverse

from penalties import services
from penalties.models import Status
from tests.penalties.conftest import decided, delivered, on


@pytest.fixture
def paid_and_unpaid(people):
    a = delivered(people)
    b = delivered(people, number="02/BB", name="Doanh nghiệp vàng Bảo Tín", amount=9_000_000)
    with on(date(2024, 1, 5)):
        services.payment_record(
            case=b,
            actor=people["accountant"],
            number="KB-9",
            value_date=date(2024, 1, 5),
            amount=9_000_000,
        )
    return a, b


def test_register_shows_money_and_stage(client, people, paid_and_unpaid):
    a, _b = paid_and_unpaid
    client.force_login(people["inspector"])
    with on(date(2024, 3, 15)):
        services.penalties_daily()
        response = client.get(reverse("penalties:register"))
    html = response.content.decode()
    assert response.status_code == 200
    assert a.decision_number in html and "368.500" in html
    assert "Quá hạn nộp phạt" in html and "Đã nộp đủ" in html


def test_register_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    for i in range(3):
        delivered(people, number=f"{i}/BB", name=f"Cơ sở {i}")
    client.force_login(people["accountant"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("penalties:register")).status_code == 200
    for i in range(3, 9):
        delivered(people, number=f"{i}/BB", name=f"Cơ sở {i}")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("penalties:register")).status_code == 200


def test_case_page_and_action_form(client, people):
    case = decided(people)
    client.force_login(people["inspector"])
    with on(date(2023, 12, 29)):
        page = client.get(reverse("penalties:case", args=[case.pk]))
        assert page.status_code == 200
        assert "Ghi nhận giao quyết định" in page.content.decode()
        response = client.post(
            reverse("penalties:case-action", args=[case.pk, "giao"]),
            {"giao-on": "29/12/2023", "giao-outcome": "received"},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_PAYMENT and case.payment_due == date(2024, 1, 8)


def test_bad_action_input_loses_nothing(client, people):
    case = decided(people)
    client.force_login(people["inspector"])
    with on(date(2023, 12, 29)):
        response = client.post(
            reverse("penalties:case-action", args=[case.pk, "giao"]),
            {"giao-on": "31/02/2023", "giao-outcome": "received"},
        )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.DECIDED


@pytest.mark.parametrize(
    "slug", ["bien-ban", "quyet-dinh", "don-doc", "nop-nhieu-lan", "cuong-che"]
)
def test_pdfs_in_vietnamese(client, people, slug):
    from io import BytesIO

    from pypdf import PdfReader

    case = delivered(people)
    with on(date(2024, 1, 9)):
        services.penalties_daily()
        services.reminder_send(case=case, actor=people["inspector"])
        services.instalments_decide(
            case=case, actor=people["chief"], approve=False, requested_on=date(2024, 1, 9)
        )
    with on(date(2024, 2, 8)):
        services.enforcement_decide(case=case, actor=people["chief"], measure="account")
    client.force_login(people["chief"])
    response = client.get(reverse("penalties:document", args=[case.pk, slug]))
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    expected = {
        "bien-ban": "BIÊN BẢN VI PHẠM HÀNH CHÍNH",
        "quyet-dinh": "11.000.000 đồng",
        "don-doc": "VĂN BẢN ĐÔN ĐỐC",
        "nop-nhieu-lan": "không chấp thuận",
        "cuong-che": "Khấu trừ tiền từ tài khoản",
    }[slug]
    assert expected in text
    assert "Cửa hàng vàng Kim Tín" in text


def test_postponement_pdf(client, people):
    from io import BytesIO

    from pypdf import PdfReader

    case = delivered(people, amount=5_000_000, organisation=False)
    with on(date(2024, 1, 5)):
        services.postponement_decide(
            case=case,
            actor=people["chief"],
            approve=True,
            requested_on=date(2024, 1, 5),
            until=date(2024, 4, 5),
            hardship_certified=True,
        )
    client.force_login(people["inspector"])
    response = client.get(reverse("penalties:document", args=[case.pk, "hoan-thi-hanh"]))
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "HOÃN THI HÀNH" in text and "05/04/2024" in text


def test_public_lookup_no_personal_data(client, people):
    case = delivered(people)
    with on(date(2024, 3, 15)):
        response = client.post(
            reverse("penalties:lookup"),
            {"decision_number": case.decision_number, "key": case.lookup_key},
        )
        wrong = client.post(
            reverse("penalties:lookup"),
            {"decision_number": case.decision_number, "key": "WRONGKEY"},
        )
    html = response.content.decode()
    assert "368.500" in html
    assert "11.368.500" in html
    assert "Kim Tín" not in html and "Chiềng Lề" not in html and "5500123456" not in html
    assert "Không tìm thấy" in wrong.content.decode()


def test_public_lookup_rate_limited(client, people, settings):
    settings.LOOKUP_RATE_LIMIT = 2
    from django.core.cache import cache

    cache.clear()
    for _i in range(2):
        client.post(reverse("penalties:lookup"), {"decision_number": "x", "key": "y"})
    response = client.post(reverse("penalties:lookup"), {"decision_number": "x", "key": "y"})
    assert response.status_code == 429


PAGE_MATRIX = {
    "inspector": 200,
    "chief": 200,
    "director": 200,
    "accountant": 200,
    "specialist": 403,
    "other_head": 403,
    "applicant": 403,
}


@pytest.mark.parametrize("who", [*PAGE_MATRIX, "anonymous"])
def test_staff_pages_by_role(client, people, who):
    case = decided(people)
    if who != "anonymous":
        client.force_login(people[who])
    for url in (
        reverse("penalties:register"),
        reverse("penalties:overdue"),
        reverse("penalties:payments"),
        reverse("penalties:case", args=[case.pk]),
    ):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == PAGE_MATRIX[who], (who, url)
    pdf = client.get(reverse("penalties:document", args=[case.pk, "quyet-dinh"]))
    can_read = who in ("inspector", "chief", "director")
    assert pdf.status_code == (200 if can_read else 302 if who == "anonymous" else 404)


def test_accountant_records_a_receipt_on_the_payments_page(client, people):
    case = delivered(people)
    client.force_login(people["accountant"])
    with on(date(2024, 1, 5)):
        ok = client.post(
            reverse("penalties:payments"),
            {
                "decision_number": case.decision_number,
                "number": "KB-P1",
                "value_date": "05/01/2024",
                "amount": "11000000",
            },
        )
        again = client.post(
            reverse("penalties:payments"),
            {
                "decision_number": case.decision_number,
                "number": "KB-P1",
                "value_date": "05/01/2024",
                "amount": "11000000",
            },
        )
    assert ok.status_code == 302
    assert again.status_code == 400 and "hai lần" in again.content.decode()
    case.refresh_from_db()
    assert case.status == Status.PAID
    client.force_login(people["inspector"])
    refused = client.post(
        reverse("penalties:payments"),
        {
            "decision_number": case.decision_number,
            "number": "KB-P2",
            "value_date": "05/01/2024",
            "amount": "1",
        },
    )
    assert refused.status_code == 302  # told on the page; nothing recorded
    from penalties.models import TreasuryReceipt

    assert not TreasuryReceipt.objects.filter(number="KB-P2").exists()


def test_case_timeline_reads_vietnamese(client, people):
    case = delivered(people)
    client.force_login(people["inspector"])
    html = client.get(reverse("penalties:case", args=[case.pk])).content.decode()
    assert "Lập biên bản vi phạm hành chính" in html and "Ký quyết định xử phạt" in html
    assert "record_delivery" not in html and "awaiting_payment" not in html
