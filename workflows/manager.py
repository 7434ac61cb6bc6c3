"""The managers' view of the deadline ledger across procedures: who sees what (scope),
the counts (read from a tally kept fresh in SQL), the on-time rate per quarter, and the
live list of rows.

Why a tally: counting the 200,000 open rows of a busy department by division, officer,
procedure, step and age is a scan of every open row on each page view (see
docs-manager.md for the figures); the tally holds the same counts in a few thousand
rows, refreshed by the beat every minute (`workflows.refresh_ledger_tally`) and on
demand when it is older than `TALLY_MAX_AGE` or from another day. The rows of the list
stay live: `LIMIT 25` in due order on the open rows' partial indexes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncQuarter
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import registry
from .calendar import add_working_days
from .models import (
    Deadline,
    Division,
    LedgerQuarterTally,
    LedgerTally,
    LedgerTallyStamp,
    Procedure,
)
from .periods import Quarter
from .roles import Role, has_role, is_staff_member, user_division
from .selectors import division_by_code

TALLY_MAX_AGE = timedelta(seconds=60)
SOON_WORKING_DAYS = 2
QUARTERS_SHOWN = 6
PAGE_SIZE = 25

LATE_1_5, LATE_6_10, LATE_11_30, LATE_31 = "late_1_5", "late_6_10", "late_11_30", "late_31"
SOON, LATER = "soon", "later"
LATE_BUCKETS = (LATE_1_5, LATE_6_10, LATE_11_30, LATE_31)
BUCKETS = (*LATE_BUCKETS, SOON, LATER)
# days late, inclusive (None: no upper end)
AGE_RANGES = {LATE_1_5: (1, 5), LATE_6_10: (6, 10), LATE_11_30: (11, 30), LATE_31: (31, None)}
AGE_LABELS = {
    LATE_1_5: _("1–5 ngày"),
    LATE_6_10: _("6–10 ngày"),
    LATE_11_30: _("11–30 ngày"),
    LATE_31: _("Trên 30 ngày"),
}
WINDOWS = {
    "attention": _("Quá hạn và sắp đến hạn"),
    "overdue": _("Quá hạn"),
    "soon": _("Sắp đến hạn"),
    "open": _("Tất cả đang mở"),
}
WINDOW_BUCKETS = {
    "attention": (*LATE_BUCKETS, SOON),
    "overdue": LATE_BUCKETS,
    "soon": (SOON,),
    "open": BUCKETS,
}


# --- pure rules --------------------------------------------------------------------------
def soon_until(today: date) -> date:
    """The last day counted as due soon: two working days ahead."""
    return add_working_days(today, SOON_WORKING_DAYS)


def bucket_of(due: date, today: date, soon_limit: date) -> str:
    """The bucket of an open row due on `due`: how many calendar days late, or due soon
    (today up to `soon_limit`), or later."""
    late = (today - due).days
    if late >= 31:
        return LATE_31
    if late >= 11:
        return LATE_11_30
    if late >= 6:
        return LATE_6_10
    if late >= 1:
        return LATE_1_5
    return SOON if due <= soon_limit else LATER


def bucket_due_range(bucket: str, today: date, soon_limit: date) -> tuple[date | None, date | None]:
    """The due dates of a bucket, inclusive (None: unbounded)."""
    if bucket == SOON:
        return today, soon_limit
    if bucket == LATER:
        return soon_limit + timedelta(days=1), None
    low, high = AGE_RANGES[bucket]
    return (today - timedelta(days=high) if high else None), today - timedelta(days=low)


def quarters_shown(today: date) -> list[Quarter]:
    """The last `QUARTERS_SHOWN` quarters, oldest first, the current one last."""
    q = Quarter.containing(today)
    out = [q]
    for _i in range(QUARTERS_SHOWN - 1):
        q = q.previous()
        out.append(q)
    return out[::-1]


# --- who sees what -----------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """What part of the ledger a person sees: the department, one division, their own rows."""

    level: str  # "department" | "division" | "own"
    division_id: int | None = None
    user_id: int | None = None


def scope_for(user, *, own: bool = False) -> Scope:
    """The director (and a superuser) see the department; a head of division their
    division; every other officer their own rows. Others are refused."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not (user.is_superuser or is_staff_member(user)):
        raise PermissionDenied(_("Trang này dành cho cán bộ của Sở."))
    if own:
        return Scope("own", user_id=user.pk)
    if user.is_superuser or has_role(user, Role.DIRECTOR):
        return Scope("department")
    if has_role(user, Role.HEAD_OF_DIVISION):
        code = user_division(user)
        division = division_by_code(code) if code else None
        if division is not None:
            return Scope("division", division_id=division.pk)
    return Scope("own", user_id=user.pk)


