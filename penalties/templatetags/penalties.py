"""Money in đồng (the staff look's `dong`, shared by every procedure) and report dates."""

from django import template

from workflows.templatetags.staff import dong

register = template.Library()
register.filter("dong", dong)


@register.filter
def isodate(value) -> str:
    """An ISO date string (as stored in a JSON report) as dd/mm/yyyy."""
    from datetime import date

    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return "—"
