"""Request helpers shared by views and API endpoints."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for the audit trail.

    Behind a reverse proxy set DJANGO_TRUST_X_FORWARDED_FOR=true so the first address
    of X-Forwarded-For is used; otherwise that header is ignored (it can be forged).
    """
    if request is None:
        return None
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
