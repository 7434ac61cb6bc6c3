"""F9, F10, F14: the settings refuse the development key outside DEBUG, turn the
security headers on in a deployment, keep `make run` working with nothing set, and
`check --deploy` is clean with the production variables."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import make_user
from workflows.roles import Role

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'key': s.SECRET_KEY, 'ssl': s.SECURE_SSL_REDIRECT, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'cookies': s.SESSION_COOKIE_SECURE, "
    "'cache': s.CACHES['default']['BACKEND'], 'proxies': s.TRUSTED_PROXY_COUNT}))"
)


def _env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_", "MOTCUA_VAR_DIR"))
    }
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "MOTCUA_VAR_DIR": str(tmp_path / "var")}
    )
    env.update(extra)
    return env


def _run(env, code: str = PROBE):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _probe(env) -> dict:
    import json

    result = _run(env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


DEPLOYED = "postgres://postgres@127.0.0.1:5432/motcua_never_connected"


def test_a_deployment_without_a_secret_key_refuses_to_start(tmp_path):
    result = _run(_env(tmp_path, DATABASE_URL=DEPLOYED))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_development_key_is_refused_without_debug(tmp_path):
    from config.settings import DEV_SECRET_KEY

    for extra in ({}, {"DATABASE_URL": DEPLOYED}):
        result = _run(_env(tmp_path, DJANGO_SECRET_KEY=DEV_SECRET_KEY, **extra))
        assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
    # with DEBUG on, a developer may still use it
    values = _probe(_env(tmp_path, DATABASE_URL=DEPLOYED, DJANGO_DEBUG="true"))
    assert values["key"] == DEV_SECRET_KEY


def test_a_fresh_clone_generates_its_key_once_under_var(tmp_path):
    first = _probe(_env(tmp_path))
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == first["key"] and len(first["key"]) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _probe(_env(tmp_path))["key"] == first["key"]
    # the embedded default: plain HTTP, a cache shared by every process on the machine
    assert (first["ssl"], first["hsts"], first["cookies"]) == (False, 0, False)
    assert first["cache"].endswith("FileBasedCache")


def test_production_defaults_and_their_variables(tmp_path):
    key = secrets.token_urlsafe(50)
    on = _probe(_env(tmp_path, DATABASE_URL=DEPLOYED, DJANGO_SECRET_KEY=key))
    assert (on["ssl"], on["hsts"], on["cookies"]) == (True, 31536000, True)
    off = _probe(
        _env(
            tmp_path,
            DATABASE_URL=DEPLOYED,
            DJANGO_SECRET_KEY=key,
            DJANGO_SSL_REDIRECT="false",
            DJANGO_HSTS_SECONDS="0",
            DJANGO_SECURE_COOKIES="false",
            DJANGO_TRUSTED_PROXY_COUNT="2",
        )
    )
    assert (off["ssl"], off["hsts"], off["cookies"], off["proxies"]) == (False, 0, False, 2)
    # the old switch still means one proxy
    legacy = _probe(_env(tmp_path, DJANGO_TRUST_X_FORWARDED_FOR="true"))
    assert legacy["proxies"] == 1


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    env = _env(
        tmp_path,
        DATABASE_URL=DEPLOYED,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="motcua.sokhcn.gov.vn",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://motcua.sokhcn.gov.vn",
        CACHE_REDIS_URL="redis://127.0.0.1:6379/4",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- headers ------------------------------------------------------------------------
@pytest.mark.django_db
def test_html_pages_carry_csp_and_permissions_policy(client):
    response = client.get(reverse("permits:lookup"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    nonces = {
        client.get(reverse("permits:lookup"))["Content-Security-Policy"]
        .split("'nonce-", 1)[1]
        .split("'", 1)[0]
        for _ in range(3)
    }
    assert len(nonces) == 3  # a new nonce per answer, the rest of the policy built once
    assert csp.count("'sha256-") == 2  # viewflow's two inline handlers
    api = client.get("/healthz")
    assert "Content-Security-Policy" not in api  # JSON, not HTML
    assert "Permissions-Policy" in api


@pytest.mark.django_db
def test_personal_data_is_never_stored_by_caches(client):
    from datetime import date

    from tests.permits.conftest import file_dossier, on

    applicant = make_user("ns-nguoinop", Role.APPLICANT)
    officer = make_user("ns-motcua", Role.ONE_STOP_OFFICER)
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant)
    client.force_login(applicant)
    for url in ["/ho-so/", f"/ho-so/{dossier.code}/", "/api/permits/dossiers/"]:
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.force_login(officer)
    for url in [f"/can-bo/ho-so/{dossier.code}/", f"/api/permits/dossiers/{dossier.code}/"]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], (url, response.status_code)
    client.logout()
    assert "no-store" in client.get("/api/permits/dossiers/")["Cache-Control"]
    # a view's own never_cache (the lookup page) is left as it is, not patched again
    lookup = client.get(reverse("permits:lookup"))
    tokens = [t.strip() for t in lookup["Cache-Control"].split(",")]
    assert sorted(tokens) == ["max-age=0", "must-revalidate", "no-cache", "no-store", "private"]
    assert "Expires" in lookup


@pytest.mark.django_db
def test_each_header_follows_its_setting(client, settings):
    settings.CSP_ENABLED = False
    settings.PERMISSIONS_POLICY = ""
    response = client.get(reverse("permits:lookup"))
    assert "Content-Security-Policy" not in response and "Permissions-Policy" not in response
    settings.NO_STORE_PERSONAL_DATA = False
    assert "no-store" not in client.get("/api/permits/dossiers/").get("Cache-Control", "")


@pytest.mark.django_db
def test_hsts_and_ssl_redirect_when_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/tra-cuu/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in (200, 503)  # the probe is exempt
    secure = client.get("/tra-cuu/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


@pytest.mark.django_db
def test_swagger_ui_is_served_from_the_installed_package(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "<script>" not in page  # its start-up script is a file (CSP)
