"""A bounded schemathesis run over the OpenAPI schema: no request may answer 5xx.

Every operation of /api/schema/ is called with generated data (valid and invalid) by a
signed-in director (who may see every dossier) over WSGI, at most `MAX_EXAMPLES` per
operation and `BUDGET_SECONDS` in all. The last test prints the count of calls and of
server errors.
"""

import base64
import time
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings

from tests.conftest import make_user
from workflows.roles import Role

MAX_EXAMPLES = 8
BUDGET_SECONDS = 75
PASSWORD = "x-test-pass"  # noqa: S105 (make_user's password)
STATS = {
    "by_status": {},
    "calls": 0,
    "server_errors": 0,
    "operations": 0,
    "started": None,
    "failures": [],
}


def _load_schema():
    from config.wsgi import application

    # read over WSGI at collection time: the schema view touches no table
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()
# one xdist process runs the whole module, in order: the summary counts what it ran
pytestmark = pytest.mark.xdist_group("schemathesis")


@pytest.fixture(autouse=True)
def api_data(db, settings):
    settings.AXES_ENABLED = False  # the run signs in hundreds of times
    make_user("st-giamdoc", Role.DIRECTOR, first_name="Giám đốc", last_name="Schemathesis")
    applicant = make_user("st-nguoinop", Role.APPLICANT, first_name="Người nộp")
    from tests.permits.conftest import file_dossier, on

    with on(date(2024, 2, 5)):
        file_dossier(applicant)
    # as Django's test client does: a request must not close the test's connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


AUTH = "Basic " + base64.b64encode(f"st-giamdoc:{PASSWORD}".encode()).decode()


@schema.parametrize()
@hsettings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_no_server_error(case):
    if STATS["started"] is None:
        STATS["started"] = time.monotonic()
    if time.monotonic() - STATS["started"] > BUDGET_SECONDS:
        return  # the time budget is spent: later examples are not sent
    # the director's credentials, in place of any generated for the security scheme
    headers = {**(case.headers or {}), "Authorization": AUTH}
    response = case.call(headers=headers)
    STATS["calls"] += 1
    STATS["by_status"][response.status_code] = STATS["by_status"].get(response.status_code, 0) + 1
    if response.status_code >= 500:
        STATS["server_errors"] += 1
        STATS["failures"].append(f"{case.method} {case.formatted_path} → {response.status_code}")
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])


def test_zz_schemathesis_summary(capsys):
    """Runs after the parametrized test (same module, defined later)."""
    if STATS["calls"] == 0:
        pytest.skip("the schemathesis run did not take place in this session")
    with capsys.disabled():
        print(
            f"\nschemathesis: {STATS['calls']} calls, {STATS['server_errors']} server errors "
            f"(hypothesis max_examples={MAX_EXAMPLES}, {BUDGET_SECONDS} s budget); "
            f"by status: {dict(sorted(STATS['by_status'].items()))}"
        )
    assert STATS["server_errors"] == 0, STATS["failures"]
