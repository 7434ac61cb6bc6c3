"""F17: sign-up answers the same whether or not the address or the user name is
registered; what happened is told only in the mail to the address given."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import make_user
from workflows.roles import Role

pytestmark = pytest.mark.django_db
URL = "/dang-ky/"


def _form(username: str, email: str) -> dict:
    return {
        "username": username,
        "full_name": "Nguyễn Văn An",
        "email": email,
        "phone": "",
        "password1": "Mat-khau-rat-kho-2024",
        "password2": "Mat-khau-rat-kho-2024",
    }


def _page(response, email: str) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(email, "EMAIL")


def test_new_taken_address_and_taken_name_get_the_same_answer(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    holder = make_user("da-co", Role.APPLICANT, email="co-roi@example.vn")
    cases = {
        "new": _form("moi-hoan-toan", "moi@example.vn"),
        "taken address": _form("ten-khac", "CO-ROI@example.vn"),
        "taken name": _form("da-co", "nguoi-khac@example.vn"),
    }
    pages = {}
    for label, data in cases.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data)
        assert response.status_code == 200, label
        pages[label] = _page(response, data["email"])
    assert pages["new"] == pages["taken address"] == pages["taken name"]
    assert "Một thư đã được gửi tới" in pages["new"]

    users = get_user_model().objects
    assert users.filter(username="moi-hoan-toan", is_active=False).exists()
    assert not users.filter(username="ten-khac").exists()
    assert users.filter(username__iexact="da-co").count() == 1
    holder.refresh_from_db()
    assert holder.check_password("x-test-pass")  # untouched

    by_to = {m.to[0]: m for m in mailoutbox}
    assert "/dang-ky/kich-hoat/" in by_to["moi@example.vn"].body
    assert "da-co" in by_to["co-roi@example.vn"].body  # the holder is told, nobody else
    assert "đã có tài khoản" in by_to["co-roi@example.vn"].body
    assert "đã có người sử dụng" in by_to["nguoi-khac@example.vn"].body
    assert "/dang-ky/kich-hoat/" not in by_to["nguoi-khac@example.vn"].body


def test_activation_link_works_once(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form("kich-hoat", "kh@example.vn"))
    [mail] = mailoutbox
    link = re.search(r"https?://\S+(/dang-ky/kich-hoat/\S+/)", mail.body).group(1)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == reverse("permits:my-dossiers")
    assert get_user_model().objects.get(username="kich-hoat").is_active
    client.logout()
    again = client.get(link)
    assert again.status_code == 200 and "không đúng, đã được dùng hoặc đã hết hạn" in (
        again.content.decode()
    )
    assert "đã được dùng" in client.get("/dang-ky/kich-hoat/MQ/sai-ma/").content.decode()


def test_an_unactivated_account_cannot_sign_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form("chua-kich-hoat", "ck@example.vn"))
    assert not client.login(username="chua-kich-hoat", password="Mat-khau-rat-kho-2024")


def test_signing_up_again_resends_the_link_and_keeps_the_first_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form("hai-lan", "hl@example.vn"))
        client.post(
            URL,
            {
                **_form("hai-lan", "hl@example.vn"),
                "password1": "Khac-hoan-toan-99",
                "password2": "Khac-hoan-toan-99",
            },
        )
    assert [m.to for m in mailoutbox] == [["hl@example.vn"], ["hl@example.vn"]]
    assert all("/dang-ky/kich-hoat/" in m.body for m in mailoutbox)
    user = get_user_model().objects.get(username="hai-lan")
    assert user.check_password("Mat-khau-rat-kho-2024")
