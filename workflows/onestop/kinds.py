"""The kinds of one-stop dossier: every procedure the one-stop desk handles registers one.

A kind is data plus three small hooks; the desk's services, flows, pages, API and
documents read it wherever procedures differ:

- `procedure_code`: its entry in the engine's procedure catalogue (checklist, time
  limits with their legal basis, reminder ladder), installed by the procedure's app;
- `code_prefix`: the dossier codes (`DKKQ-240115-0001`);
- `fee`: whether a fee step follows acceptance (the result's time limit then runs from
  the payment) or the result's limit runs from the valid dossier;
- `appraisal_division`: the division whose specialist appraises and whose head reviews
  (the one-stop officer always checks, the director always signs);
- `organisation_labels` / `organisation_heading`: how the organisation block is asked;
- `details`: the declarations the procedure asks beyond the organisation (a form, how
  they are kept, how they are shown);
- `issue` / `result_of` / `result_pdf`: the result the director's signature produces,
  the one a dossier has, and its document.

`kind_choices` is the choice list of the desk's `kind` field (a callable, so a new
kind needs no migration).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from workflows.errors import DomainError


@dataclass(frozen=True)
class Details:
    """What a procedure asks beyond the organisation, kept in the procedure's own rows.

    `form(data=None, *, applicant, prefix)` builds the Django form of the filing pages
    (the API sends the same fields as a JSON object); `save(dossier, cleaned, actor)`
    keeps the cleaned values inside the filing's transaction; `rows(dossier)` gives the
    (label, value) lines the pages and documents show."""

    form: Callable[..., Any]
    save: Callable[..., None]
    rows: Callable[[Any], list[tuple[str, str]]]
    heading: str = ""

    def clean(self, data: Mapping | None, *, applicant) -> dict:
        """The declarations sent by the API, checked by the same form as the pages;
        the first error is refused with its message."""
        form = self.form(data=dict(data or {}), applicant=applicant, prefix=None)
        if form.is_valid():
            return form.cleaned_data
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            message = str(errors[0])
            raise DomainError(f"{label}: {message}" if label else message, code="details")
        raise DomainError(_("Thông tin kê khai không hợp lệ."), code="details")  # pragma: no cover


@dataclass(frozen=True)
class OneStopKind:
    """One procedure of the one-stop desk (see the module's docstring)."""

    code: str
    label: Any  # lazy text
    procedure_code: str
    code_prefix: str
    appraisal_division: str
    result_label: Any
    issue: Callable[..., Any]  # (case, *, actor, on) -> the result (with `.number`)
    result_of: Callable[[Any], Any]  # (dossier) -> the result, or None
    result_pdf: Callable[[Any], bytes]  # (result) -> the PDF
    fee: bool = False
    # the name of the result document in the dossier's URLs (/ho-so/<code>/van-ban/<name>/)
    result_slug: str = "ket-qua"
    details: Details | None = None
    organisation_heading: Any = ""
    # a field of the organisation block named otherwise, or left out (None)
    organisation_labels: Mapping[str, Any] = field(default_factory=dict)


_KINDS: dict[str, OneStopKind] = {}
_DESK: list = []


def register(kind: OneStopKind) -> OneStopKind:
    """Add (or replace) a kind; apps call it in `ready()`."""
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> OneStopKind | None:
    return _KINDS.get(code)


def require(code: str) -> OneStopKind:
    kind = _KINDS.get(code)
    if kind is None:
        raise DomainError(_("Thủ tục không hợp lệ."), code="unknown_kind")
    return kind


def all_kinds() -> list[OneStopKind]:
    """Every registered kind, in the order the apps registered them."""
    return list(_KINDS.values())


def codes() -> list[str]:
    return list(_KINDS)


def kind_choices() -> list[tuple[str, Any]]:
    """The choices of the desk's `kind` field."""
    return [(k.code, k.label) for k in _KINDS.values()]


def kind_label(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind is not None else code


# --- the desk's services, for a procedure's own code (its demo) ------------------------
def register_desk(services) -> None:
    """The one-stop desk's service module (`dossier_create`, `dossier_submit`, …)."""
    _DESK[:] = [services]


def desk():
    """The desk's services: a procedure files and handles its dossiers through them
    without importing the app that holds them."""
    if not _DESK:
        raise RuntimeError("no one-stop desk is installed")
    return _DESK[0]
