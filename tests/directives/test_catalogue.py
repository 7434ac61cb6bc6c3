"""The catalogue entry: installed once, with its ladder in working days; an admin's edit
survives a second install; the officer's messages render in Vietnamese."""

from __future__ import annotations

import pytest

from directives.catalogue import catalogue_install
from notifications.models import Notification
from workflows.models import LadderStep, ProcedureVersion

from .conftest import register

pytestmark = pytest.mark.django_db


def test_installed_once_and_an_admin_edit_survives(divisions):
    version = catalogue_install()
    steps = list(LadderStep.objects.filter(version=version).order_by("offset"))
    assert [(s.offset, s.offset_unit, s.recipient) for s in steps] == [
        (-3, "working", "owner"),
        (0, "working", "division_head"),
        (1, "working", "director"),
    ]
    LadderStep.objects.filter(pk=steps[0].pk).update(offset=-5)
    catalogue_install()
    assert ProcedureVersion.objects.filter(procedure__code="nhiem-vu-ubnd-giao").count() == 1
    assert LadderStep.objects.get(pk=steps[0].pk).offset == -5
    assert LadderStep.objects.filter(version=version).count() == 3


def test_the_officer_is_told_in_vietnamese(people, divisions):
    register(people, divisions)
    n = Notification.objects.get(recipient=people["officer"], channel="email")
    assert n.subject == "Được giao thực hiện nhiệm vụ NV-2024-0001"
    assert "Công văn số 84/UBND-KGVX ngày 08/01/2024" in n.body
    assert "Hạn hoàn thành: 31/01/2024" in n.body
    assert "/can-bo/nhiem-vu-ubnd/" in n.body
