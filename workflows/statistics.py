"""Quarterly statistics of administrative procedures (tình hình, kết quả giải quyết
TTHC), in the shape of the reporting form of Circular 01/2020/TT-VPCP.

Every figure is computed **as of the period end** from records that are only ever
appended: the clock events (`ClockEvent`, with `due_before`/`due_after`) and the audit
trail (`AuditEntry`). An event counts for a period when it was recorded (`at`) by the
end of the period's last day (Vietnam time) and its business date (`on`) is not after
that day. Today's status, the clocks' current due date and the ledger rows' current
state are never read, so a past quarter never changes when later events happen
(a result, an extension, a refusal after the period end).

Per case, as of the cut (the end of the period's last day):

- received on: the START event of the intake clock (the completeness check starts the
  day the dossier is received);
- ended on and how: the first audit entry whose `to_state` is one of the source's
  resolved / returned / withdrawn states (its local date);
- the governing clock: the result clock once it has started, otherwise the intake
  clock; its due date as of the cut is the `due_after` of its last event, **without
  the extensions granted by an apology slip**: an apology moves the appointment, it
  does not make a late dossier timely, so the statutory due date is the `due_before`
  of the clock's first extension when there is one;
- paused: the governing clock's last event is a pause (waiting for the applicant);
- apology: an audit entry of the source's apology actions.

The columns (numbers as in the workbook):

    (1) total to handle     = (2) carried over + (3) online + (4) counter + (5) post
    (6) resolved            = (7) early + (8) on time + (9) late
    (10) pending            = (11) not yet due + (12) overdue
    (1)                     = (6) + (10) + (13) returned + (14) withdrawn
    (15) late with apology  ≤ (9) + (12)
    (16) on-time rate       = ((7) + (8)) / (6)

Carried over: received before the period and not ended before it (the previous
period's pending, (10) of the previous quarter). Early: the result on a day before the
due date; on time: on the due date; late: after it. Pending not yet due: the due date is
the cut's day or later, or the clock is paused; overdue: running and due before it.

The case-level facts are one derived table, aggregated per procedure in SQL: one query
per registered source whatever the number of cases, plus one for the catalogue names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import AuditEntry, ClockEvent, Division, Procedure
from .periods import Quarter

# --- figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    """The counted columns of one row (a procedure, a field, a division or the total)."""

    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_not_due: int = 0
    pending_overdue: int = 0
    returned: int = 0
    withdrawn: int = 0
    late_with_apology: int = 0

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_post

    @property
    def total(self) -> int:
        """(1): what the period had to handle."""
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_not_due + self.pending_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of the results given early or on time (None: nothing resolved)."""
        if not self.resolved:
            return None
        return (self.resolved_early + self.resolved_on_time) / self.resolved

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def columns(self) -> list[int | float | None]:
        """The values of the numbered columns (1)…(16), in order."""
        return [
            self.total,
            self.carried_over,
            self.received_online,
            self.received_counter,
            self.received_post,
            self.resolved,
            self.resolved_early,
            self.resolved_on_time,
            self.resolved_late,
            self.pending,
            self.pending_not_due,
            self.pending_overdue,
            self.returned,
            self.withdrawn,
            self.late_with_apology,
            self.on_time_rate,
        ]


COUNTED = tuple(f.name for f in fields(Figures))


@dataclass
class StatisticsRow:
    procedure_code: str
    procedure_name: str
    field: str
    division_code: str
    division_name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class GroupRow:
    """A row of a grouping (by field or division): its label and summed figures."""

    key: str
    label: str
    figures: Figures
    rows: list[StatisticsRow]


GROUPINGS = ("procedure", "field", "division")


