"""The per-address limit of the public lookups (tra cứu), shared by every procedure.

The same fixed window in the shared cache as the dossier lookup (`/tra-cuu/`), under
the same key, so one address has one budget across the public lookups
(`LOOKUP_RATE_LIMIT` attempts per `LOOKUP_RATE_WINDOW_SECONDS`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

RATE_LIMITED_MESSAGE = _(
    "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
)


def lookup_attempt_allowed(client_ip: str | None) -> bool:
    """Count one lookup attempt from `client_ip`; False once the address has used up
    its attempts in the current window."""
    limit = int(getattr(settings, "LOOKUP_RATE_LIMIT", 10))
    window = int(getattr(settings, "LOOKUP_RATE_WINDOW_SECONDS", 60))
    cache_key = f"permits:lookup:{client_ip or 'unknown'}"  # the dossier lookup's key
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
