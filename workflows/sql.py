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

from .fieldprep import prep, saver
from .models import NamedSequence

_SQL: dict = {}
_KEY_LENGTH = NamedSequence._meta.get_field("key").max_length

# Prepared statements a connection keeps (psycopg's default is 100; the engine's own
# statements over every procedure are a few hundred kinds, each a small plan).
PREPARED_MAX = 400
_PREPARED_CURSOR = None


def _prepared_cursor_class():
    global _PREPARED_CURSOR
    if _PREPARED_CURSOR is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparedCursor(ServerBindingCursor):
            """Every statement is prepared on the connection the first time it runs
            (psycopg keeps them per connection and drops them on rollback). One such
            cursor per connection is reused: `close()` only frees it for the next use."""

            in_use = False

            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(
                    query, params, prepare=True if prepare is None else prepare, binary=binary
                )

            def close(self) -> None:
                self.in_use = False

        _PREPARED_CURSOR = PreparedCursor
    return _PREPARED_CURSOR


def prepares(connection) -> bool:
    """True if `connection` runs the engine's statements as prepared statements: on
    PostgreSQL with psycopg 3 and `DATABASE_PREPARED_STATEMENTS` on (the settings give
    the connection a `prepare_threshold`)."""
    answer = getattr(connection, "_motcua_prepares", None)
    if answer is None:
        answer = connection._motcua_prepares = (
            connection.vendor == "postgresql"
            and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
            and getattr(connection.Database, "__version__", "2").startswith("3")
        )
    return answer


def cursor(connection):
    """A cursor for the engine's own statements, whose SQL text is the same every time
    (built once per process): prepared once per connection where `prepares`, so
    PostgreSQL parses and plans each once per connection instead of on every execution
    (a transition's locking read joins a dozen tables: planning it took 1.8 ms, running
    it 0.25 ms). Anywhere else, the connection's ordinary cursor. The cursor is Django's
    wrapper, so `execute_wrapper` and `assertNumQueries` see it; use it in a `with`
    block and read its results inside. While queries are logged (DEBUG, or a test
    capturing them) it is the ordinary cursor, whose log shows each statement with its
    values."""
    if not prepares(connection) or connection.queries_logged:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    c = getattr(connection, "_motcua_cursor", None)
    if c is None or c.connection is not raw or c.in_use:
        # the first use on this connection, or a statement while the kept cursor's
        # results are still being read: a cursor of its own (kept only in the first case)
        keep = c is None or c.connection is not raw
        with connection.wrap_database_errors:
            if raw.prepared_max != PREPARED_MAX:
                raw.prepared_max = PREPARED_MAX
            c = _prepared_cursor_class()(raw)
            _same_timezone(connection, c)
        if keep:
            connection._motcua_cursor = c
    c.in_use = True
    return connection._prepare_cursor(c)


def _same_timezone(connection, c) -> None:
    # as Django's own cursors: timestamps read in the connection's time zone
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    loader = connection.connection.adapters.get_loader(1184, Format.TEXT)  # timestamptz
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, c)


def _insert_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]


def _relations(fields) -> list:
    return [f for f in fields if f.is_relation and f.many_to_one]


def _related_ids(obj: Model, relations) -> None:
    # as Model.save(): a foreign key assigned before its object was saved takes its id
    for f in relations:
        if f.is_cached(obj):
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
        built = _SQL[key] = (sql, fields, pk, [saver(f) for f in fields], _relations(fields))
    sql, fields, pk, savers, relations = built
    params: list = []
    for obj in objs:
        _related_ids(obj, relations)
        params.extend(save(obj, True, connection) for save in savers)
    with cursor(connection) as c:
        c.execute(sql, params)
        ids = [row[0] for row in c.fetchall()]
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
        built = _SQL[key] = (sql, [saver(f) for f in targets], _relations(targets), opts.pk)
    sql, savers, relations, pk = built
    _related_ids(obj, relations)
    params = [save(obj, False, connection) for save in savers]
    params.append(pk.get_db_prep_value(obj.pk, connection))
    with cursor(connection) as c:
        c.execute(sql, params)
        if c.rowcount == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def update_sql(model, set_names: Sequence[str], where_names: Sequence[str], alias: str):
    """(sql, params_of) of `UPDATE <model> SET <set_names> = … WHERE <where_names> = …`
    (every condition an equality, joined by AND), built once per model, field lists and
    database; `params_of(values, where)` converts the values as `update()` would."""
    key = ("update_where", model, tuple(set_names), tuple(where_names), alias)
    built = _SQL.get(key)
    if built is None:
        connection = connections[alias]
        opts = model._meta
        quote = connection.ops.quote_name
        targets = [opts.get_field(name) for name in set_names]
        conditions = [opts.get_field(name) for name in where_names]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in targets)
        where = " AND ".join(f"{quote(f.column)} = %s" for f in conditions)
        sql = f"UPDATE {quote(opts.db_table)} SET {sets} WHERE {where}"  # noqa: S608

        preps = [prep(f) for f in targets]

        def params_of(values: dict, match: dict) -> list:
            # in the order of the names the statement was built for (dicts keep theirs)
            sets = zip(preps, values.values(), strict=True)
            wheres = zip(conditions, match.values(), strict=True)
            return [
                *(to_param(v, connection) for to_param, v in sets),
                *(f.get_db_prep_value(v, connection) for f, v in wheres),
            ]

        built = _SQL[key] = (sql, params_of)
    return built


def update(model, values: dict, where: dict) -> int:
    """`model.objects.filter(**where).update(**values)` for equality conditions on the
    model's own fields; a foreign key is given by its column's name and an id
    (`owner_user_id=3`). One statement whose SQL is built once per shape; returns the
    number of rows changed."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, params_of = update_sql(model, tuple(values), tuple(where), alias)
    with cursor(connection) as c:
        c.execute(sql, params_of(values, where))
        return c.rowcount


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
    with cursor(connection) as c:
        c.execute(built, [key, n])
        return c.fetchone()[0]


def compiled_values(key, build, value, connection) -> list[tuple]:
    """The rows of `build(sentinel)` — a values/values_list queryset whose one parameter
    is compared for equality — for `value`: its SQL is compiled by the ORM once per
    `key` and database, then run prepared (`cursor`) with only the value changed. For
    the reads every request makes (a user's roles, the public lookup)."""
    slot = (key, connection.alias)
    built = _SQL.get(slot)
    if built is None:
        sentinel = _SENTINELS[type(value)]
        sql, params = build(sentinel).query.sql_with_params()
        params = list(params)
        built = _SQL[slot] = (sql, params, params.index(sentinel))
    sql, params, at = built
    params = list(params)
    params[at] = value
    with cursor(connection) as c:
        c.execute(sql, params)
        return c.fetchall()


_SENTINELS = {int: -987_654_321, str: "motcua-compiled-values-sentinel"}
