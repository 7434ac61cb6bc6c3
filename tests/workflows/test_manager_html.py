"""The managers' page writes the rows of its tables, select lists, list and charts in
Python (workflows.manager_html): each function gives, character for character, what the
template loop it replaced gave, escaping and filters included."""

from __future__ import annotations

import unicodedata
from datetime import date
from types import SimpleNamespace

from django.template import Context, Template

from workflows import charts, manager_html

TRICKY = "Phòng <b>A</b> & \"B\" 'C'"
LONG = "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế"
NFD = unicodedata.normalize("NFD", "Kiểm tra hồ sơ")


def render(source: str, **context) -> str:
    return Template(
        "{% load staff l10n %}{% localize off %}" + source + "{% endlocalize %}"
    ).render(Context(context))


def count_table_rows():
    return [
        {
            "name": name,
            "overdue": overdue,
            "due_soon": soon,
            "overdue_url": f"?division={i}&window=overdue#list",
            "soon_url": f"?division={i}&window=soon#list",
            "step": f"permits.dossier:step{i}",
            "officer": f"role-{i}",
        }
        for i, (name, overdue, soon) in enumerate(
            [(TRICKY, 1234567, 0), (LONG, 0, 12), (NFD, 5, 1000)]
        )
    ]


def test_count_rows_as_the_template_wrote_them():
    rows = count_table_rows()
    cells = (
        '<td>{{ r.name }}</td><td class="num overdue"><a href="{{ r.overdue_url }}">'
        '{{ r.overdue|number }}</a></td><td class="num due-soon"><a href="{{ r.soon_url }}">'
        "{{ r.due_soon|number }}</a></td></tr>\n    "
    )
    for data, tr in (("", "<tr>"), ("step", '<tr data-step="{{ r.step }}">')):
        expected = render("{% for r in rows %}" + tr + cells + "{% endfor %}", rows=rows)
        assert manager_html.count_rows(rows, data) == expected
    expected = render(
        '{% for r in rows %}<tr data-officer="{{ r.officer }}">' + cells + "{% endfor %}",
        rows=rows,
    )
    assert manager_html.count_rows(rows, "officer") == expected


def test_options_as_the_template_wrote_them():
    rows = count_table_rows()
    for selected in ("role-1", None):
        expected = render(
            '{% for r in rows %}<option value="{{ r.officer }}"{% if sel == r.officer %}'
            " selected{% endif %}>{{ r.name|truncatechars:60 }}</option>{% endfor %}",
            rows=rows,
            sel=selected,
        )
        got = manager_html.options([(r["officer"], r["name"]) for r in rows], selected, truncate=60)
        assert got == expected
    divisions = [SimpleNamespace(pk=3, name=TRICKY), SimpleNamespace(pk=4, name=LONG)]
    expected = render(
        '{% for d in divisions %}<option value="{{ d.pk }}"{% if sel == d.pk %} selected'
        "{% endif %}>{{ d.name }}</option>{% endfor %}",
        divisions=divisions,
        sel=4,
    )
    assert manager_html.options([(d.pk, d.name) for d in divisions], 4) == expected