@dataclass
class StatisticsTable:
    """The statistics of one period: a row per procedure (with its field and division)
    and the totals. `snapshot` is set when the table comes from an approved snapshot
    (its version, approver and time), None for live figures."""

    quarter: Quarter
    as_of: date
    rows: list[StatisticsRow]
    snapshot: dict | None = None

    @property
    def total(self) -> Figures:
        total = Figures()
        for row in self.rows:
            total.add(row.figures)
        return total

    def grouped(self, by: str = "procedure") -> list[GroupRow]:
        """The rows summed by field or by division (by procedure: one group per row)."""
        if by not in GROUPINGS:
            raise ValueError(by)
        groups: dict[str, GroupRow] = {}
        for row in self.rows:
            if by == "procedure":
                key, label = row.procedure_code, row.procedure_name
            elif by == "field":
                key, label = row.field, row.field
            else:
                key, label = row.division_code, row.division_name
            group = groups.get(key)
            if group is None:
                group = groups[key] = GroupRow(key, label, Figures(), [])
            group.figures.add(row.figures)
            group.rows.append(row)
        return list(groups.values())

    def restricted(self, division_codes: Iterable[str]) -> StatisticsTable:
        """Only the rows of these divisions (what a head of division sees)."""
        keep = set(division_codes)
        return StatisticsTable(
            self.quarter,
            self.as_of,
            [r for r in self.rows if r.division_code in keep],
            self.snapshot,
        )

    # the JSON of a snapshot
    def to_data(self) -> dict:
        return {
            "period": self.quarter.code,
            "as_of": self.as_of.isoformat(),
            "rows": [
                {**{k: v for k, v in asdict(r).items() if k != "figures"}, **asdict(r.figures)}
                for r in self.rows
            ],
        }

    @classmethod
    def from_data(cls, data: dict, *, snapshot: dict | None = None) -> StatisticsTable:
        rows = []
        for item in data.get("rows", []):
            figures = Figures(**{k: int(item.get(k, 0)) for k in COUNTED})
            rows.append(
                StatisticsRow(
                    procedure_code=item["procedure_code"],
                    procedure_name=item.get("procedure_name", item["procedure_code"]),
                    field=item.get("field", ""),
                    division_code=item.get("division_code", ""),
                    division_name=item.get("division_name", ""),
                    figures=figures,
                )
            )
        return cls(
            Quarter.parse(data["period"]),
            date.fromisoformat(data["as_of"]),
            rows,
            snapshot,
        )


# --- the query -----------------------------------------------------------------------


def _cut(day: date) -> datetime:
    """The last moment of `day` in the project's time zone."""
    start = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(start, timezone.get_current_timezone()) - timedelta(microseconds=1)