# --- filters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    division: int | None = None
    officer: int | None = None  # an owner user
    role: int | None = None  # unassigned rows waiting for this role (group id)
    unassigned: bool = False  # rows with neither user nor role
    procedure: str = ""
    step: tuple[int, str] | None = None  # (content type id, ledger kind)
    window: str = "attention"
    age: str = ""
    q: str = ""
    quarter: Quarter | None = None  # closed rows of a quarter (the on-time chart)
    state: str = ""  # with quarter: "met" or "missed" or both

    def params(self, **changes) -> dict[str, str]:
        """The query string of these filters with `changes` (None removes a key)."""
        f = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        out = {
            "division": f.division,
            "officer": f"role-{f.role}"
            if f.role
            else ("none" if f.unassigned else (f.officer or None)),
            "procedure": f.procedure or None,
            "step": (f.step if isinstance(f.step, str) else step_param(*f.step))
            if f.step
            else None,
            "window": f.window if f.window != "attention" else None,
            "age": f.age or None,
            "q": f.q or None,
            "quarter": f.quarter.code if f.quarter else None,
            "state": f.state or None,
        }
        return {k: str(v) for k, v in out.items() if v is not None}


def step_param(content_type_id: int, kind: str) -> str:
    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}:{kind}"


def _int(value: str, what) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(  # noqa: B904 (the value is in the message)
            _("Giá trị “%(v)s” của %(what)s không hợp lệ.") % {"v": value, "what": what}
        )
    if number <= 0:
        raise BadRequest(
            _("Giá trị “%(v)s” của %(what)s không hợp lệ.") % {"v": value, "what": what}
        )
    return number


def filters_from(params, scope: Scope) -> Filters:
    """The filters of a request's GET. A value that cannot be read is a 400; a division
    or an officer outside the person's scope is refused (403), never silently widened."""
    f = {}
    if value := params.get("division", "").strip():
        f["division"] = _int(value, _("đơn vị"))
        if scope.level == "division" and f["division"] != scope.division_id:
            raise PermissionDenied(_("Bạn chỉ xem được số liệu của đơn vị mình."))
        if scope.level == "own":
            raise PermissionDenied(_("Bạn chỉ xem được việc của mình."))
    if value := params.get("officer", "").strip():
        if value == "none":
            f["unassigned"] = True
        elif value.startswith("role-"):
            f["role"] = _int(value[5:], _("vai trò"))
        else:
            f["officer"] = _int(value, _("cán bộ"))
        if scope.level == "own" and f.get("officer") != scope.user_id:
            raise PermissionDenied(_("Bạn chỉ xem được việc của mình."))
    if value := params.get("procedure", "").strip():
        f["procedure"] = value[:60]
    if value := params.get("step", "").strip():
        model, _sep, kind = value.partition(":")
        app_label, _dot, model_name = model.partition(".")
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            raise BadRequest(_("Bước xử lý “%(v)s” không hợp lệ.") % {"v": value}) from None
        if not kind:
            raise BadRequest(_("Bước xử lý “%(v)s” không hợp lệ.") % {"v": value})
        f["step"] = (ct.pk, kind[:60])
    window = params.get("window", "").strip() or "attention"
    if window not in WINDOWS and window != "closed":
        raise BadRequest(_("Danh sách “%(v)s” không hợp lệ.") % {"v": window})
    f["window"] = window
    if value := params.get("age", "").strip():
        if value not in AGE_RANGES:
            raise BadRequest(_("Nhóm số ngày quá hạn “%(v)s” không hợp lệ.") % {"v": value})
        f["age"] = value
        f["window"] = "overdue"
    if value := params.get("quarter", "").strip():
        try:
            f["quarter"] = Quarter.parse(value)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        f["window"] = "closed"
        state = params.get("state", "").strip()
        if state and state not in (Deadline.State.MET, Deadline.State.MISSED):
            raise BadRequest(_("Tình trạng “%(v)s” không hợp lệ.") % {"v": state})
        f["state"] = state
    elif window == "closed":
        raise BadRequest(_("Hãy chọn một quý."))
    f["q"] = params.get("q", "").strip()[:100]
    return Filters(**f)


