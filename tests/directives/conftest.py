"""Fixtures of the assignments: the department's people by role and division, and a
helper that registers an assignment through the service with the clock moved."""

from __future__ import annotations

from datetime import date

import pytest

from directives import services
from directives.catalogue import catalogue_install
from directives.models import Source, SourceKind
from tests.conftest import make_user
from tests.permits.conftest import on, pdf  # noqa: F401  (re-exported)
from workflows.models import Division
from workflows.roles import Role

DIVISIONS = [
    ("van-phong", "Văn phòng Sở"),
    ("qlkh", "Phòng Quản lý khoa học và công nghệ"),
    ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
    ("thanh-tra", "Thanh tra Sở"),
]


@pytest.fixture
def divisions(db):
    catalogue_install()
    return {
        code: Division.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in DIVISIONS
    }


@pytest.fixture
def people(divisions):
    d = divisions
    return {
        "office": make_user("vanthu", Role.SPECIALIST, division=d["van-phong"]),
        "director": make_user("giamdoc", Role.DIRECTOR, division=d["van-phong"]),
        "head": make_user("tpqlkh", Role.HEAD_OF_DIVISION, division=d["qlkh"]),
        "officer": make_user("cvqlkh", Role.SPECIALIST, division=d["qlkh"]),
        "officer2": make_user("cvqlkh2", Role.SPECIALIST, division=d["qlkh"]),
        "other_head": make_user("truongphong", Role.HEAD_OF_DIVISION, division=d["cn-qlkhcs"]),
        "supporter": make_user("chuyenvien", Role.SPECIALIST, division=d["cn-qlkhcs"]),
        "inspector": make_user("thanhtra", Role.INSPECTOR, division=d["thanh-tra"]),
        "accountant": make_user("ketoan", Role.ACCOUNTANT, division=d["van-phong"]),
        "applicant": make_user("nguoinop", Role.APPLICANT),
    }


def register(
    people,
    divisions,
    *,
    day=date(2024, 1, 8),
    due=date(2024, 1, 31),
    officer="officer",
    supporting=("cn-qlkhcs",),
    number="84/UBND-KGVX",
    actor="office",
):
    with on(day):
        return services.assignment_create(
            actor=people[actor],
            source=Source.PROVINCE,
            source_kind=SourceKind.OFFICIAL_LETTER,
            source_number=number,
            source_date=day,
            content="Góp ý dự thảo khung Chương trình khoa học và công nghệ cấp Quốc gia",
            received_on=day,
            due_on=due,
            lead_division=divisions["qlkh"],
            supporting_divisions=[divisions[c] for c in supporting],
            officer=people[officer] if officer else None,
        )
