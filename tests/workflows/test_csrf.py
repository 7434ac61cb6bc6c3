"""`workflows.csrf.get_token`: Django's token, drawn with one read of the OS's random
source, accepted by Django's own CSRF check."""

from __future__ import annotations

import collections

import pytest
from django.http import HttpRequest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client
from django.urls import reverse

from workflows.csrf import get_token


def test_the_token_is_the_cookie_secret_masked_as_django_masks_it():
    request = HttpRequest()
    secret = "a" * 10 + "Z9" * 11
    request.META["CSRF_COOKIE"] = secret
    tokens = {get_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a new mask every time
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_visitor_without_a_cookie_gets_a_new_secret():
    request = HttpRequest()
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    other = HttpRequest()
    get_token(other)
    assert other.META["CSRF_COOKIE"] != secret


def test_every_character_is_drawn_about_equally_often():
    request = HttpRequest()
    counts = collections.Counter()
    for _ in range(2000):
        counts.update(get_token(request)[:CSRF_SECRET_LENGTH])  # the masks
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values()), counts


@pytest.mark.django_db
def test_the_lookup_page_token_passes_djangos_check(settings):
    settings.LOOKUP_RATE_LIMIT = 1000
    browser = Client(enforce_csrf_checks=True)
    url = reverse("permits:lookup")
    page = browser.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    answer = browser.post(url, {"code": "X", "key": "Y", "csrfmiddlewaretoken": token})
    assert answer.status_code == 200  # not 403: Django's middleware took the token
    refused = Client(enforce_csrf_checks=True).post(
        url, {"code": "X", "key": "Y", "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 403  # without the cookie the token is worthless
