"""The hot loops of the managers' page (`workflows/manager/index.html`), written in
Python: the rows of the count tables, the options of the filters' select lists, the
rows of the list and the bars of the charts.

Each of these loops printed 5–15 variables and filters per row, 80–150 rows a page: the
template engine's cost per variable (lookup, localisation, escaping) made them most of
the page's server time (docs-manager.md). The functions below write the same markup,
character for character, with the same escaping as `conditional_escape` and the same
filters (`truncatechars`, the `add` filter's whole numbers in the charts), so that the
page shows exactly what it showed; the texts around them (headers, empty rows,
translations) stay in the template. The page is rendered with `{% localize off %}`:
numbers print as Python prints them.
"""

from __future__ import annotations

import unicodedata

from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString

from workflows.htmlbits import esc as _e
from workflows.htmlbits import safe_join as _safe


def _truncate(value, n: int) -> str:
    """The `truncatechars` filter; a text already short and in NFC (what the filter
    returns it as) is returned without walking its characters."""
    text = str(value)
    if len(text) <= n and unicodedata.is_normalized("NFC", text):
        return text
    return truncatechars(text, n)


def _n(value) -> str:
    """A whole number with dots between thousands (the `number` filter)."""
    try:
        return f"{int(value or 0):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


def count_rows(rows: list[dict], data: str = "") -> SafeString:
    """The rows of a count table: name, overdue and due soon, each count a link to the
    list; `data` names the row's key written as `data-<data>` (step, officer)."""
    out = []
    for r in rows:
        attr = f' data-{data}="{_e(r[data])}"' if data else ""
        out.append(
            f"<tr{attr}><td>{_e(r['name'])}</td>"
            f'<td class="num overdue"><a href="{_e(r["overdue_url"])}">{_n(r["overdue"])}</a></td>'
            f'<td class="num due-soon"><a href="{_e(r["soon_url"])}">{_n(r["due_soon"])}</a></td>'
            "</tr>\n    "
        )
    return _safe(out)


def options(choices: list[tuple[object, object]], selected, *, truncate: int = 0) -> SafeString:
    """`<option>`s of (value, label), the one equal to `selected` marked."""
    out = []
    for value, label in choices:
        mark = " selected" if selected == value else ""
        text = _truncate(label, truncate) if truncate else label
        out.append(f'<option value="{_e(value)}"{mark}>{_e(text)}</option>')
    return _safe(out)


def list_rows(items: list[dict], *, closed: bool) -> SafeString:
    """The rows of the list (a page of ledger rows, each cell prepared by the view)."""
    out = []
    for item in items:
        r = item["row"]
        code = _e(item["code"])
        link = f'<a href="{_e(item["url"])}">{code}</a>' if item["url"] else code
        division = (
            f'<div class="motcua-muted">{_e(item["division"])}</div>' if item["division"] else ""
        )
        late = ' class="is-late"' if item["days_late"] else ""
        out.append(
            f'\n      <tr{late} data-deadline="{r.pk}">'
            f"\n        <td>{link}</td>"
            f"\n        <td>{_e(r.title)}</td><td>{_e(item['procedure'])}</td>"
            f"<td>{_e(item['step'])}</td>"
            f"\n        <td>{_e(item['owner'])}{division}</td>"
            f"\n        <td>{_e(item['due'])}</td>"
            + (f"<td>{_e(item['closed'])}</td>" if closed else "")
            + f'\n        <td class="num">{item["days_late"]}</td>'
            "\n      </tr>\n    "
        )
    return _safe(out)


def _add(*values) -> int | str:
    """The `add` filter's sum of numbers: each taken as a whole number."""
    try:
        return sum(int(v) for v in values)
    except (TypeError, ValueError):
        return ""


def hbars_svg(chart: dict, *, tone: str = "") -> SafeString:
    """The bars of a `charts.hbars` chart (inside the SVG of `bar_chart.html`)."""
    out = []
    tone_class = f" bar--{_e(tone)}" if tone else ""
    chars = chart.get("label_chars", 24)
    for b in chart["bars"]:
        title = _e(b.title)
        y_text = _add(b.y, chart["text_dy"])
        out.append(
            f'<a href="{_e(b.url)}" aria-label="{title}" data-value="{b.value}">'
            f"<title>{title}</title>\n"
            f'<text x="{chart["label_x"]}" y="{y_text}" text-anchor="end"'
            f' dominant-baseline="middle">{_e(_truncate(b.label, chars))}</text>\n'
            f'<rect class="bar{tone_class}" x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}"'
            ' rx="2"></rect>\n'
            f'<text class="value" x="{_add(_add(b.x, b.w), 6)}" y="{y_text}"'
            f' dominant-baseline="middle">{_e(b.text)}</text></a>\n'
        )
    return _safe(out)


def columns_svg(chart: dict) -> SafeString:
    """The scale and the columns of a `charts.columns` chart (in `column_chart.html`)."""
    out = [
        f'<line class="grid" x1="{g["x"]}" x2="{chart["width"]}" y1="{g["y"]}" y2="{g["y"]}">'
        f'</line><text x="{_add(g["x"], -4)}" y="{g["y"]}" dy="4" font-size="11"'
        f' text-anchor="end">{_e(g["label"])}</text>\n'
        for g in chart["grid"]
    ]
    for b in chart["bars"]:
        title = _e(b.title)
        x_mid = _add(b.x, chart["slot_half"])
        out.append(
            f'<a href="{_e(b.url)}" aria-label="{title}" data-value="{b.value}">'
            f"<title>{title}</title>\n"
            f'<rect class="bar bar--rate" x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}"'
            ' rx="2"></rect>\n'
            f'<text class="value" x="{x_mid}" y="{b.y}" dy="-6" text-anchor="middle">'
            f"{_e(b.text)}</text>\n"
            f'<text x="{x_mid}" y="{chart["label_y"]}" text-anchor="middle">{_e(b.label)}'
            "</text></a>\n"
        )
    return _safe(out)
