"""The public status lookup (/tra-cuu/): public facts only, one answer for a wrong key
and an unknown code, and a rate limit per client address."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from permits import services
from permits.lookup import dossier_lookup, lookup_attempt_allowed
from permits.models import Status
from tests.permits.conftest import ORGANISATION, VN, WORKER, file_dossier, on
from workflows.roles import Role

pytestmark = pytest.mark.django_db

URL = reverse("permits:lookup")
NOT_FOUND = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập."
PUBLIC_FIELDS = {
    "code",
    "procedure",
    "status",
    "status_label",
    "current_step",
    "received_on",
    "accepted_on",
    "appointment_date",
    "decided_on",
    "time_limit_unit",
    "time_limit_unit_label",
    "paused_days",
    "paused_since",
    "extension_count",
    "extended_days",
}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(applicant):
    with on(date(2024, 2, 5)):
        return services.dossier_submit(
            dossier=file_dossier(applicant, with_certificate=WORKER), actor=applicant
        )


def without_csrf(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


def test_right_code_and_key_show_public_facts_only(client, dossier, applicant):
    response = client.post(URL, {"code": dossier.code, "key": dossier.lookup_key})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="lookup-status">Đã nộp, chờ kiểm tra<' in body
    assert "05/02/2024" in body  # received
    assert "19/02/2024" in body  # the completeness check's due date
    assert NOT_FOUND not in body
    for private in [
        ORGANISATION["organisation_name"],
        ORGANISATION["organisation_address"],
        ORGANISATION["business_registration_no"],
        ORGANISATION["contact_phone"],
        ORGANISATION["contact_email"],
        WORKER.name,
        WORKER.id_number,
        applicant.username,
        applicant.get_full_name(),
        "SN-001",
        "Vatech",
    ]:
        assert private not in body, private
    # the answer must not be cached by the browser or a proxy
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    facts = dossier_lookup(dossier.code, dossier.lookup_key)
    assert set(facts) == PUBLIC_FIELDS
    assert facts["status"] == Status.SUBMITTED
    assert facts["appointment_date"] == date(2024, 2, 19)
    assert facts["paused_days"] == 0 and facts["extension_count"] == 0
    # typed in lower case, with spaces
    loose = dossier_lookup(f" {dossier.code.lower()} ", " ".join(dossier.lookup_key.lower()))
    assert loose == facts


def test_wrong_key_and_unknown_code_get_the_same_answer(client, dossier):
    wrong_key = client.post(URL, {"code": dossier.code, "key": "AAAAAAAA"})
    unknown = client.post(URL, {"code": "GPBX-991231-9999", "key": dossier.lookup_key})
    assert wrong_key.status_code == unknown.status_code == 200
    assert NOT_FOUND in wrong_key.content.decode()
    assert without_csrf(wrong_key.content) == without_csrf(unknown.content)
    # neither echoes what was typed
    assert dossier.code not in wrong_key.content.decode()
    # a key with characters outside ASCII is just a wrong key
    assert dossier_lookup(dossier.code, "KHÓA-SAI") is None


def test_lookup_costs_one_query_either_way(dossier, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert dossier_lookup(dossier.code, dossier.lookup_key) is not None
    with django_assert_num_queries(1):
        assert dossier_lookup(dossier.code, "AAAAAAAA") is None
    with django_assert_num_queries(1):
        assert dossier_lookup("GPBX-991231-9999", "AAAAAAAA") is None


def test_paused_and_extended_clock_is_reported(dossier, staff):
    with on(date(2024, 2, 6)):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa"],
            reasons="Thiếu chữ ký.",
        )
    facts = dossier_lookup(dossier.code, dossier.lookup_key)
    assert facts["status"] == Status.SUPPLEMENT
    assert facts["paused_since"] == date(2024, 2, 6)
    assert facts["time_limit_unit_label"] == "ngày làm việc"


def test_qr_code_link_prefills_the_code(client, dossier):
    response = client.get(URL, {"ma": dossier.code})
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.content.decode()
    assert dossier.lookup_key not in response.content.decode()


def test_rate_limit_per_client_address(client, dossier, settings):
    settings.LOOKUP_RATE_LIMIT = 3
    settings.LOOKUP_RATE_WINDOW_SECONDS = 60
    for _ in range(3):
        response = client.post(URL, {"code": dossier.code, "key": "AAAAAAAA"})
        assert response.status_code == 200
    # viewing the form is not an attempt
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"code": dossier.code, "key": dossier.lookup_key})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Bạn đã tra cứu quá nhiều lần" in body
    assert "lookup-status" not in body
    # another address has its own allowance
    other = client.post(
        URL, {"code": dossier.code, "key": dossier.lookup_key}, REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 200
    assert "lookup-status" in other.content.decode()


def test_rate_limit_window_ends(settings):
    settings.LOOKUP_RATE_LIMIT = 2
    settings.LOOKUP_RATE_WINDOW_SECONDS = 60
    start = datetime(2024, 2, 5, 9, 0, tzinfo=VN)
    with time_machine.travel(start, tick=False):
        assert lookup_attempt_allowed("198.51.100.1")
        assert lookup_attempt_allowed("198.51.100.1")
        assert not lookup_attempt_allowed("198.51.100.1")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert not lookup_attempt_allowed("198.51.100.1")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert lookup_attempt_allowed("198.51.100.1")
