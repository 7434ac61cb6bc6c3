"""Components of the staff pages (`{% load staff %}`), shared by every procedure.

Block components wrap what the page writes inside them in the shared markup, so the
pages of every procedure look like viewflow's own (Material cards, mdc data tables)::

    {% card _("Theo bước xử lý") id="by-step" %} … {% endcard %}
    {% table title=_("Danh sách") count=page_obj.paginator.count id="cases" %}
      <thead>…</thead><tbody>…</tbody>
    {% endtable %}

Every table of a staff page goes through `{% table %}`: it carries the class
`motcua-table`, the browser test checks that no other table appears.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.http import QueryDict
from django.template import Context, Engine
from django.template.base import token_kwargs
from django.urls import get_resolver
from django.utils.safestring import mark_safe

register = template.Library()


class _BlockComponent(template.Node):
    def __init__(self, template_name, nodelist, args, kwargs):
        self.template_name = template_name
        self.nodelist = nodelist
        self.args = args
        self.kwargs = kwargs

    def render(self, context):
        values = {k: v.resolve(context) for k, v in self.kwargs.items()}
        if self.args:
            values.setdefault("title", self.args[0].resolve(context))
        values["body"] = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered template)
        # The component's template reads only the values it is given: render it in a
        # plain context rather than through render_to_string, which would build a
        # RequestContext and run every context processor again for each card and table
        # of the page (no component template reads request, user, perms, messages or
        # the language variables). Like render_to_string, the outer page's
        # `{% localize %}`/`{% autoescape %}` settings do not reach the component.
        engine = context.template.engine if context.template else Engine.get_default()
        component = engine.get_template(self.template_name)
        return component.render(Context(values, autoescape=engine.autoescape))


def _block_component(name: str, template_name: str):
    def compile_tag(parser, token):
        bits = token.split_contents()[1:]
        args = []
        while bits and "=" not in bits[0]:
            args.append(parser.compile_filter(bits.pop(0)))
        kwargs = token_kwargs(bits, parser)
        if bits:
            raise template.TemplateSyntaxError(f"{name}: unexpected {bits!r}")
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return _BlockComponent(template_name, nodelist, args, kwargs)

    register.tag(name, compile_tag)


_block_component("card", "workflows/components/card.html")
_block_component("table", "workflows/components/table.html")
_block_component("filters", "workflows/components/filters.html")
_block_component("case_header", "workflows/components/case_header.html")
_block_component("fact", "workflows/components/fact.html")
_block_component("timeline", "workflows/components/timeline.html")
_block_component("stats", "workflows/components/stats.html")
_block_component("tabs", "workflows/components/tabs.html")


@register.inclusion_tag("workflows/components/timeline_item.html")
def timeline_item(*, at, title, actor=None, detail="", note="", tone=""):
    """One event of a `{% timeline %}`: when, who, what, and the change it made."""
    return {"at": at, "title": title, "actor": actor, "detail": detail, "note": note, "tone": tone}


@register.inclusion_tag("workflows/components/stat.html")
def stat(label, value, *, id="", tone=""):  # noqa: A002 (the HTML attribute)
    """One counter of a `{% stats %}` row."""
    return {"label": label, "value": value, "id": id, "tone": tone}


@register.inclusion_tag("workflows/components/tab.html")
def tab(label, url, *, active=False, count=None):
    """One link of a `{% tabs %}` bar (the current one marked)."""
    return {"label": label, "url": url, "active": active, "count": count}


@register.inclusion_tag("workflows/components/form.html", takes_context=True)
def form_fields(context, form):
    """A form's errors and fields, laid out like viewflow's forms."""
    return {"form": form, "request": context.get("request")}


@register.inclusion_tag("workflows/components/filter_fields.html")
def filter_fields(form):
    """The fields of a filter form (a django-filter `FilterSet.form`) inside
    `{% filters %}`: each a label over its control, its errors under it."""
    return {"form": form}


@register.filter
def dong(value) -> str:
    """Money in đồng with dots between thousands (11.000.000), whatever the locale."""
    try:
        return f"{int(value or 0):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def number(value) -> str:
    """A whole number with dots between thousands (12.345), as Vietnamese writes it."""
    return dong(value)


@register.simple_tag
def querystring_with(querystring, **changes):
    """`querystring` (a QueryDict) with some parameters replaced, URL-encoded."""
    # no query string in the page's context: start from an empty one
    params = querystring.copy() if hasattr(querystring, "copy") else QueryDict(mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return params.urlencode()


@cache
def _staff_site():
    """The staff `viewflow.urls.Site` mounted in the root URLconf (or None)."""
    patterns = list(get_resolver().url_patterns)
    for _depth in range(3):  # path("", site.urls) wraps the Site's resolver once
        nested = []
        for pattern in patterns:
            extra = getattr(pattern, "extra", None) or {}
            if extra.get("site") is not None:
                return extra["site"]
            if pattern.pattern.regex.pattern in ("^", ""):
                nested.extend(getattr(pattern, "url_patterns", []))
        patterns = nested
    return None


@register.simple_tag(takes_context=True)
def staff_site(context):
    """The staff Site for the Material frame of pages mounted outside it (the
    procedures' case pages): its menu then shows on every staff page."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return getattr(match, "site", None) or _staff_site()


@register.filter(is_safe=True)
def flow_chart_alt(html):
    """viewflow's dashboard writes its chart's alt text as an English literal."""
    from django.utils.html import escape
    from django.utils.translation import gettext

    return mark_safe(  # noqa: S308 (viewflow's rendered template, one attribute replaced)
        str(html).replace('alt="flow graph"', f'alt="{escape(gettext("Sơ đồ quy trình"))}"')
    )


@register.filter
def report_parts(text: str) -> list[tuple[str, bool]]:
    """A report line cut into (text, is_placeholder) parts: "[Văn phòng bổ sung: …]"
    runs are the office's to write (workflows.quarterly_report)."""
    from workflows.quarterly_report import PLACEHOLDER_OPEN

    parts, rest = [], str(text)
    while PLACEHOLDER_OPEN in rest:
        before, _sep, after = rest.partition(PLACEHOLDER_OPEN)
        inside, _close, rest = after.partition("]")
        if before:
            parts.append((before, False))
        parts.append((f"{PLACEHOLDER_OPEN}{inside}]", True))
    if rest:
        parts.append((rest, False))
    return parts
