"""Money in đồng, with dots between thousands (11.000.000), whatever the locale."""

from django import template

register = template.Library()


@register.filter
def dong(value) -> str:
    try:
        return f"{int(value or 0):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
