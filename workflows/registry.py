"""Procedures register themselves here; the engine imports no domain app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class StatisticsSource:
    """What a procedure contributes to the quarterly statistics of administrative
    procedures (`workflows.statistics`, the form of Circular 01/2020/TT-VPCP).

    - `model`: the case model as "app_label.modelname" (the content type of its clocks,
      ledger rows and audit entries); several sources may share one model (the one-stop
      desk's dossiers), each keeps the cases of its own `procedures`;
    - `procedures`: procedure catalogue code → code of the division that handles it (the
      division the statistics group by, and the one a head of division sees); the
      procedure's name and field (lĩnh vực) are read from the catalogue
      (`workflows.Procedure`), unless `fields` names the field;
    - `intake_kind`: the ledger kind of the legal clock started when the dossier is
      received (its START event dates the receipt); `result_kind`: the clock of the
      result's time limit, the one the timeliness is measured on once it has started
      (before it has, the intake clock's due date governs); they may be the same kind;
    - `channel_field` and `channels`: the field of the case model that says how the
      dossier came in, and which of its values are online / counter / post;
    - `resolved_states`, `returned_states`, `withdrawn_states`: the audit trail's
      `to_state` values that end a case with a result, returned or refused (trả lại,
      từ chối), withdrawn by the applicant (rút hồ sơ);
    - `apology_actions`: the audit actions that record an apology slip (phiếu xin lỗi
      và hẹn lại) handed to the applicant.
    """

    model: str
    procedures: Mapping[str, str]
    intake_kind: str = "check"
    result_kind: str = "result"
    channel_field: str = "channel"
    channels: Mapping[str, str] = field(
        default_factory=lambda: {"online": "online", "counter": "counter", "post": "post"}
    )
    resolved_states: tuple[str, ...] = ("issued",)
    returned_states: tuple[str, ...] = ("refused", "not_accepted")
    withdrawn_states: tuple[str, ...] = ("withdrawn",)
    apology_actions: tuple[str, ...] = ("apology_issue",)
    fields: Mapping[str, str] = field(default_factory=dict)


statistics_sources: list[StatisticsSource] = []
"""One `StatisticsSource` per procedure family, added by domain apps in `ready()`."""
