"""Procedures register themselves here; the engine imports no domain app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

flow_viewsets: list = []
"""viewflow `FlowViewset`s of every procedure, added by domain apps in `ready()`."""

demo_seeders: list = []
"""Callables `(stdout) -> None` that add a domain app's demo data to `seed_demo`."""

site_applications: list = []
"""viewflow `Application`s of domain apps (staff pages) shown in the staff Site."""


@dataclass(frozen=True)
class LedgerSource:
    """What a domain app tells the managers' views about the ledger rows it writes.

    `model` is the case model as "app_label.modelname" (the rows' content type);
    `case_url(object_id, dossier_code)` gives the staff page of the case without a
    query; `kind_label(kind)` names the step a ledger kind stands for, in Vietnamese."""

    model: str
    procedure_codes: tuple[str, ...]
    case_url: Callable[[str, str], str]
    kind_label: Callable[[str], str]


ledger_sources: list[LedgerSource] = []
"""One `LedgerSource` per case model, added by domain apps in `ready()`."""

report_figures: list = []
"""Callables `(*, start: date, end: date) -> list[workflows.reporting.ReportFigure]`:
each domain app's figure sentences of the quarterly report for a period."""
