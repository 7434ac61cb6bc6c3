"""Fixtures of the councils: the managing division, the secretary, an expert pool with
accounts, and helpers that drive a council through the API with the clock moved."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tasks_lifecycle.models import Expert, HostOrganisation
from tests.conftest import make_user
from workflows.models import Division
from workflows.roles import Role

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def pdf(name: str = "thuyet-minh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@contextmanager
def on(day: date, hour: int = 9):
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def qlkh(db):
    return Division.objects.get_or_create(
        code="qlkh", defaults={"name": "Phòng Quản lý khoa học và công nghệ"}
    )[0]


@pytest.fixture
def people(qlkh):
    other = Division.objects.get_or_create(code="cn-qlkhcs", defaults={"name": "Phòng CN"})[0]
    return {
        "secretary": make_user("thuky", Role.COUNCIL_SECRETARY, division=qlkh),
        "other_secretary": make_user("thuky2", Role.COUNCIL_SECRETARY, division=qlkh),
        "head": make_user("truongphong", Role.HEAD_OF_DIVISION, division=qlkh),
        "specialist": make_user("chuyenvien", Role.SPECIALIST, division=other),
        "applicant": make_user("nguoinop", Role.APPLICANT),
    }


ORGS = ["Đại học Tây Bắc", "Viện Khoa học Nông nghiệp Việt Nam", "Sở Nông nghiệp Sơn La",
        "Trường Cao đẳng Sơn La", "Viện Nghiên cứu Rau quả", "Sở Công Thương Sơn La"]  # fmt: skip


@pytest.fixture
def pool(db):
    """Twelve experts, each with a member account (tv1…tv12)."""
    experts = []
    for i in range(1, 13):
        user = make_user(f"tv{i}", Role.COUNCIL_MEMBER, last_name="Chuyên gia", first_name=str(i))
        experts.append(
            Expert.objects.create(
                full_name=f"Chuyên gia Số {i}",
                title="TS.",
                organisation=ORGS[i % len(ORGS)],
                field="Nông nghiệp",
                email=f"tv{i}@example.vn",
                user=user,
            )
        )
    return experts


def client_for(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def ok(response, status: int = 200):
    assert response.status_code == status, response.content.decode()[:800]
    return response.json() if response["Content-Type"].startswith("application/json") else response


CORE = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"]
ROLES = {
    "acceptance": CORE + ["member"] * 4,
    "identification": CORE + ["member"] * 2,
    "selection": CORE + ["member"] * 2,
    "budget_appraisal": ["chair", "vice_chair", "reviewer", "member", "secretary"],
    "inspection": ["chair", "vice_chair", "secretary", "member"],
    "advisory": CORE + ["member"] * 2,
}  # fmt: skip

SUBJECT = {
    "title": "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Gạo Phù Yên”",
    "pi_name": "Nguyễn Văn An",
    "participants": ["Lò Thị Bình"],
    "host_organisation": "Trung tâm Ứng dụng KH&CN Sơn La",
    "contract_end": "2023-12-31",
    "dossier_submitted_on": "2024-01-20",
}


def set_up(api, kind: str, pool, *, subjects=None, meeting_on="2024-03-20"):
    """Create a council of `kind` and add members from the pool with the kind's roles."""
    body = {
        "kind": kind,
        "title": f"Hội đồng {kind}",
        "meeting_on": meeting_on,
        "subjects": subjects or [SUBJECT],
    }
    council = ok(api.post("/api/councils/", body, format="json"), 201)
    for expert, role in zip(pool, ROLES[kind], strict=False):
        council = ok(
            api.post(
                f"/api/councils/{council['id']}/members/",
                {"expert": expert.pk, "role": role},
                format="json",
            )
        )
    return council


def constitute_and_dispatch(api, cid: int, *, dispatch: bool = True, day: str = "2024-03-01"):
    """Constitute the council (decision 1/QĐ of `day`), upload a paper, dispatch it."""
    ok(api.post(f"/api/councils/{cid}/constitute/",
                {"decision_number": "1/QĐ", "decision_date": day}, format="json"))  # fmt: skip
    ok(api.post(f"/api/councils/{cid}/papers/", {"title": "Hồ sơ", "file": pdf()}))
    return ok(api.post(f"/api/councils/{cid}/dispatch/")) if dispatch else None


# --- the S&T tasks (issue 10) -------------------------------------------------------------
@pytest.fixture
def org(db):
    """The host organisation of the tasks under test."""
    return HostOrganisation.objects.create(name="Trung tâm Ứng dụng KH&CN Sơn La")


@pytest.fixture
def staff(people, qlkh, org):
    host_user = make_user("tochuc", Role.APPLICANT)
    org.users.add(host_user)
    other_org_user = make_user("tochuckhac", Role.APPLICANT)
    HostOrganisation.objects.create(name="Trường Đại học Tây Bắc").users.add(other_org_user)
    other = Division.objects.get(code="cn-qlkhcs")
    return {
        **people,
        "officer": make_user("cvqlkh", Role.SPECIALIST, division=qlkh),
        "officer2": make_user("cvqlkh2", Role.SPECIALIST, division=qlkh),
        "other_head": make_user("tpkhac", Role.HEAD_OF_DIVISION, division=other),
        "director": make_user("giamdoc", Role.DIRECTOR),
        "host": host_user,
        "other_host": other_org_user,
    }