def _narrow(qs: QuerySet, scope: Scope, f: Filters, *, ledger: bool, groups: bool = True):
    """The scope and the filters on the ledger (`ledger`) or on a tally."""
    pre = "owner_" if ledger else ""
    if scope.division_id:
        qs = qs.filter(**{f"{pre}division_id": scope.division_id})
    if scope.user_id:
        qs = qs.filter(**{f"{pre}user_id": scope.user_id})
    if f.division:
        qs = qs.filter(**{f"{pre}division_id": f.division})
    if f.officer:
        qs = qs.filter(**{f"{pre}user_id": f.officer})
    if f.role and groups:
        qs = qs.filter(**{f"{pre}user_id__isnull": True, f"{pre}group_id": f.role})
    if f.unassigned:
        qs = qs.filter(**{f"{pre}user_id__isnull": True})
        if groups:
            qs = qs.filter(**{f"{pre}group_id__isnull": True})
    if f.procedure:
        qs = qs.filter(procedure_code=f.procedure)
    if f.step:
        qs = qs.filter(content_type_id=f.step[0], kind=f.step[1])
    return qs


# --- the tally ---------------------------------------------------------------------------
def _bucket_expression(today: date, soon_limit: date) -> Case:
    return Case(
        When(due_date__lt=today - timedelta(days=30), then=Value(LATE_31)),
        When(due_date__lt=today - timedelta(days=10), then=Value(LATE_11_30)),
        When(due_date__lt=today - timedelta(days=5), then=Value(LATE_6_10)),
        When(due_date__lt=today, then=Value(LATE_1_5)),
        When(due_date__lte=soon_limit, then=Value(SOON)),
        default=Value(LATER),
        output_field=CharField(),
    )


def _insert_select(model, columns: list[str], qs: QuerySet) -> None:
    """INSERT INTO model (columns) SELECT … of a grouped queryset whose SELECT lists the
    same columns in the same order (its fields first, then its annotations)."""
    sql, params = qs.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({cols}) {sql}", params)  # noqa: S608


def _open_rows_grouped(today: date) -> QuerySet:
    return (
        Deadline.objects.filter(state=Deadline.State.OPEN, paused=False)
        .order_by()
        .annotate(bucket=_bucket_expression(today, soon_until(today)))
        .values(
            "owner_division_id",
            "owner_user_id",
            "owner_group_id",
            "procedure_code",
            "content_type_id",
            "kind",
            "bucket",
        )
        .annotate(n=Count("id"))
    )


def _closed_rows_grouped(since: date, *, before: date | None = None, today: bool) -> QuerySet:
    closed = (Deadline.State.MET, Deadline.State.MISSED)
    qs = Deadline.objects.filter(state__in=closed, closed_on__gte=since)
    if before is not None:
        qs = qs.filter(closed_on__lt=before)
    return (
        qs.order_by()
        .annotate(quarter=TruncQuarter("closed_on"), today=Value(today))
        .values(
            "owner_division_id",
            "owner_user_id",
            "procedure_code",
            "content_type_id",
            "kind",
            "quarter",
            "today",
        )
        .annotate(
            met=Count("id", filter=Q(state=Deadline.State.MET)),
            missed=Count("id", filter=Q(state=Deadline.State.MISSED)),
        )
    )


