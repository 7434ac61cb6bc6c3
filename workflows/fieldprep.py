"""What `Model.save()` sends for a field's value, decided once per field.

For every field of every row it writes, the ORM calls `pre_save`, `get_db_prep_save`,
`get_db_prep_value` and `get_prep_value` (and often `to_python`): some five calls that,
for a text, a number, a flag or a date already of the field's type, return the value
as it is (or wrap an integer the way the backend wants it). A transition writes some
hundred field values, so `workflows.sql` asks this module for each field's
`saver(field)` once: a function `(obj, add, connection) -> parameter` that takes the
short way for exactly those cases — decided by checking that the field's class still
has Django's own methods, never by the field's name — and calls the ORM's methods for
everything else. `tests/workflows/test_fieldprep.py` checks the two agree on every
field of every installed model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db.models import Field, fields
from django.db.models.fields.related import ForeignKey

_PREP = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")

Prep = Callable[[object, object], object]  # (value, connection) -> parameter


def _keeps(cls, base) -> bool:
    return all(getattr(cls, name) is getattr(base, name) for name in _PREP)


def prep(field: Field) -> Prep:
    """A function `(value, connection)` equal to `field.get_db_prep_save(value,
    connection)`."""
    cls = type(field)

    def generic(value, connection):
        return field.get_db_prep_save(value, connection)

    if isinstance(field, ForeignKey) and cls.get_db_prep_save is ForeignKey.get_db_prep_save:
        target = prep(field.target_field)
        empty_ok = field.target_field.empty_strings_allowed

        def related(value, connection):
            if value is None:
                return None
            if value == "" and (
                not empty_ok or connection.features.interprets_empty_strings_as_nulls
            ):
                return None
            return target(value, connection)

        return related
    if _keeps(cls, fields.CharField) or _keeps(cls, fields.TextField):
        return _when(str, lambda v, c: v, generic)
    if _keeps(cls, fields.BooleanField):
        return _when(bool, lambda v, c: v, generic)
    if isinstance(field, fields.AutoFieldMixin) and (
        cls.get_prep_value is fields.IntegerField.get_prep_value
        and cls.get_db_prep_value is fields.AutoFieldMixin.get_db_prep_value
        and cls.get_db_prep_save is Field.get_db_prep_save
    ):
        return _when(int, lambda v, c: c.ops.validate_autopk_value(v), generic)
    if isinstance(field, fields.IntegerField) and _keeps(cls, fields.IntegerField):
        internal = field.get_internal_type()
        return _when(int, lambda v, c: c.ops.adapt_integerfield_value(v, internal), generic)
    if _keeps(cls, fields.DateField) and not isinstance(field, fields.DateTimeField):
        return _when(date, lambda v, c: c.ops.adapt_datefield_value(v), generic)
    if _keeps(cls, fields.DateTimeField):

        def aware(v, c):  # a naive one is made aware, with a warning, by the ORM
            if v.utcoffset() is None:
                return generic(v, c)
            return c.ops.adapt_datetimefield_value(v)

        return _when(datetime, aware, generic)
    return generic


def _when(kind: type, fast: Prep, generic: Prep) -> Prep:
    """`fast` for a value of exactly `kind`, None for None, `generic` for the rest."""

    def to_param(value, connection):
        if value is None:
            return None
        if type(value) is kind:
            return fast(value, connection)
        return generic(value, connection)

    return to_param


def value_getter(field: Field) -> Callable[[object, bool], object] | None:
    """None if `field.pre_save(obj, add)` is just the attribute's value (no auto_now, no
    file to commit), else the field's own `pre_save`."""
    cls = type(field)
    plain = cls.pre_save is Field.pre_save or (
        cls.pre_save in (fields.DateField.pre_save, fields.DateTimeField.pre_save)
        and not field.auto_now
        and not field.auto_now_add
    )
    return None if plain else field.pre_save


def saver(field: Field):
    """`(obj, add, connection) -> parameter`: `field.get_db_prep_save(field.pre_save(obj,
    add), connection)`."""
    to_param = prep(field)
    getter = value_getter(field)
    attname = field.attname
    if getter is None:
        return lambda obj, add, c: to_param(getattr(obj, attname), c)
    return lambda obj, add, c: to_param(getter(obj, add), c)
