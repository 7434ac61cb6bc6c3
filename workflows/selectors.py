"""Reads of the deadline ledger and catalogue. Each costs a constant number of queries.

The catalogue (procedure versions with their time limits and ladders, role groups,
divisions) is read on every transition and changes a few times a year, so it is kept
per process (`_Catalogue`): a transition reads it from memory. Saving or deleting a
catalogue row in the admin (or anywhere: `workflows.signals`) clears the cache of that
process at once and bumps a generation number in the shared Django cache; every other
process compares its generation with the shared one at most once per
`CATALOGUE_RECHECK_SECONDS` (one cache read), and drops everything it holds after
`CATALOGUE_TTL_SECONDS` in any case (the bound when no shared cache is configured, as
with the in-process default). Objects handed out are shared: treat them as read-only.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_migrate
from django.utils import timezone

from . import sql
from .calendar import add_working_days
from .models import Deadline, Division, LadderStep, ProcedureVersion, TimeLimitRule

CATALOGUE_RECHECK_SECONDS = 1.0
CATALOGUE_TTL_SECONDS = 60.0
_GENERATION_KEY = "workflows:catalogue:generation"


class _Catalogue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.versions: dict[str, list[ProcedureVersion]] = {}
        self.by_id: dict[int, ProcedureVersion] = {}
        self.rules: dict[int, dict[str, TimeLimitRule]] = {}
        self.ladders: dict[int, list[LadderStep]] = {}
        self.groups: dict[str, Group | None] = {}
        self.divisions: dict[str, Division | None] = {}
        self.derived: dict[tuple, object] = {}
        self.loaded_at = time.monotonic()
        self.checked_at = self.loaded_at
        self.generation = self._shared_generation()

    @staticmethod
    def _shared_generation():
        try:
            return cache.get(_GENERATION_KEY)
        except Exception:  # a cache outage must not stop a transition
            return None

    def fresh(self) -> _Catalogue:
        now = time.monotonic()
        if now - self.loaded_at > CATALOGUE_TTL_SECONDS:
            self.clear()
        elif now - self.checked_at > CATALOGUE_RECHECK_SECONDS:
            self.checked_at = now
            if self._shared_generation() != self.generation:
                self.clear()
        return self

    def invalidate(self) -> None:
        try:
            if cache.add(_GENERATION_KEY, 1, timeout=None) is False:
                cache.incr(_GENERATION_KEY)
        except Exception:  # noqa: S110 - the TTL still bounds staleness
            pass
        self.clear()

    # --- loaders ---------------------------------------------------------------------
    def version_list(self, code: str) -> list[ProcedureVersion]:
        versions = self.versions.get(code)
        if versions is None:
            versions = list(
                ProcedureVersion.objects.select_related("procedure")
                .filter(procedure__code=code)
                .order_by("-applies_from")
            )
            with self._lock:
                self.versions[code] = versions
                for v in versions:
                    self.by_id[v.pk] = v
        return versions

    def version(self, pk: int) -> ProcedureVersion:
        v = self.by_id.get(pk)
        if v is None:
            v = ProcedureVersion.objects.select_related("procedure").get(pk=pk)
            self.by_id[pk] = v
        return v

    def rule(self, version_id: int, stage: str) -> TimeLimitRule:
        rules = self.rules.get(version_id)
        if rules is None:
            rules = {r.stage: r for r in TimeLimitRule.objects.filter(version_id=version_id)}
            version = self.version(version_id)
            for r in rules.values():
                r.version = version  # rule.version costs no query
            self.rules[version_id] = rules
        try:
            return rules[stage]
        except KeyError:
            raise TimeLimitRule.DoesNotExist(
                f"no time limit {stage!r} in procedure version {version_id}"
            ) from None

    def ladder(self, version_id: int) -> list[LadderStep]:
        steps = self.ladders.get(version_id)
        if steps is None:
            steps = list(LadderStep.objects.filter(version_id=version_id))
            self.ladders[version_id] = steps
        return steps

    def group(self, name: str) -> Group | None:
        if name not in self.groups:
            self.groups[name] = Group.objects.filter(name=name).first()
        return self.groups[name]

    def derive(self, key: tuple, compute):
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]

    def division(self, code: str) -> Division | None:
        if code not in self.divisions:
            self.divisions[code] = Division.objects.filter(code=code).first()
        return self.divisions[code]


_catalogue = _Catalogue()


def catalogue_invalidate() -> None:
    """Forget the cached catalogue here and tell the other processes (signals call it)."""
    _catalogue.invalidate()


def catalogue_clear_local() -> None:
    """Forget the cached catalogue of this process only (tests)."""
    _catalogue.clear()


def procedure_version_for(code: str, on: date | None = None) -> ProcedureVersion:
    """The version of procedure `code` in force on `on` (today by default). Cached."""
    on = on or timezone.localdate()
    for version in _catalogue.fresh().version_list(code):
        if version.applies_from <= on:
            return version
    raise ProcedureVersion.DoesNotExist(f"no version of {code!r} applies on {on}")


def procedure_version(pk: int) -> ProcedureVersion:
    """A procedure version by id, with its procedure. Cached."""
    return _catalogue.fresh().version(pk)


def time_limit_rule(version_id: int, stage: str) -> TimeLimitRule:
    """The time limit of `stage` in a procedure version. Cached."""
    return _catalogue.fresh().rule(version_id, stage)


def ladder_steps(version_id: int) -> list[LadderStep]:
    """Every ladder step of a procedure version (unsorted). Cached."""
    return _catalogue.fresh().ladder(version_id)


def role_group(name: str) -> Group | None:
    """The group of a role. Cached."""
    return _catalogue.fresh().group(name)


def catalogue_derived(key: tuple, compute):
    """What a procedure computes from its catalogue rows (e.g. its time limits with the
    province's overrides), computed once and forgotten with the rest of the cached
    catalogue when the admin saves a row. The value is shared: callers must not change it."""
    return _catalogue.fresh().derive(key, compute)


def division_by_code(code: str) -> Division | None:
    """A division by its code. Cached."""
    return _catalogue.fresh().division(code)


def deadlines_open(
    *,
    owner_user=None,
    division=None,
    procedure_code: str | None = None,
    kind: str | None = None,
) -> QuerySet[Deadline]:
    """Open, running obligations (paused ones wait for the applicant)."""
    qs = Deadline.objects.filter(state=Deadline.State.OPEN, paused=False).select_related(
        "owner_user", "owner_division", "owner_group"
    )
    if owner_user is not None:
        qs = qs.filter(owner_user=owner_user)
    if division is not None:
        qs = qs.filter(owner_division=division)
    if procedure_code:
        qs = qs.filter(procedure_code=procedure_code)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("due_date", "id")


def deadlines_overdue(*, today: date | None = None, **filters) -> QuerySet[Deadline]:
    today = today or timezone.localdate()
    return deadlines_open(**filters).filter(due_date__lt=today)


def deadlines_due_within(*, days: int, today: date | None = None, **filters) -> QuerySet[Deadline]:
    """Due from today up to `days` working days ahead (not yet overdue)."""
    today = today or timezone.localdate()
    return deadlines_open(**filters).filter(
        due_date__gte=today, due_date__lte=add_working_days(today, days)
    )


def deadline_counts(
    *, group_by: str, today: date | None = None, soon_days: int = 2, **filters
) -> list[dict]:
    """Overdue / due-soon / open counts per `group_by` ('owner_division', 'owner_user',
    'procedure_code'), aggregated in one query."""
    allowed = {
        "owner_division": ["owner_division_id", "owner_division__name"],
        "owner_user": [
            "owner_user_id",
            "owner_user__username",
            "owner_user__last_name",
            "owner_user__first_name",
        ],
        "procedure_code": ["procedure_code"],
    }
    today = today or timezone.localdate()
    soon = add_working_days(today, soon_days)
    return list(
        deadlines_open(**filters)
        .order_by()
        .values(*allowed[group_by])
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=today)),
            due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=soon)),
        )
        .order_by("-overdue", "-due_soon")
    )


def on_time_rate(*, start: date, end: date, **filters) -> dict:
    """Closed obligations in [start, end]: met, missed and the on-time percentage."""
    qs = Deadline.objects.filter(closed_on__gte=start, closed_on__lte=end)
    if filters.get("procedure_code"):
        qs = qs.filter(procedure_code=filters["procedure_code"])
    agg = qs.aggregate(
        met=Count("id", filter=Q(state=Deadline.State.MET)),
        missed=Count("id", filter=Q(state=Deadline.State.MISSED)),
    )
    done = agg["met"] + agg["missed"]
    agg["rate"] = round(100 * agg["met"] / done, 1) if done else None
    return agg


# --- hot reads compiled once ------------------------------------------------------------
# A transition's locking read (the case with its clocks, catalogue version, people and
# the task holder joined) and the flow's task read cost several milliseconds of Python
# to compile each time, far more than PostgreSQL needs to run them. `compiled_rows`
# compiles such a queryset once per process, database and key with placeholder values,
# then runs the same SQL with the real values and builds the objects as the ORM would
# (select_related rows, annotations, converters). The SQL depends only on the schema and
# on what the key names; it is dropped after `migrate`/`flush` (content type ids).
_COMPILED: dict = {}
_COMPILED_LOCK = threading.Lock()
_INT_PLACEHOLDER = 2_146_917_301  # a value no constant of these queries has; fits any int column


class _Compiled:
    def __init__(self, qs: QuerySet, placeholders: tuple) -> None:
        from django.db.models.query import get_related_populators

        compiler = qs.query.get_compiler(qs.db)
        sql, params = compiler.as_sql()
        params = list(params)
        self.slots = []
        for value in placeholders:
            # a parameter may come wrapped in a subclass (psycopg's Int4 for a 32-bit
            # column): the real value is wrapped the same way
            at = [
                (i, type(p))
                for i, p in enumerate(params)
                if isinstance(p, type(value)) and p == value
            ]
            self.slots.append(at)
        if any(not at for at in self.slots):  # pragma: no cover - a value not passed as is
            raise ValueError("compiled_rows: a placeholder is not a parameter of the SQL")
        self.sql, self.params = sql, params
        self.for_update = bool(qs.query.select_for_update)
        klass_info = compiler.klass_info
        select = compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, qs.db)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.db = qs.db
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self.converters = tuple(converters.items())

    def run(self, values: tuple) -> list:
        from django.db import connections
        from django.db.transaction import TransactionManagementError

        connection = connections[self.db]
        if self.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(self.params)
        for at, value in zip(self.slots, values, strict=True):
            for i, cast in at:
                params[i] = value if cast is type(value) else cast(value)
        with sql.cursor(connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        objs = []
        for row in rows:
            if self.converters:  # as the ORM's, with this thread's connection
                row = list(row)
                for pos, (convs, expression) in self.converters:
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
            obj = _from_db(self.model, self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                _populate(populator, row, obj)
            for name, pos in self.annotations:
                setattr(obj, name, row[pos])
            objs.append(obj)
        return objs


_PLAIN: dict = {}


def _plain_fields(model) -> tuple | None:
    """The attnames of `model`'s concrete fields if an instance read from the database
    can be made by filling its `__dict__` — what `Model.__init__` does with a full row,
    field by field — else None: the model overrides `from_db` or `__init__`, something
    listens to its init signals, or a field's descriptor does more than store the value
    (django-fsm's state proxies)."""
    plain = _PLAIN.get(model, False)
    if plain is False:
        from django.db.models import Model
        from django.db.models.signals import post_init, pre_init

        fields = model._meta.concrete_fields
        ok = (
            model.from_db.__func__ is Model.from_db.__func__
            and model.__init__ is Model.__init__
            and not pre_init.has_listeners(model)
            and not post_init.has_listeners(model)
            and not any(getattr(f, "state_proxy", None) for f in fields)
        )
        plain = _PLAIN[model] = tuple(f.attname for f in fields) if ok else None
    return plain


def _from_db(model, db, init_list, values):
    """`model.from_db(db, init_list, values)`, about four times faster for a full row of
    a plain model (a transition reads some ten objects in its locking query)."""
    names = _plain_fields(model)
    if names is None or len(values) != len(names):
        return model.from_db(db, init_list, values)
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = ModelState()
    state.adding = False
    state.db = db
    obj._state = state
    return obj


def _populate(p, row, from_obj) -> None:
    # Django's RelatedPopulator.populate, making its objects with `_from_db`
    data = p.reorder_for_init(row) if p.reorder_for_init else row[p.cols_start : p.cols_end]
    if data[p.pk_idx] is None:
        obj = None
    else:
        obj = _from_db(p.model_cls, p.db, p.init_list, data)
        for child in p.related_populators:
            _populate(child, row, obj)
    p.local_setter(from_obj, obj)
    if obj is not None:
        p.remote_setter(obj, from_obj)


def _placeholder(i: int, value):
    if isinstance(value, int):
        return _INT_PLACEHOLDER - i
    return f"motcua-placeholder-{i}"


def compiled_rows(key, build, *values) -> list:
    """`list(build(*values))`, the queryset's SQL compiled once per process for `key`.

    `build` must use each value only as a plain query parameter (compared for equality),
    and `key` must name everything else the queryset depends on.
    """
    from django.db import connection

    slot = (key, connection.alias, tuple(type(v) for v in values))
    compiled = _COMPILED.get(slot)
    if compiled is None:
        placeholders = tuple(_placeholder(i, v) for i, v in enumerate(values))
        compiled = _Compiled(build(*placeholders), placeholders)
        with _COMPILED_LOCK:
            _COMPILED[slot] = compiled
    return compiled.run(values)


def compiled_get(key, build, pk):
    """`build().get(pk=pk)` through `compiled_rows` (raises the model's DoesNotExist)."""
    rows = compiled_rows(key, lambda p: build().filter(pk=p).order_by(), pk)
    if not rows:
        model = build().model
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    return rows[0]


def compiled_prefetch(obj, name: str, key, build, *values) -> list:
    """Read `obj.<name>.all()` (a reverse relation) with `compiled_rows(key, build, *values)`
    and keep it as Django's prefetch would, so the related manager answers from it."""
    rows = compiled_rows(key, build, *values)
    qs = getattr(obj, name).all()
    qs._result_cache = rows
    qs._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = qs
    return rows


def _compiled_clear(**kwargs) -> None:
    with _COMPILED_LOCK:
        _COMPILED.clear()
        _PLAIN.clear()


post_migrate.connect(_compiled_clear, dispatch_uid="workflows.selectors.compiled_clear")
