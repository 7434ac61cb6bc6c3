"""The session store (workflows/sessions.py): Django's database sessions, read with SQL
compiled once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from workflows.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_site_s_store():
    assert settings.SESSION_ENGINE == "workflows.sessions"


def test_sessions_of_either_store_are_read_by_the_other():
    theirs = DjangoStore()
    theirs["a"] = "một"
    theirs.create()
    assert SessionStore(theirs.session_key)["a"] == "một"
    ours = SessionStore()
    ours["b"] = [1, 2]
    ours.create()
    assert DjangoStore(ours.session_key)["b"] == [1, 2]


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    s = SessionStore()
    s["x"] = 1
    s.create()
    Session.objects.filter(session_key=s.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(s.session_key)
    assert again.get("x") is None
    assert again.session_key is None  # as Django's store: the old key is not reused
    assert DjangoStore(s.session_key).get("x") is None
    assert SessionStore("k" * 32).get("x") is None
    assert SessionStore("short").get("x") is None  # not a valid key: never queried


def test_a_signed_in_request_reads_its_session(client, django_user_model):
    user = django_user_model.objects.create_user("chuyenvien-s", password="x-Secret-123")
    assert client.login(username="chuyenvien-s", password="x-Secret-123")
    response = client.get("/vao/")
    assert response.status_code == 302  # after_login knows who is signed in
    assert response.wsgi_request.user == user
