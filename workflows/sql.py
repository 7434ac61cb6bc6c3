"""The engine's hot writes with their SQL built once per process.

A transition inserts an audit row, ledger rows, clock events and viewflow tasks, and
updates a few fields of the case, its clock and its ledger rows. The ORM compiles each
INSERT and UPDATE again every time, which cost about as much Python as PostgreSQL needs
to run it. `insert` and `save_fields` build the statement once per model, field list,
row count and database, then only convert the values and execute it. They do what
`Model.save()` / `bulk_create()` do for the engine's models — field `pre_save`
(auto_now, defaults), `get_db_prep_save`, the primary key read back — except sending
the `pre_save`/`post_save` signals, which none of these models has.

`sequence_next` numbers the engine's named series (dossier codes, register and decision
numbers) in one upsert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db import DatabaseError, connections, router
from django.db.models import Model

from .models import NamedSequence

_SQL: dict = {}
_KEY_LENGTH = NamedSequence._meta.get_field("key").max_length


def _insert_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]


def _related_ids(obj: Model, fields) -> None:
    # as Model.save(): a foreign key assigned before its object was saved takes its id
    for f in fields:
        if f.is_relation and f.many_to_one and f.is_cached(obj):
            related = f.get_cached_value(obj)
            if related is not None and getattr(obj, f.attname) is None:
                if related.pk is None:
                    raise ValueError(
                        f"save() prohibited to prevent data loss due to unsaved related "
                        f"object '{f.name}'."
                    )
                setattr(obj, f.attname, related.pk)


def insert(objs: Sequence[Model]) -> None:
    """INSERT `objs` (new instances of one model with an automatic primary key) in one
    statement; each gets its primary key, as `bulk_create` on PostgreSQL does."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    key = ("insert", model, len(objs), alias)
    built = _SQL.get(key)
    if built is None:
        fields = _insert_fields(model)
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        pk = model._meta.pk
        # identifiers come from the model; every value is a parameter
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * len(objs))} RETURNING {quote(pk.column)}"
        )
        built = _SQL[key] = (sql, fields, pk)
    sql, fields, pk = built
    params: list = []
    for obj in objs:
        _related_ids(obj, fields)
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, value in zip(objs, ids, strict=True):
        for converter in pk.get_db_converters(connection):
            value = converter(value, pk, connection)
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = alias


def save_fields(obj: Model, fields: Iterable[str]) -> None:
    """`obj.save(update_fields=fields)`: one UPDATE by primary key (raises DatabaseError
    when no row was updated, as Django does)."""
    model = type(obj)
    names = tuple(fields)
    alias = obj._state.db or router.db_for_write(model)
    connection = connections[alias]
    key = ("update", model, names, alias)
    built = _SQL.get(key)
    if built is None:
        opts = model._meta
        targets = [opts.get_field(name) for name in names]
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(f.column)} = %s" for f in targets)
        sql = (
            f"UPDATE {quote(opts.db_table)} SET {sets} "  # noqa: S608
            f"WHERE {quote(opts.pk.column)} = %s"
        )
        built = _SQL[key] = (sql, targets, opts.pk)
    sql, targets, pk = built
    _related_ids(obj, targets)
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in targets]
    params.append(pk.get_db_prep_value(obj.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def sequence_next(key: str, n: int = 1) -> int:
    """Take the next `n` values of the named sequence `key` and return the last one: the
    values taken are `last - n + 1` … `last`, the first of a new key is 1.

    One upsert (`workflows.models.NamedSequence`, PostgreSQL and SQLite >= 3.35) that
    keeps the row locked until the transaction commits, so two transactions never get
    the same value: the second waits for the first, and gets the value after the first's
    block once it commits, or the same block if it rolls back (a rolled-back number is
    given again, so a series has no gaps). Call it late in the transaction that uses
    the number: everyone numbering from the same key waits for that commit.

    `key` is `<app label>:<name of the series>` (`directives:assignment:2024`), the app
    being the one that numbers with it, so two apps' series never share a row."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"sequence_next: n must be an integer >= 1, not {n!r}")
    label, _sep, name = key.partition(":")
    if not name or label not in apps.app_configs or len(key) > _KEY_LENGTH:
        raise ValueError(
            f"sequence_next: {key!r} is not '<app label>:<name>' of at most "
            f"{_KEY_LENGTH} characters"
        )
    alias = router.db_for_write(NamedSequence)
    connection = connections[alias]
    built = _SQL.get(("sequence", alias))
    if built is None:
        quote = connection.ops.quote_name
        table, k, v = quote(NamedSequence._meta.db_table), quote("key"), quote("value")
        built = _SQL["sequence", alias] = (
            f"INSERT INTO {table} ({k}, {v}) VALUES (%s, %s) "  # noqa: S608 - our table
            f"ON CONFLICT ({k}) DO UPDATE SET {v} = {table}.{v} + excluded.{v} "
            f"RETURNING {v}"
        )
    with connection.cursor() as cursor:
        cursor.execute(built, [key, n])
        return cursor.fetchone()[0]
