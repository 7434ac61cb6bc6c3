"""The per-address limit of the public lookups (tra cứu), shared by every procedure.

The same fixed window in the shared cache as the dossier lookup (`/tra-cuu/`), under
the same key, so one address has one budget across the public lookups
(`LOOKUP_RATE_LIMIT` attempts per `LOOKUP_RATE_WINDOW_SECONDS`).

With the cache in Redis (`CACHE_REDIS_URL`, what a deployment with several workers
uses) an attempt is counted in one round trip: a server-side script increments the
counter and, at its first attempt, sets the window's expiry, atomically, so no attempt
can fall between the key's expiry and its increment. Django's `add()` and `incr()` took
three round trips and built two Redis clients. Any other cache goes through them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
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
    return count_attempt(cache_key, window) <= limit


def count_attempt(cache_key: str, window: int) -> int:
    """Add one to the counter `cache_key` of the shared cache, which starts at the first
    attempt and lasts `window` seconds; its value after this attempt."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_count(backend, cache_key, window)
    if cache.add(cache_key, 1, timeout=window):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(cache_key, 1, timeout=window)
        return 1


# KEYS[1]: the counter; ARGV[1]: the window in seconds. Returns the count.
_COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
"""


def _redis_count(backend: RedisCache, cache_key: str, window: int) -> int:
    key = backend.make_and_validate_key(cache_key)
    client_of = backend._cache  # Django's RedisCacheClient: its pools, one per server
    script = client_of.__dict__.get("_motcua_count_script")
    if script is None:  # a client is a pool and a table of reply parsers: build it once
        client = client_of.get_client(key, write=True)
        script = client.register_script(_COUNT_SCRIPT)  # EVALSHA, loaded when missing
        client_of.__dict__["_motcua_count_script"] = script
    return int(script(keys=[key], args=[max(window, 1)]))