def _case_facts(source: registry.StatisticsSource, ct: ContentType, as_of: date):
    """One row per case of the source, received by `as_of`, with the facts above."""
    cut = _cut(as_of)
    Model = apps.get_model(source.model)
    case = {"content_type_id": OuterRef("content_type_id"), "object_id": OuterRef("object_id")}
    events = ClockEvent.objects.filter(
        clock__content_type_id=OuterRef("content_type_id"),
        clock__object_id=OuterRef("object_id"),
        clock__deadline__kind__in=[source.intake_kind, source.result_kind],
        at__lte=cut,
        on__lte=as_of,
    )
    governing = events.annotate(
        governs=Case(
            When(clock__deadline__kind=source.result_kind, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-governs", "-at", "-id")
    first_extension = events.filter(
        kind=ClockEvent.Kind.EXTEND, clock__deadline__kind=source.result_kind
    ).order_by("at", "id")
    final_states = [
        *source.resolved_states,
        *source.returned_states,
        *source.withdrawn_states,
    ]
    end = AuditEntry.objects.filter(**case, to_state__in=final_states, at__lte=cut).order_by(
        "at", "id"
    )
    pk_field = Model._meta.pk
    channel = Model._default_manager.filter(
        pk=Cast(OuterRef("object_id"), output_field=pk_field.__class__())
    ).values(source.channel_field)[:1]
    # the intake clock's row of each case is the base: a case has exactly one
    from .models import Deadline

    return (
        Deadline.objects.filter(
            content_type_id=ct.pk,
            kind=source.intake_kind,
            procedure_code__in=list(source.procedures),
        )
        .annotate(
            recv_on=Subquery(
                events.filter(kind=ClockEvent.Kind.START, clock__deadline__kind=source.intake_kind)
                .order_by("at", "id")
                .values("on")[:1],
                output_field=models.DateField(),
            ),
            end_state=Subquery(end.values("to_state")[:1]),
            end_on=Subquery(
                end.annotate(day=TruncDate("at")).values("day")[:1],
                output_field=models.DateField(),
            ),
            last_due=Subquery(governing.values("due_after")[:1], output_field=models.DateField()),
            last_kind=Subquery(governing.values("kind")[:1]),
            ext_before=Subquery(
                first_extension.values("due_before")[:1], output_field=models.DateField()
            ),
            apology=Exists(
                AuditEntry.objects.filter(
                    **case, action__in=list(source.apology_actions), at__lte=cut
                )
            ),
            channel=Subquery(channel),
        )
        .order_by()
        .values(
            "procedure_code",
            "recv_on",
            "end_state",
            "end_on",
            "last_due",
            "last_kind",
            "ext_before",
            "apology",
            "channel",
        )
    )


def _in(values: Iterable[str]) -> tuple[str, list]:
    values = list(values) or ["-"]  # IN () is not SQL; a value no state has
    return ", ".join(["%s"] * len(values)), values


def _counts(source: registry.StatisticsSource, quarter: Quarter, as_of: date) -> dict:
    """{procedure_code: Figures} for the cases of one source: one query."""
    ct = ContentType.objects.get_by_natural_key(*source.model.split("."))
    inner, inner_params = _case_facts(source, ct, as_of).query.sql_with_params()
    ops = connection.ops
    start, end = ops.adapt_datefield_value(quarter.start), ops.adapt_datefield_value(as_of)

    def channel_in(name: str) -> tuple[str, list]:
        return _in(v for v, c in source.channels.items() if c == name)

    resolved, resolved_p = _in(source.resolved_states)
    returned, returned_p = _in(source.returned_states)
    withdrawn, withdrawn_p = _in(source.withdrawn_states)
    online, online_p = channel_in("online")
    counter, counter_p = channel_in("counter")
    post, post_p = channel_in("post")
    pause = ClockEvent.Kind.PAUSE
    due = "COALESCE(c.ext_before, c.last_due)"
    pending = "c.end_on IS NULL"
    running_late = f"(c.last_kind <> %s AND {due} < %s)"
    late_resolved = f"(c.end_state IN ({resolved}) AND c.end_on > {due})"
    # (the SQL is built from fixed fragments; every value is a parameter)
    sql = f"""
        SELECT c.procedure_code,
          SUM(CASE WHEN c.recv_on < %s THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.recv_on >= %s AND c.channel IN ({online}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.recv_on >= %s AND c.channel IN ({counter}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.recv_on >= %s AND c.channel IN ({post}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.end_state IN ({resolved}) AND c.end_on < {due} THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.end_state IN ({resolved}) AND c.end_on = {due} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {late_resolved} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {pending} AND NOT {running_late} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {pending} AND {running_late} THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.end_state IN ({returned}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.end_state IN ({withdrawn}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.apology AND ({late_resolved} OR ({pending} AND {running_late}))
              THEN 1 ELSE 0 END),
          SUM(CASE WHEN c.recv_on >= %s AND c.channel NOT IN ({online}, {counter}, {post})
              THEN 1 ELSE 0 END)
        FROM ({inner}) c
        WHERE c.recv_on IS NOT NULL AND c.recv_on <= %s AND (c.end_on IS NULL OR c.end_on >= %s)
        GROUP BY c.procedure_code
    """  # noqa: S608
    params = [
        start,
        start,
        *online_p,
        start,
        *counter_p,
        start,
        *post_p,
        *resolved_p,
        *resolved_p,
        *resolved_p,
        pause,
        end,
        pause,
        end,
        *returned_p,
        *withdrawn_p,
        *resolved_p,
        pause,
        end,
        start,
        *online_p,
        *counter_p,
        *post_p,
        *inner_params,
        end,
        start,
    ]
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, *values in cursor.fetchall():
            figures = Figures(*(int(v or 0) for v in values[:12]))
            # a channel the source did not map is counted at the counter, never lost
            figures.received_counter += int(values[12] or 0)
            out[code] = figures
    return out


def statistics_for_period(quarter: Quarter, *, as_of: date | None = None) -> StatisticsTable:
    """The live figures of `quarter`, computed as of its last day (or of `as_of`, an
    earlier day of the quarter: the figures so far of an open quarter)."""
    if as_of is None or as_of > quarter.end:
        as_of = quarter.end
    as_of = max(as_of, quarter.start)
    counts: dict[str, Figures] = {}
    divisions: dict[str, str] = {}
    fields_of: dict[str, str] = {}
    for source in registry.statistics_sources:
        for code, figures in _counts(source, quarter, as_of).items():
            counts.setdefault(code, Figures()).add(figures)
        for code, division in source.procedures.items():
            divisions.setdefault(code, division)
            if code in source.fields:
                fields_of.setdefault(code, source.fields[code])
    catalogue = {
        p.code: p
        for p in Procedure.objects.filter(code__in=list(divisions)).only("code", "name_vi", "field")
    }
    division_names = dict(
        Division.objects.filter(code__in=set(divisions.values())).values_list("code", "name")
    )
    rows = []
    for code, division in divisions.items():
        procedure = catalogue.get(code)
        rows.append(
            StatisticsRow(
                procedure_code=code,
                procedure_name=procedure.name_vi if procedure else code,
                field=fields_of.get(code) or (procedure.field if procedure else "") or _("Khác"),
                division_code=division,
                division_name=division_names.get(division, division),
                figures=counts.get(code, Figures()),
            )
        )
    rows.sort(key=lambda r: (r.field, r.procedure_name))
    return StatisticsTable(quarter, as_of, rows)


def table_dict(table: StatisticsTable) -> dict[str, Any]:
    """A JSON-friendly view of a table (the API, the report)."""
    return table.to_data() | {"snapshot": table.snapshot}
