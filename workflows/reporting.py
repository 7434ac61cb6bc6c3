"""The quarterly report's building blocks: a figure sentence and the records behind it.

Domain apps build `ReportFigure`s from their own records of a period and register the
builder in `workflows.registry.report_figures`; the report (web preview and Word draft)
puts them in their sections. No figure is typed by hand: each one is counted from records
and links back to them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordRef:
    """One record behind a figure: what to show and the staff page to open."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class ReportFigure:
    """A sentence of the report whose figures come from records.

    `section` is the report section key (see `SECTIONS`); `order` sorts within it;
    `text` is the finished Vietnamese sentence; `records` are the records it counts."""

    section: str
    order: int
    text: str
    records: tuple[RecordRef, ...] = field(default_factory=tuple)


# The report's sections, in the order of the seed report (bao-cao-khcn-quy-I-2024.txt).
# `workflows.quarterly_report.LAYOUT` places each in its numbered field of the report.
SECTIONS = (
    "directives",  # assignments of the People's Committee and its Chairman (II.1)
    "tasks",  # provincial S&T tasks: selection, inspection, councils, acceptance (I.1)
    "technology",  # technology management: brand and IP-programme projects (I.2)
    "radiation",  # radiation safety: permits and certificates (I.2)
    "inspection",  # inspection and penalties (I.4)
    "standards",  # standards, metrology and quality: surprise checks (I.5)
    "registration",  # registration of S&T task results (I.7.1)
    "highlights",  # the general assessment's highlights (II)
    "plan",  # the next quarter's plan: S&T tasks (III.1)
    "plan_technology",  # the next quarter's plan: technology management (III.2)
    "plan_inspection",  # the next quarter's plan: inspection (III.4)
)


def two_digits(n: int) -> str:
    """The report's way of writing a count: 06, 29, 246."""
    return f"{n:02d}"


def vn_date(day) -> str:
    """The report's way of writing a date: 06/02/2024."""
    return f"{day:%d/%m/%Y}"


def vn_money(amount: int) -> str:
    """Money as the report writes it: 74.000.000đ (dots between thousands, whatever the
    locale)."""
    return f"{int(amount):,}".replace(",", ".") + "đ"


def quoted_list(titles, *, first: str, then: str) -> str:
    """Titles the report lists in brackets: `Dự án “A”; dự án “B”` (`first`/`then` are
    the word before the first title and before each other one)."""
    parts = [f"{first if i == 0 else then} “{t}”" for i, t in enumerate(titles)]
    return "; ".join(parts)
