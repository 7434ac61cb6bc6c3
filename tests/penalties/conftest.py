"""Fixtures of the penalty procedure: staff by role, and helpers that open a case and
drive it through the services with the clock moved."""

from __future__ import annotations

from datetime import date

import pytest

from penalties import services
from penalties.models import DeliveryAttempt, PenaltyCase
from tests.conftest import make_user
from tests.permits.conftest import on  # noqa: F401  (re-exported: move the clock)
from workflows.models import Division
from workflows.roles import Role


@pytest.fixture
def divisions(db):
    return {
        code: Division.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("thanh-tra", "Thanh tra Sở"),
            ("van-phong", "Văn phòng Sở"),
            ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
        ]
    }


@pytest.fixture
def people(divisions):
    d = divisions
    return {
        "inspector": make_user("thanhtra", Role.INSPECTOR, division=d["thanh-tra"]),
        "inspector2": make_user("thanhtra2", Role.INSPECTOR, division=d["thanh-tra"]),
        "chief": make_user("chanhthanhtra", Role.HEAD_OF_DIVISION, division=d["thanh-tra"]),
        "director": make_user("giamdoc", Role.DIRECTOR, division=d["van-phong"]),
        "accountant": make_user("ketoan", Role.ACCOUNTANT, division=d["van-phong"]),
        "specialist": make_user("chuyenvien", Role.SPECIALIST, division=d["cn-qlkhcs"]),
        "other_head": make_user("truongphong", Role.HEAD_OF_DIVISION, division=d["cn-qlkhcs"]),
        "applicant": make_user("nguoinop", Role.APPLICANT),
    }


def open_case(
    people,
    *,
    record_on=date(2023, 12, 22),
    name="Cửa hàng vàng Kim Tín",
    organisation=True,
    number="01/BB-VPHC",
) -> PenaltyCase:
    with on(record_on):
        return services.case_open(
            actor=people["inspector"],
            violator=services.Violator(name, organisation, "Tổ 3, phường Chiềng Lề", "5500123456"),
            record_number=number,
            record_on=record_on,
            violation="Kinh doanh vàng trang sức không đảm bảo đo lường",
        )


def decided(
    people, *, amount=11_000_000, record_on=date(2023, 12, 22), decide_on=None, signer="chief", **kw
) -> PenaltyCase:
    case = open_case(people, record_on=record_on, **kw)
    with on(decide_on or record_on):
        case = services.decision_propose(case=case, actor=people["inspector"], amount=amount)
        case = services.decision_sign(case=case, actor=people[signer])
    return case


def delivered(people, *, received_on=date(2023, 12, 29), **kw) -> PenaltyCase:
    case = decided(people, **kw)
    with on(received_on):
        return services.delivery_record(
            case=case,
            actor=people["inspector"],
            on=received_on,
            outcome=DeliveryAttempt.Outcome.RECEIVED,
        )
