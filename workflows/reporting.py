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
SECTIONS = (
    "directives",  # assignments of the People's Committee and its Chairman
    "tasks",  # provincial S&T tasks: selection, inspection, councils, acceptance
    "registration",  # registration of S&T task results
    "radiation",  # radiation safety: permits and certificates
    "inspection",  # inspection and penalties
    "plan",  # the next quarter's plan
)


def two_digits(n: int) -> str:
    """The report's way of writing a count: 06, 29, 246."""
    return f"{n:02d}"