def tally_refresh(*, now: datetime | None = None, wait: bool = True) -> LedgerTallyStamp | None:
    """Count the open rows again, and the closed rows of the quarters not yet final, in
    SQL (DELETE + INSERT … SELECT, one transaction: readers see the old counts until it
    commits). Refreshes are serialised on the stamp row; with `wait=False` a refresh
    already running elsewhere is left to finish (returns None)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        LedgerTallyStamp.objects.get_or_create(
            pk=1, defaults={"computed_at": now, "as_of": today, "final_until": None}
        )
        locking = LedgerTallyStamp.objects.filter(pk=1)
        if not wait and connection.features.has_select_for_update_skip_locked:
            locking = locking.select_for_update(skip_locked=True)
        else:
            locking = locking.select_for_update()
        stamp = locking.first()
        if stamp is None:
            return None
        if connection.vendor == "postgresql":  # room to group 200,000 rows in memory
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '32MB'")
        LedgerTally.objects.all().delete()
        _insert_select(
            LedgerTally,
            ["division", "user", "group", "procedure_code", "content_type", "kind", "bucket", "n"],
            _open_rows_grouped(today),
        )
        # closed rows: the days before today are counted once a day (or once for the
        # quarters shown, the first time), today's closings at every refresh
        current = Quarter.containing(today).start
        window_start = quarters_shown(today)[0].start
        columns = [
            *("division", "user", "procedure_code", "content_type", "kind", "quarter"),
            *("today", "met", "missed"),
        ]
        if stamp.final_until is None or stamp.final_until < window_start:
            since = window_start
        elif stamp.as_of != today:
            since = min(stamp.final_until, current)
        else:
            since = None
        if since is not None:
            LedgerQuarterTally.objects.filter(quarter__gte=since).delete()
            _insert_select(
                LedgerQuarterTally, columns, _closed_rows_grouped(since, before=today, today=False)
            )
        LedgerQuarterTally.objects.filter(today=True).delete()
        _insert_select(LedgerQuarterTally, columns, _closed_rows_grouped(today, today=True))
        stamp.computed_at, stamp.as_of, stamp.final_until = now, today, current
        stamp.save(update_fields=["computed_at", "as_of", "final_until"])
    return stamp


def tally_current(*, now: datetime | None = None) -> LedgerTallyStamp:
    """The tally's stamp, refreshed first when it is missing, older than
    `TALLY_MAX_AGE` or from another day."""
    now = now or timezone.now()
    stamp = LedgerTallyStamp.objects.filter(pk=1)
    if connection.vendor == "postgresql":  # the refresh's transaction: see counts_cached
        stamp = stamp.annotate(version=RawSQL("xmin::text", ()))
    stamp = stamp.first()
    if (
        stamp is None
        or stamp.as_of != timezone.localdate(now)
        or now - stamp.computed_at > TALLY_MAX_AGE
        or stamp.computed_at > now  # the clock moved back (tests)
    ):
        stamp = (
            tally_refresh(now=now, wait=stamp is None or stamp.as_of != timezone.localdate(now))
            or stamp
        )
    return stamp


# --- the counts --------------------------------------------------------------------------
def tally_sums(qs: QuerySet, *fields: str) -> list[dict]:
    """Overdue, due-soon and total counts of a tally queryset per `fields`, one query."""
    return _sums(qs, *fields)


def _sums(qs: QuerySet, *fields: str) -> list[dict]:
    return list(
        qs.values(*fields)
        .annotate(
            overdue=Coalesce(Sum("n", filter=Q(bucket__in=LATE_BUCKETS)), 0),
            due_soon=Coalesce(Sum("n", filter=Q(bucket=SOON)), 0),
            total=Coalesce(Sum("n"), 0),
        )
        .order_by("-overdue", "-due_soon", *fields)
    )


def source_for(content_type_id: int, procedure_code: str = "") -> registry.LedgerSource | None:
    """The registered source of a case model (the one naming the procedure first)."""
    ct = ContentType.objects.get_for_id(content_type_id)
    label = f"{ct.app_label}.{ct.model}"
    fallback = None
    for source in registry.ledger_sources:
        if source.model.lower() == label:
            if procedure_code and procedure_code in source.procedure_codes:
                return source
            fallback = fallback or source
    return fallback


def step_label(content_type_id: int, kind: str, procedure_code: str = "") -> str:
    source = source_for(content_type_id, procedure_code)
    return str(source.kind_label(kind)) if source else kind


def owner_label(*, username=None, last_name="", first_name="", group_name=None) -> str:
    if username:
        return f"{last_name or ''} {first_name or ''}".strip() or username
    if group_name:
        try:
            role = Role(group_name).label
        except ValueError:
            role = group_name
        return str(_("Chưa giao — %(role)s") % {"role": role})
    return str(_("(chưa giao)"))


_OFFICER_FIELDS = (
    "user_id",
    "user__username",
    "user__last_name",
    "user__first_name",
    "group_id",
    "group__name",
)
# GROUPING SETS of the tally: (the set's key in the result, its columns)
_SETS = [
    ("buckets", ["bucket"]),
    ("division", ["division_id"]),
    ("officer", ["user_id", "group_id"]),
    ("procedure", ["procedure_code"]),
    ("step", ["content_type_id", "kind", "procedure_code"]),
]
_SET_COLUMNS = dict(_SETS)
_GROUPED = [
    "bucket",
    "division_id",
    "user_id",
    "group_id",
    "procedure_code",
    "content_type_id",
    "kind",
]
# the names joined to the grouped rows: (column, table alias, its column)
_NAMES = [
    ("division__name", "d", "name"),
    ("user__username", "u", "username"),
    ("user__last_name", "u", "last_name"),
    ("user__first_name", "u", "first_name"),
    ("group__name", "g", "name"),
    ("procedure__name", "p", "name_vi"),
]
_SET_KEYS = {
    "buckets": ["bucket"],
    "division": ["division_id", "division__name"],
    "officer": list(_OFFICER_FIELDS),
    "procedure": ["procedure_code", "procedure__name"],
    "step": ["content_type_id", "kind", "procedure_code"],
}


def _grouping_sets(base: QuerySet) -> tuple[list[dict], ...]:
    """The five groupings of the page in one query: PostgreSQL's GROUPING SETS over the
    tally rows of the scope and filters, then the names joined to the few grouped rows
    (grouping the narrow tally columns first lets PostgreSQL hash all five sets at once;
    grouping the rows with their names joined sorted 2,400 wide rows four times)."""
    inner, params = base.values(*_GROUPED, "n").query.sql_with_params()
    qn = connection.ops.quote_name
    sets = ", ".join("(" + ", ".join(f"t.{c}" for c in cols) + ")" for _k, cols in _SETS)
    late = ", ".join(f"'{b}'" for b in LATE_BUCKETS)
    grouping = ", ".join(f"GROUPING({', '.join(f't.{c}' for c in cols)})" for _k, cols in _SETS)
    statement = f"""
        SELECT s.*, {", ".join(f"{alias}.{col}" for _n, alias, col in _NAMES)}
        FROM (
            SELECT {", ".join(f"t.{c}" for c in _GROUPED)},
                   ARRAY[{grouping}] AS sets,
                   COALESCE(SUM(t.n) FILTER (WHERE t.bucket IN ({late})), 0) AS overdue,
                   COALESCE(SUM(t.n) FILTER (WHERE t.bucket = '{SOON}'), 0) AS due_soon,
                   COALESCE(SUM(t.n), 0) AS total
            FROM ({inner}) t
            GROUP BY GROUPING SETS ({sets})
        ) s
        LEFT JOIN {qn(Division._meta.db_table)} d ON d.id = s.division_id
        LEFT JOIN {qn(get_user_model()._meta.db_table)} u ON u.id = s.user_id
        LEFT JOIN {qn(Group._meta.db_table)} g ON g.id = s.group_id
        LEFT JOIN {qn(Procedure._meta.db_table)} p ON p.code = s.procedure_code
    """  # noqa: S608 (table names and constants; values are parameters)
    out: dict[str, list[dict]] = {k: [] for k, _c in _SETS}
    columns = [*_GROUPED, "sets", "overdue", "due_soon", "total", *(n for n, _a, _c in _NAMES)]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        records = cursor.fetchall()
    for record in records:
        values = dict(zip(columns, record, strict=True))
        # a row of a set has GROUPING() 0 for its own set and for every set whose
        # columns are among its own (a step's row also for the procedure's set): it
        # belongs to the widest of them
        key = max(
            (k for (k, cols), flag in zip(_SETS, values["sets"], strict=True) if flag == 0),
            key=lambda k: len(_SET_COLUMNS[k]),
        )
        row = {k: values[k] for k in _SET_KEYS[key]}
        row["overdue"], row["due_soon"] = values["overdue"], values["due_soon"]
        row["total"] = values["total"]
        out[key].append(row)
    for key in ("division", "officer", "procedure", "step"):
        out[key].sort(key=lambda r: (-r["overdue"], -r["due_soon"], str(r[_SET_KEYS[key][0]])))
    return out["buckets"], out["division"], out["officer"], out["procedure"], out["step"]


def counts(scope: Scope, f: Filters) -> dict:
    """Every count of the page from the tally: totals per bucket, and overdue / due
    soon per division, officer, procedure and step. One query on PostgreSQL (five
    elsewhere), whatever the number of rows."""
    base = _narrow(LedgerTally.objects.all(), scope, f, ledger=False)
    buckets = dict.fromkeys(BUCKETS, 0)
    names = None
    if connection.vendor == "postgresql":
        bucket_rows, by_division, by_officer, by_procedure, by_step = _grouping_sets(base)
        names = {r["procedure_code"]: r["procedure__name"] for r in by_procedure}
    else:  # five small GROUP BYs where GROUPING SETS is not available
        bucket_rows = base.values("bucket").annotate(total=Sum("n")).order_by()
        by_division = _sums(base, "division_id", "division__name")
        by_officer = _sums(base, *_OFFICER_FIELDS)
        by_procedure = _sums(base, "procedure_code")
        by_step = _sums(base, "content_type_id", "kind", "procedure_code")
    for row in bucket_rows:
        buckets[row["bucket"]] = row["total"]
    for row in by_officer:
        row["label"] = owner_label(
            username=row["user__username"],
            last_name=row["user__last_name"],
            first_name=row["user__first_name"],
            group_name=None if row["user_id"] else row["group__name"],
        )
        if row["user_id"]:
            row["officer"] = str(row["user_id"])
        elif row["group_id"]:
            row["officer"] = f"role-{row['group_id']}"
        else:
            row["officer"] = "none"
    # the unassigned rows of one role whichever their group in the tally: merge by officer
    by_officer = _merge(by_officer, "officer")
    if names is None:
        names = dict(
            Procedure.objects.filter(
                code__in=[r["procedure_code"] for r in by_procedure]
            ).values_list("code", "name_vi")
        )
    for row in by_procedure:
        row["label"] = names.get(row["procedure_code"], row["procedure_code"])
    for row in by_step:
        row["label"] = step_label(row["content_type_id"], row["kind"], row["procedure_code"])
        row["step"] = step_param(row["content_type_id"], row["kind"])
    by_step = _merge(by_step, "step")
    return {
        "buckets": buckets,
        "overdue": sum(buckets[b] for b in LATE_BUCKETS),
        "due_soon": buckets[SOON],
        "open": sum(buckets.values()),
        "by_division": by_division,
        "by_officer": by_officer,
        "by_procedure": by_procedure,
        "by_step": by_step,
    }


def counts_cached(
    stamp: LedgerTallyStamp, scope: Scope, f: Filters, today: date
) -> tuple[dict, list[dict]]:
    """`counts` and `on_time_by_quarter`, kept in the cache for the life of one tally.

    The key carries the stamp row's `xmin` on PostgreSQL: the transaction that last
    wrote it, i.e. the refresh whose counts are in the tallies (every refresh rewrites
    the stamp in its own transaction, so the key changes with each refresh, even two at
    one frozen time; a reader still seeing the former stamp reads the former key). A
    stamp read without it (refreshed by this request, or another database) is not
    cached. The language is in the key: the labels are translated."""
    version = getattr(stamp, "version", None)
    if version is None:
        return counts(scope, f), on_time_by_quarter(scope, f, today)
    digest = hashlib.sha256(
        repr((version, get_language(), today.isoformat(), scope, f)).encode()
    ).hexdigest()
    key = f"manager-counts:{digest}"
    got = cache.get(key)
    if got is None:
        got = (counts(scope, f), on_time_by_quarter(scope, f, today))
        cache.set(key, got, timeout=int(TALLY_MAX_AGE.total_seconds()) * 2)
    return got


def tally_warm(*, now: datetime | None = None) -> int:
    """After the beat's refresh: put the counts of the views managers open first — the
    department's and each division's page without filters, in the site's language — in
    the cache, so the first of them to open the page after a refresh does not count.
    Only where the cache can be keyed by the refresh (PostgreSQL). Returns how many."""
    if connection.vendor != "postgresql":
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    stamp = LedgerTallyStamp.objects.filter(pk=1).annotate(version=RawSQL("xmin::text", ())).first()
    if stamp is None or stamp.as_of != today:
        return 0
    scopes = [Scope("department")] + [
        Scope("division", division_id=pk)
        for pk in Division.objects.filter(is_active=True).values_list("pk", flat=True)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        for scope in scopes:
            counts_cached(stamp, scope, Filters(), today)
    return len(scopes)


def _merge(rows: list[dict], key: str) -> list[dict]:
    merged: dict[str, dict] = {}
    for row in rows:
        into = merged.get(row[key])
        if into is None:
            merged[row[key]] = dict(row)
        else:
            for n in ("overdue", "due_soon", "total"):
                into[n] += row[n]
    return sorted(merged.values(), key=lambda r: (-r["overdue"], -r["due_soon"], str(r[key])))


def on_time_by_quarter(scope: Scope, f: Filters, today: date) -> list[dict]:
    """Met and missed closed rows per quarter (the last `QUARTERS_SHOWN`), with the rate
    (None when nothing closed). One query on the quarter tally."""
    quarters = quarters_shown(today)
    qs = _narrow(LedgerQuarterTally.objects.all(), scope, f, ledger=False, groups=False)
    got = {
        row["quarter"]: row
        for row in qs.filter(quarter__gte=quarters[0].start)
        .values("quarter")
        .annotate(met=Sum("met"), missed=Sum("missed"))
        .order_by()
    }
    out = []
    for q in quarters:
        row = got.get(q.start, {"met": 0, "missed": 0})
        closed = row["met"] + row["missed"]
        out.append(
            {
                "quarter": q,
                "met": row["met"],
                "missed": row["missed"],
                "closed": closed,
                "rate": round(100 * row["met"] / closed, 1) if closed else None,
            }
        )
    return out


# --- the list ----------------------------------------------------------------------------
def open_rows(scope: Scope, f: Filters, today: date) -> QuerySet[Deadline]:
    """The live open rows of the filters, earliest due first."""
    qs = _narrow(
        Deadline.objects.filter(state=Deadline.State.OPEN, paused=False), scope, f, ledger=True
    )
    limit = soon_until(today)
    if f.age:
        low, high = bucket_due_range(f.age, today, limit)
    elif f.window == "overdue":
        low, high = None, today - timedelta(days=1)
    elif f.window == "soon":
        low, high = today, limit
    elif f.window == "attention":
        low, high = None, limit
    else:
        low = high = None
    if low:
        qs = qs.filter(due_date__gte=low)
    if high:
        qs = qs.filter(due_date__lte=high)
    return (
        _search(qs, f)
        .select_related("owner_user", "owner_group", "owner_division")
        .order_by(*_due_order(f))
    )


def closed_rows(scope: Scope, f: Filters) -> QuerySet[Deadline]:
    """The rows closed (met or missed) in the filters' quarter, latest first."""
    states = [f.state] if f.state else [Deadline.State.MET, Deadline.State.MISSED]
    qs = _narrow(
        Deadline.objects.filter(
            state__in=states, closed_on__gte=f.quarter.start, closed_on__lte=f.quarter.end
        ),
        scope,
        f,
        ledger=True,
        groups=False,
    )
    return (
        _search(qs, f)
        .select_related("owner_user", "owner_group", "owner_division")
        .order_by("-closed_on", "-id")
    )


