"""F6: NUL and other control characters are refused with a 400 and a Vietnamese reason
at every entry point, on every URL pattern of the project (the resolver is walked)."""

import base64
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.conftest import make_user
from workflows.roles import Role

pytestmark = pytest.mark.django_db

SAMPLES = {
    "int": "1",
    "str": "GPBX-240205-0001",
    "slug": "kiem-xa",
    "path": "a/b",
    "uuid": "0" * 32,
}
REASON = "ký tự điều khiển"


def _route_to_path(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route)
    if route.startswith("^") or route.endswith("$") or "(?P<" in route or "\\" in route:
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
        route = re.sub(r"\([^)]*\)\??", "", route)
        route = route.replace("\\.", ".").replace("/?", "/").replace("\\", "")
        route = route.replace("?", "").replace("+", "").replace("*", "")
    return route


def every_url() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str):
        for p in patterns:
            route = prefix + _route_to_path(str(p.pattern))
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    resolvable = []
    for url in dict.fromkeys(found):
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            continue
        resolvable.append(url)
    return resolvable


def _basic(user: str, password: str = "x") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _assert_refused(response, where: str):
    assert response.status_code == 400, (where, response.status_code)
    body = response.content.decode()
    assert REASON in body, (where, body[:300])
    if where.split()[1].startswith("/api/") and "(path)" not in where:
        data = response.json()
        assert data["code"] == "bad_input" and REASON in data["detail"]


def test_every_url_pattern_refuses_control_characters(client):
    urls = every_url()
    assert len(urls) > 60, urls  # the walk found the project's pages and API
    make_user("nul-staff", Role.DIRECTOR)
    tried = 0
    for url in urls:
        base = url.rstrip("/")
        attempts = {
            f"GET {url} (query)": lambda: client.get(url, {"q": "a\x00b"}),
            f"GET {url} (query name)": lambda: client.get(url + "?a%00b=1"),
            f"GET {base}%00/ (path)": lambda: client.get(base + "%00/"),
            f"POST {url} (form)": lambda: client.post(url, {"note": "x\x00y"}),
            f"POST {url} (json)": lambda: client.post(
                url, json.dumps({"note": "x\u0000y"}), content_type="application/json"
            ),
            f"POST {url} (nested json)": lambda: client.post(
                url,
                json.dumps({"devices": [{"model_name": "\u0001"}]}),
                content_type="application/json",
            ),
            f"GET {url} (basic user)": lambda: client.get(
                url, HTTP_AUTHORIZATION=_basic("nul-staff\x00")
            ),
            f"GET {url} (basic password)": lambda: client.get(
                url, HTTP_AUTHORIZATION=_basic("nul-staff", "x\x00")
            ),
            f"GET {url} (header)": lambda: client.get(url, HTTP_X_REQUESTED_WITH="a\x00"),
        }
        for where, send in attempts.items():
            _assert_refused(send(), where)
            tried += 1
    _assert_refused(
        client.get("/ho-so/", HTTP_COOKIE="sessionid=abc\x00def"), "GET /ho-so/ (cookie)"
    )
    print(f"\nbad input: {len(urls)} URL patterns, {tried + 1} requests refused with 400")


def test_ordinary_text_passes(client):
    user = make_user("nul-applicant", Role.APPLICANT)
    client.force_login(user)
    # tab, line feed and carriage return are text a person types in a textarea
    response = client.get("/ho-so/", {"q": "Dòng 1\r\nDòng 2\tcột"})
    assert response.status_code == 200


def test_multipart_file_name_with_control_characters_never_reaches_storage(client):
    """Django's multipart parser drops unprintable characters from a file name; what is
    left is a name without them (never a 500)."""
    from datetime import date

    from permits.models import Document
    from tests.permits.conftest import PDF, file_dossier, on

    user = make_user("nul-applicant2", Role.APPLICANT)
    with on(date(2024, 2, 5)):
        dossier = file_dossier(user, upload=False)
    client.force_login(user)
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n'
            f'don-de-nghi\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="a\x00\x07b.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    with on(date(2024, 2, 5)):
        response = client.generic(
            "POST",
            f"/api/permits/dossiers/{dossier.code}/documents/",
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    assert response.status_code in (201, 400), response.content
    for doc in Document.objects.filter(dossier=dossier):
        assert not re.search(r"[\x00-\x1f]", doc.original_name)


def test_api_refusal_is_json_in_the_error_shape(client):
    response = client.post(
        "/api/permits/lookup/",
        json.dumps({"code": "GPBX\u0000", "key": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "bad_input"
    assert data["errors"] == {"code": [data["detail"]]}
