"""Request helpers shared by views and API endpoints."""

import ipaddress

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, for the audit trail, the lookup rate limit and the login
    throttle.

    Behind N reverse proxies of your own set DJANGO_TRUSTED_PROXY_COUNT=N: each proxy
    appends the address it received the request from to X-Forwarded-For, so the client
    is the address N hops from the right; everything left of it was written by the
    client and is ignored. A request with fewer hops than that did not come through the
    proxies, and is answered with its own peer address. With 0 (the default) the header
    is ignored.
    """
    if request is None:
        return None
    peer = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return _valid_ip(forwarded[-hops]) or peer
    return peer