def test_list_rows_as_the_template_wrote_them():
    items = [
        {
            "row": SimpleNamespace(pk=7, title=TRICKY),
            "url": "/can-bo/ho-so/BX-1/?a=1&b=2",
            "code": "BX-1",
            "procedure": LONG[:49] + "…",
            "step": NFD,
            "owner": "Nguyễn <Văn> A",
            "division": TRICKY,
            "due": date(2024, 3, 1).strftime("%d/%m/%Y"),
            "closed": "02/03/2024",
            "days_late": 12,
        },
        {
            "row": SimpleNamespace(pk=8, title="Việc số 8"),
            "url": "",
            "code": "42",
            "procedure": "Xử phạt",
            "step": "Nộp phạt",
            "owner": "(chưa giao)",
            "division": "",
            "due": "05/03/2024",
            "closed": "",
            "days_late": 0,
        },
    ]
    source = """{% for item in items %}{% with r=item.row %}
      <tr{% if item.days_late %} class="is-late"{% endif %} data-deadline="{{ r.pk }}">
        <td>{% if item.url %}<a href="{{ item.url }}">{{ item.code }}</a>{% else %}{{ item.code }}{% endif %}</td>
        <td>{{ r.title }}</td><td>{{ item.procedure }}</td><td>{{ item.step }}</td>
        <td>{{ item.owner }}{% if item.division %}<div class="motcua-muted">{{ item.division }}</div>{% endif %}</td>
        <td>{{ item.due }}</td>{% if closed %}<td>{{ item.closed }}</td>{% endif %}
        <td class="num">{{ item.days_late }}</td>
      </tr>
    {% endwith %}{% endfor %}"""  # noqa: E501 (the template as it was)
    for closed in (False, True):
        expected = render(source, items=items, closed=closed)
        assert manager_html.list_rows(items, closed=closed) == expected


def test_chart_bars_as_the_template_drew_them():
    chart = charts.hbars(
        [
            (TRICKY, 333, "?division=1&window=overdue#list", f"{TRICKY}: 333 việc quá hạn"),
            (LONG, 7, "?division=2#list", "7"),
            ("Trống", 0, "?division=3#list", "0"),
        ]
    )
    for tone in ("", "age"):
        expected = render(
            """{% for b in chart.bars %}<a href="{{ b.url }}" aria-label="{{ b.title }}" data-value="{{ b.value }}"><title>{{ b.title }}</title>
<text x="{{ chart.label_x }}" y="{{ b.y|add:chart.text_dy }}" text-anchor="end" dominant-baseline="middle">{{ b.label|truncatechars:24 }}</text>
<rect class="bar{% if tone %} bar--{{ tone }}{% endif %}" x="{{ b.x }}" y="{{ b.y }}" width="{{ b.w }}" height="{{ b.h }}" rx="2"></rect>
<text class="value" x="{{ b.x|add:b.w|add:6 }}" y="{{ b.y|add:chart.text_dy }}" dominant-baseline="middle">{{ b.text }}</text></a>
{% endfor %}""",  # noqa: E501 (the template as it was)
            chart=chart,
            tone=tone,
        )
        assert manager_html.hbars_svg(chart, tone=tone) == expected
    rate = charts.columns(
        [
            ("I/2024", 93.4, "93,4 %", "?quarter=2024-Q1&state=missed#list", "Quý I: 93,4 %"),
            ("II/2024", None, "—", "?quarter=2024-Q2#list", "Quý II <không có>"),
            ("III/2024", 100.0, "100,0 %", "?quarter=2024-Q3#list", "Quý III"),
        ]
    )
    expected = render(
        """{% for g in chart.grid %}<line class="grid" x1="{{ g.x }}" x2="{{ chart.width }}" y1="{{ g.y }}" y2="{{ g.y }}"></line><text x="{{ g.x|add:-4 }}" y="{{ g.y }}" dy="4" font-size="11" text-anchor="end">{{ g.label }}</text>
{% endfor %}{% for b in chart.bars %}<a href="{{ b.url }}" aria-label="{{ b.title }}" data-value="{{ b.value }}"><title>{{ b.title }}</title>
<rect class="bar bar--rate" x="{{ b.x }}" y="{{ b.y }}" width="{{ b.w }}" height="{{ b.h }}" rx="2"></rect>
<text class="value" x="{{ b.x|add:chart.slot_half }}" y="{{ b.y }}" dy="-6" text-anchor="middle">{{ b.text }}</text>
<text x="{{ b.x|add:chart.slot_half }}" y="{{ chart.label_y }}" text-anchor="middle">{{ b.label }}</text></a>
{% endfor %}""",  # noqa: E501 (the template as it was)
        chart=rate,
    )
    assert manager_html.columns_svg(rate) == expected
