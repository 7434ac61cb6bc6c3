"""Django's `get_token`, with its random characters drawn in one call.

Django draws each of the mask's 32 characters (and a new secret's) with its own
`random.SystemRandom().choice`, about 490 Python calls per token: on the public lookup
page, which puts a token in every answer, that was a sixth of the request. Here the
characters come from one `secrets.token_bytes` read, each byte below 248 mapped to
the 62 allowed characters (248 is 4 × 62, so every character is equally likely; the
others are dropped), and the token is Django's: the mask, then the secret shifted by
it, which `CsrfViewMiddleware` unmasks as it does its own.
"""

from __future__ import annotations

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_N = len(CSRF_ALLOWED_CHARS)
_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_LIMIT = 256 - 256 % _N


def _random_indexes(n: int) -> list[int]:
    out: list[int] = []
    while len(out) < n:
        out.extend(b % _N for b in secrets.token_bytes(n + 8) if b < _LIMIT)
    return out[:n]


def _text(indexes: list[int]) -> str:
    return "".join([CSRF_ALLOWED_CHARS[i] for i in indexes])


def get_token(request) -> str:
    """A masked CSRF token for `request`, as `django.middleware.csrf.get_token`: the
    cookie's secret (or a new one) is kept in `request.META` and flagged for the
    cookie to be sent."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = _text(_random_indexes(CSRF_SECRET_LENGTH))
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    cipher = [CSRF_ALLOWED_CHARS[(_INDEX[c] + m) % _N] for c, m in zip(secret, mask, strict=True)]
    return _text(mask) + "".join(cipher)