def _due_order(f: Filters) -> tuple:
    """Due order. With a search, the order is an expression no index provides, so that
    PostgreSQL finds the few matching rows by the search's index and sorts them, rather
    than walking the whole open index in due order looking for them."""
    if f.q:
        return (Coalesce("due_date", "due_date"), "id")
    return ("due_date", "id")


def _search(qs: QuerySet, f: Filters) -> QuerySet:
    """A word with a digit is the start of a dossier code (an index on the open rows'
    codes answers it); anything else is looked for in the titles (a scan of the rows of
    the scope and filters)."""
    if f.q:
        if looks_like_code(f.q):
            qs = qs.filter(dossier_code__istartswith=f.q)
        else:
            qs = qs.filter(title__icontains=f.q)
    return qs


def looks_like_code(text: str) -> bool:
    return not any(c.isspace() for c in text) and any(c.isdigit() for c in text)


def list_total(f: Filters, tally: dict, quarters: list[dict]) -> int | None:
    """The list's number of rows from the tallies (None: count the rows, for a search)."""
    if f.q:
        return None
    if f.window == "closed":
        for row in quarters:
            if row["quarter"] == f.quarter:
                return row[f.state] if f.state else row["closed"]
        return None
    if f.age:
        return tally["buckets"][f.age]
    return sum(tally["buckets"][b] for b in WINDOW_BUCKETS[f.window])


def case_url(row: Deadline) -> str:
    source = source_for(row.content_type_id, row.procedure_code)
    if source is None:
        return ""
    try:
        return source.case_url(row.object_id, row.dossier_code)
    except NoReverseMatch:  # a case URL that cannot be built must not break the list
        return ""
