"""F8: login throttling per account and per address (django-axes), on the login page
and on the API's Basic authentication, with a Vietnamese answer; a locked-out Basic
attempt costs no password hash."""

import base64
import time

import pytest

from tests.conftest import make_user
from workflows.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "x-test-pass"  # noqa: S105 (make_user's password)
LOCKED = "tạm bị khóa đăng nhập"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def _login(client, username, password, ip="198.51.100.10"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_account_is_locked_after_wrong_passwords_even_from_other_addresses(client):
    make_user("tt-nguoinop", Role.APPLICANT)
    for i in range(5):
        response = _login(client, "tt-nguoinop", "sai", ip=f"198.51.100.{i + 1}")
        assert response.status_code in (200, 429)
    response = _login(client, "tt-nguoinop", PASSWORD, ip="203.0.113.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_address_is_locked_after_wrong_passwords_for_many_accounts(client):
    make_user("tt-a", Role.APPLICANT)
    for i in range(5):
        _login(client, f"khong-co-{i}", "sai", ip="198.51.100.50")
    assert _login(client, "tt-a", PASSWORD, ip="198.51.100.50").status_code == 429
    # another address signs in normally
    response = _login(client, "tt-a", PASSWORD, ip="198.51.100.51")
    assert response.status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client):
    make_user("tt-b", Role.APPLICANT)
    for _ in range(4):
        _login(client, "tt-b", "sai")
    assert _login(client, "tt-b", PASSWORD).status_code == 302


def test_basic_auth_is_throttled_with_a_vietnamese_json_answer(client, settings):
    # the real password hasher of production, to measure what a failed attempt costs
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user("tt-api", Role.DIRECTOR)
    url = "/api/permits/dossiers/"
    failed_ms = []
    for attempt in range(1, 6):
        start = time.perf_counter()
        response = client.get(url, HTTP_AUTHORIZATION=_basic("tt-api", "sai"))
        failed_ms.append((time.perf_counter() - start) * 1000)
        if attempt == 5:  # the failure that reaches the limit already answers "locked"
            assert response.status_code == 429
            break
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
        assert response.json()["code"] == "authentication_failed"
        assert "mật khẩu không đúng" in response.json()["detail"]
    start = time.perf_counter()
    response = client.get(url, HTTP_AUTHORIZATION=_basic("tt-api", PASSWORD))
    locked_ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out" and LOCKED in response.json()["detail"]
    assert response["Retry-After"]
    failed_ms.sort()
    print(
        f"\nBasic auth: a failed attempt {failed_ms[len(failed_ms) // 2]:.0f} ms (median of 5, "
        f"PBKDF2), a locked-out attempt {locked_ms:.1f} ms"
    )
    assert locked_ms < min(failed_ms)


def test_unknown_users_on_basic_auth_lock_the_address(client):
    for i in range(5):
        client.get("/api/deadlines/", HTTP_AUTHORIZATION=_basic(f"ai-{i}", "x"))
    response = client.get("/api/deadlines/", HTTP_AUTHORIZATION=_basic("ai-moi", "x"))
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
