"""Escaping for the few fragments written in Python instead of templates, because the
template engine's cost per node made them most of a busy page's time (the managers'
page, the public lookup)."""

from __future__ import annotations

import html

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def esc(value) -> str:
    """`conditional_escape`, without its lazy-argument wrapper (a lazy text is made a
    text first, as it does; the same `html.escape` underneath)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def safe_join(parts: list[str], sep: str = "") -> SafeString:
    """The parts, each already escaped, as one safe text."""
    return mark_safe(sep.join(parts))  # noqa: S308 (every value escaped by its writer)
