"""Shared fixtures. PostgreSQL and Redis tests are skipped with a visible reason where
those servers are not configured; under CI (MOTCUA_REQUIRE_SERVICES=1) they must run."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation

from workflows import calendar, selectors
from workflows.models import DayUnit, LadderStep, Procedure, ProcedureVersion, TimeLimitRule

REQUIRE_SERVICES = os.environ.get("MOTCUA_REQUIRE_SERVICES") == "1"


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _on_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis://")


def pytest_collection_modifyitems(config, items):
    missing = {
        "postgres": (_on_postgres(), "needs PostgreSQL row locks: set DATABASE_URL"),
        "redis": (_on_redis(), "needs a live Redis and a Celery worker: set CELERY_BROKER_URL"),
    }
    for item in items:
        for marker, (available, reason) in missing.items():
            if marker in item.keywords and not available:
                if REQUIRE_SERVICES:
                    raise pytest.UsageError(f"{item.nodeid}: {reason} (required under CI)")
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language (Vietnamese): a request of a previous test
    (LocaleMiddleware) may have left another one active in this thread, and which test ran
    before depends on how the suite is split over the xdist processes."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A test whose broker publish failed leaves its process skipping publishes for a
    few seconds (`notifications.services._pause_broker`): the next test starts without."""
    from notifications import services

    services._broker_paused_until = 0.0
    yield
    services._broker_paused_until = 0.0


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate_cache()
    selectors.catalogue_clear_local()  # a rolled-back test leaves no cached catalogue rows
    yield
    calendar.invalidate_cache()
    selectors.catalogue_clear_local()


def make_user(username: str, *roles: str, division=None, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username,
        password="x-test-pass",  # noqa: S106
        email=extra.pop("email", f"{username}@example.vn"),
        division=division,
        **extra,
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def bulk_deadlines(n: int, *, owner, division, due=lambda i: date(2024, 2, 1)) -> None:
    """Insert n open ledger rows at once (for query-count tests)."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.models import Deadline, Division

    ct = ContentType.objects.get_for_model(Division)
    Deadline.objects.bulk_create(
        Deadline(
            content_type=ct,
            object_id=str(i),
            kind="check",
            procedure_code="TEST-01",
            dossier_code=f"HS-{i:05d}",
            title="Kiểm tra",
            owner_user=owner(i),
            owner_division=division,
            due_date=due(i),
        )
        for i in range(n)
    )


@pytest.fixture
def version(db):
    """A procedure with a 5-working-day check and a three-rung ladder."""
    procedure = Procedure.objects.create(code="TEST-01", name_vi="Thủ tục thử nghiệm")
    v = ProcedureVersion.objects.create(
        procedure=procedure,
        label="2024",
        applies_from=date(2024, 1, 1),
        legal_basis="Điều 29 Nghị định số 142/2020/NĐ-CP",
    )
    TimeLimitRule.objects.create(
        version=v,
        stage="check",
        name="Kiểm tra tính đầy đủ",
        amount=5,
        unit=DayUnit.WORKING,
        legal_basis="Điểm a khoản 4 Điều 29 NĐ 142/2020",
        max_extension=5,
    )
    TimeLimitRule.objects.create(
        version=v,
        stage="issue",
        name="Cấp giấy phép",
        amount=25,
        unit=DayUnit.CALENDAR,
        legal_basis="Điểm b khoản 4 Điều 29 NĐ 142/2020",
    )
    LadderStep.objects.create(
        version=v,
        kind="reminder",
        offset=-2,
        recipient="owner",
        template="deadline_reminder",
        channels=["email", "in_app"],
    )
    LadderStep.objects.create(
        version=v,
        kind="escalation",
        offset=0,
        recipient="division_head",
        template="deadline_due_today",
        channels=["email"],
    )
    LadderStep.objects.create(
        version=v,
        kind="escalation",
        offset=1,
        recipient="director",
        template="deadline_overdue",
        channels=["email", "in_app"],
    )
    return v


_COUNTS_QUERIES: dict[str, bool] = {}


@pytest.fixture(autouse=True)
def _serializers_answer_as_drf_does(request, monkeypatch):
    """Every answer a serializer of ours gives in the suite is also computed DRF's own
    way and must be the same (`workflows.api_serializers._FastRepresentation`), except
    in the tests that count queries: DRF's way reads the method fields a second time."""
    path = getattr(request.module, "__file__", "") or ""
    if path and path not in _COUNTS_QUERIES:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        _COUNTS_QUERIES[path] = any(
            s in source for s in ("CaptureQueriesContext", "num_queries", "captured_queries")
        )
    if not path or _COUNTS_QUERIES[path]:
        yield
        return
    from workflows import api_serializers

    fast = api_serializers._FastRepresentation.to_representation

    def checked(self, instance):
        ours = fast(self, instance)
        theirs = super(api_serializers._FastRepresentation, self).to_representation(instance)
        assert ours == theirs, (type(self).__name__, ours, theirs)
        return ours

    monkeypatch.setattr(api_serializers._FastRepresentation, "to_representation", checked)
    yield
