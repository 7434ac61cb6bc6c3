"""Fixtures of the result registration: the desk's staff and the managing division's
(qlkh), a host organisation with its account and a task whose results are recognised,
and helpers that file a registration through the desk's services."""

from __future__ import annotations

from datetime import date

import pytest

from permits import services
from permits.models import Dossier
from tasks_lifecycle.models import HostOrganisation, Investigator, Stage, Task
from tasks_lifecycle.registration.kind import KIND
from tests.conftest import make_user

# the radiation tests' helpers serve every one-stop kind (a kind without a fee skips the
# fee step); re-exported for the tests here
from tests.permits.conftest import drive, on, pdf  # noqa: F401
from workflows.models import Division
from workflows.roles import Role

ORGANISATION = {
    "organisation_name": "Trường Đại học Tây Bắc",
    "organisation_address": "Phường Quyết Tâm, TP. Sơn La",
    "business_registration_no": "QĐ 39/2001/QĐ-TTg",
    "contact_phone": "0212 3751 700",
    "contact_email": "khcn@utb.example.vn",
}

DETAILS = {
    "task_title": "Nghiên cứu chọn tạo giống cà phê chè năng suất cao cho vùng Sơn La",
    "task_code": "SL-2021-03",
    "field": "Khoa học nông nghiệp",
    "pi_name": "TS. Lò Văn Hưng",
    "started_on": date(2021, 6, 1),
    "ended_on": date(2023, 5, 31),
    "accepted_on": date(2023, 11, 23),
    "acceptance_class": "dat",
    "recognition_no": "2415/QĐ-UBND",
    "recognition_on": date(2023, 12, 20),
    "state_budget": 1_250_000_000,
    "summary": "Quy trình nhân giống; 02 giống triển vọng.",
}

# the five items of the checklist; the last is optional
REQUIRED_ITEMS = ["phieu-dang-ky", "bao-cao-tong-hop", "bao-cao-tom-tat", "nghiem-thu-cong-nhan"]


@pytest.fixture
def divisions(db):
    return {
        code: Division.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("mot-cua", "Bộ phận Một cửa"),
            ("qlkh", "Phòng Quản lý khoa học và công nghệ"),
            ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
            ("van-phong", "Văn phòng Sở"),
        ]
    }


@pytest.fixture
def staff(divisions):
    """The desk's officer, the managing division's specialist and head, the director;
    and, for the permission tests, the radiation division's specialist and head."""
    return {
        Role.ONE_STOP_OFFICER: make_user(
            "motcua", Role.ONE_STOP_OFFICER, division=divisions["mot-cua"]
        ),
        Role.SPECIALIST: make_user("cvqlkh", Role.SPECIALIST, division=divisions["qlkh"]),
        Role.HEAD_OF_DIVISION: make_user(
            "tpqlkh", Role.HEAD_OF_DIVISION, division=divisions["qlkh"]
        ),
        Role.DIRECTOR: make_user("giamdoc", Role.DIRECTOR, division=divisions["van-phong"]),
        "specialist_elsewhere": make_user(
            "chuyenvien", Role.SPECIALIST, division=divisions["cn-qlkhcs"]
        ),
        "head_elsewhere": make_user(
            "truongphong", Role.HEAD_OF_DIVISION, division=divisions["cn-qlkhcs"]
        ),
        Role.ACCOUNTANT: make_user("ketoan", Role.ACCOUNTANT, division=divisions["van-phong"]),
    }


@pytest.fixture
def host(db):
    return HostOrganisation.objects.create(name=ORGANISATION["organisation_name"])


@pytest.fixture
def applicant(host):
    user = make_user("dh-taybac", Role.APPLICANT, last_name="Trường Đại học", first_name="Tây Bắc")
    host.users.add(user)
    return user


@pytest.fixture
def other_applicant(db):
    return make_user("vien-nc", Role.APPLICANT)


def make_task(host, *, code="NV-2021-03", stage=Stage.RECOGNISED) -> Task:
    pi = Investigator.objects.create(full_name="Lò Văn Hưng", academic_title="TS.")
    return Task.objects.create(
        code=code,
        title="Nghiên cứu chọn tạo giống cà phê chè năng suất cao cho vùng Sơn La",
        field="Khoa học nông nghiệp",
        year=2021,
        host=host,
        pi=pi,
        stage=stage,
        proposed_on=date(2020, 9, 1),
        state_budget=1_250_000_000,
        acceptance_class="xuat_sac",
        concluded_on=date(2023, 11, 23),
    )


@pytest.fixture
def task(host) -> Task:
    return make_task(host)


def file_registration(applicant, *, upload: bool = True, details=None, **kw) -> Dossier:
    """A draft registration filed online with every required item uploaded."""
    actor = kw.pop("actor", applicant)  # a one-stop officer at the counter
    dossier = services.dossier_create(
        actor=actor,
        applicant=applicant,
        kind=KIND,
        organisation=ORGANISATION,
        details=DETAILS if details is None else details,
        **kw,
    )
    if upload:
        for item in REQUIRED_ITEMS:
            services.document_upload(
                dossier=dossier,
                item=item,
                upload=pdf(f"{item}.pdf"),
                actor=actor,
            )
    return dossier


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
