"""The changing part of the public lookup page (`/tra-cuu/`): the error, the result and
the form, as HTML.

It is the busiest anonymous page, and this fragment is all it renders per request (the
page around it is rendered once per process and language, see `LookupView`). Through
the template engine the fragment cost a third of the request's Python: twenty-odd
`{% translate %}` nodes, each a catalogue lookup, and the walk of every node. Here its
labels are translated once per language and the few values are escaped as they go in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from workflows.htmlbits import esc as _e
from workflows.htmlbits import safe_join

from .models import Status

_labels: dict[str, dict[str, str]] = {}


def _labels_now() -> dict[str, str]:
    """The fragment's labels in the active language, translated once per language."""
    lang = get_language() or ""
    labels = _labels.get(lang)
    if labels is None:
        labels = {
            "dossier": _("Hồ sơ"),
            "status": _("Trạng thái"),
            "step": _("Bước xử lý hiện tại"),
            "received": _("Ngày nhận hồ sơ"),
            "appointment": _("Ngày hẹn trả kết quả"),
            "paused": _("Số ngày tạm dừng tính thời hạn"),
            "awaiting_fee": _("đang chờ nộp phí từ ngày %(d)s"),
            "awaiting_supplement": _("đang chờ bổ sung hồ sơ từ ngày %(d)s"),
            "extended": _("Gia hạn"),
            "extensions": _("%(n)s lần, tổng %(days)s %(unit)s"),
            "no": _("Không"),
            "decided": _("Ngày có kết quả"),
            "hint": _(
                "Nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận hồ sơ. Không cần đăng nhập."
            ),
            "submit": _("Tra cứu"),
        }
        labels = {key: _e(text) for key, text in labels.items()}
        _labels[lang] = labels
    return labels


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _result_html(result: dict[str, Any], t: dict[str, str]) -> str:
    parts = [
        '<section class="card ok" id="lookup-result">',
        f'<h2>{t["dossier"]} <span class="code">{_e(result["code"])}</span></h2>',
        f"<p>{_e(result['procedure'])}</p>",
        '<dl class="facts">',
        f'<dt>{t["status"]}</dt><dd><span class="status" id="lookup-status">'
        f"{_e(result['status_label'])}</span></dd>",
        f"<dt>{t['step']}</dt><dd>{_e(result['current_step'])}</dd>",
        f"<dt>{t['received']}</dt><dd>{_day(result['received_on'])}</dd>",
        f"<dt>{t['appointment']}</dt><dd>{_day(result['appointment_date'])}</dd>",
    ]
    unit = result["time_limit_unit_label"]
    if unit:
        paused = f"{_e(result['paused_days'])} {_e(unit)}"
        since = result["paused_since"]
        if since:
            waiting = (
                "awaiting_fee"
                if result["status"] == Status.AWAITING_FEE
                else ("awaiting_supplement")
            )
            paused += " · " + t[waiting] % {"d": _day(since)}
        parts.append(f"<dt>{t['paused']}</dt><dd>{paused}</dd>")
        if result["extension_count"]:
            extended = t["extensions"] % {
                "n": _e(result["extension_count"]),
                "days": _e(result["extended_days"]),
                "unit": _e(unit),
            }
        else:
            extended = t["no"]
        parts.append(f"<dt>{t['extended']}</dt><dd>{extended}</dd>")
    if result["decided_on"]:
        parts.append(f"<dt>{t['decided']}</dt><dd>{_day(result['decided_on'])}</dd>")
    parts.append("</dl></section>")
    return "\n".join(parts)


def lookup_body(
    *, error: Any, result: dict[str, Any] | None, fields: str, action: str, csrf_token: str
) -> SafeString:
    """The error (if any), the result (if any) and the form carrying `fields` (already
    HTML) and the CSRF token."""
    t = _labels_now()
    parts = []
    if error:
        parts.append(f'<div class="card alert" role="alert" id="lookup-error">{_e(error)}</div>')
    if result:
        parts.append(_result_html(result, t))
    parts.append(
        f'<section class="card">\n<p class="muted">{t["hint"]}</p>\n'
        f'<form method="post" action="{_e(action)}" novalidate>\n'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(csrf_token)}">\n'
        f'<div class="fields">{_e(fields)}</div>\n'
        f'<p><button type="submit">{t["submit"]}</button></p>\n</form>\n</section>'
    )
    return safe_join(parts, "\n")
