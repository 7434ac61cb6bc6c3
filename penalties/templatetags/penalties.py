"""Money in đồng, with dots between thousands (11.000.000), whatever the locale."""

from django import template

register = template.Library()


@register.filter
def dong(value) -> str:
    try:
        return f"{int(value or 0):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def isodate(value) -> str:
    """An ISO date string (as stored in a JSON report) as dd/mm/yyyy."""
    from datetime import date

    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return "—"
