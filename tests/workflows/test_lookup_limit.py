"""The public lookups' per-address limit on the cache a deployment uses: Redis.

The counter is taken in one MULTI/EXEC (`SET NX EX`, `INCR`); these tests run it on the
test broker's Redis under a key prefix of their own, and check it against the same
counter through Django's cache API.
"""

from __future__ import annotations

import secrets
import threading
import time

import pytest
from django.core.cache import caches

from workflows.lookup_limit import count_attempt, lookup_attempt_allowed

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": "motcua-test-" + secrets.token_hex(6),
        }
    }
    cache = caches["default"]
    yield cache
    # never FLUSHDB: the broker's queues live in the same database
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.key_prefix + ":*"):
        client.delete(key)


def test_the_limit_counts_each_attempt_once(redis_cache, settings):
    settings.LOOKUP_RATE_LIMIT = 3
    settings.LOOKUP_RATE_WINDOW_SECONDS = 60
    assert [lookup_attempt_allowed("198.51.100.7") for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    # the same counter through Django's cache API: an integer
    assert redis_cache.get("permits:lookup:198.51.100.7") == 5
    # another address has its own
    assert lookup_attempt_allowed("203.0.113.9")


def test_the_window_starts_at_the_first_attempt_and_ends(redis_cache):
    assert count_attempt("w", 1) == 1
    client = redis_cache._cache.get_client(write=True)
    key = redis_cache.make_and_validate_key("w")
    assert 0 < client.pttl(key) <= 1000
    assert count_attempt("w", 1) == 2  # the window is not extended
    assert 0 < client.pttl(key) <= 1000
    time.sleep(1.1)
    assert count_attempt("w", 1) == 1


def test_concurrent_attempts_are_all_counted(redis_cache):
    counts: list[int] = []
    lock = threading.Lock()

    def attempts():
        for _ in range(25):
            n = count_attempt("many", 60)
            with lock:
                counts.append(n)

    threads = [threading.Thread(target=attempts) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == list(range(1, 201))


def test_other_caches_count_through_the_cache_api(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [count_attempt("x", 60) for _ in range(3)] == [1, 2, 3]
