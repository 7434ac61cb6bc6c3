"""F7: the client's address is taken DJANGO_TRUSTED_PROXY_COUNT hops from the right of
X-Forwarded-For, so a client cannot choose its own address (audit trail, lookup rate
limit, login throttle)."""

import json

import pytest
from django.core.cache import cache

from workflows.http import client_ip


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is ignored
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote 1.2.3.4
        (1, "203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not through them
        (1, "1.2.3.4, not-an-address", "10.0.0.2"),
        (1, "1.2.3.4, [2001:db8::7]:443", "2001:db8::7"),
        (1, "1.2.3.4, 203.0.113.9:51234", "203.0.113.9"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_counts_trusted_hops_from_the_right(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_forged_leftmost_address_does_not_escape_the_lookup_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOOKUP_RATE_LIMIT = 3
    cache.clear()
    answers = []
    for i in range(5):
        response = client.post(
            "/api/permits/lookup/",
            json.dumps({"code": "GPBX-240205-0001", "key": "ABCD"}),
            content_type="application/json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.77",
        )
        answers.append(response.status_code)
    assert answers == [404, 404, 404, 429, 429]
    assert "Bạn đã tra cứu quá nhiều lần" in response.json()["detail"]
