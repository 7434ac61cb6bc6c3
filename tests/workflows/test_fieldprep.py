"""The short ways of `workflows.fieldprep` give what the ORM's own methods give, for
every field of every installed model, on the database the suite runs on."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta, timezone

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext_lazy

from workflows import fieldprep

SAMPLES = [
    None,
    "",
    "chữ",
    "12",
    0,
    7,
    2**40,
    True,
    False,
    date(2024, 3, 29),
    datetime(2024, 3, 29, 8, 30, tzinfo=UTC),
    datetime(2024, 3, 29, 8, 30, tzinfo=timezone(timedelta(hours=7))),
    datetime(2024, 3, 29, 8, 30),  # naive: the ORM makes it aware (with a warning)
    gettext_lazy("Tiếp nhận"),
    {"a": 1},
]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if hasattr(a, "obj") and hasattr(b, "obj"):  # psycopg's Jsonb and similar wrappers
        return a.obj == b.obj
    return a == b


def _disagreement(field, value):
    to_param = fieldprep.prep(field)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            expected = field.get_db_prep_save(value, connection)
        except Exception as exc:  # the ORM refuses it: so must the short way
            try:
                to_param(value, connection)
            except type(exc):
                return None
            return "accepted what the ORM refuses"
        got = to_param(value, connection)
    return None if _same(got, expected) else f"{got!r} instead of {expected!r}"


def test_prep_agrees_with_the_orm_on_every_field_of_every_model():
    problems = []
    n = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            n += 1
            for value in SAMPLES:
                problem = _disagreement(field, value)
                if problem:
                    problems.append(f"{model._meta.label}.{field.name} ← {value!r}: {problem}")
    assert n > 500  # every app's models were looked at
    assert not problems, "\n".join(problems)


def test_the_short_ways_are_taken_for_the_common_fields():
    from workflows.models import AuditEntry, Deadline

    generic_name = "generic"
    for model, name in (
        (AuditEntry, "action"),
        (AuditEntry, "actor"),
        (Deadline, "due_date"),
        (Deadline, "paused"),
        (Deadline, "escalation_level"),
    ):
        assert fieldprep.prep(model._meta.get_field(name)).__name__ != generic_name, name
    assert fieldprep.value_getter(Deadline._meta.get_field("due_date")) is None
