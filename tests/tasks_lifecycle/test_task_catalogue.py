"""The task limits as catalogue data: installed on migrate, read back, overridable."""

from datetime import date

import pytest

from tasks_lifecycle import task_rules
from tasks_lifecycle.models import TASK_PROCEDURE_CODE
from tasks_lifecycle.task_catalogue import (
    LADDER,
    current_version,
    task_catalogue_install,
    task_limits,
)
from workflows.models import LadderStep, ProcedureVersion, TimeLimitRule

pytestmark = pytest.mark.django_db


def _version() -> ProcedureVersion:
    return ProcedureVersion.objects.get(procedure__code=TASK_PROCEDURE_CODE)


def test_installed_on_migrate_with_every_limit_and_its_basis():
    version = _version()
    rows = {r.stage: r for r in version.time_limits.all()}
    assert rows["recommendation"].amount == 5 and rows["recommendation"].unit == "working"
    assert rows["acceptance_dossier"].amount == 30 and rows["acceptance_dossier"].unit == "calendar"
    assert "Điều 7" in rows["acceptance_dossier"].legal_basis
    months = version.parameters
    assert months["acceptance_limit"]["value"] == 6
    assert set(rows) | set(months) == set(task_rules.LIMITS)
    assert LadderStep.objects.filter(version=version).count() == len(LADDER)


def test_son_la_inspects_every_six_months_where_the_national_default_is_yearly():
    limits = task_limits(_version())
    assert limits["inspection_interval"].amount == 6
    assert "[Seed]" in limits["inspection_interval"].legal_basis
    assert task_rules.LIMITS["inspection_interval"].amount == 12
    got = task_rules.inspection_schedule(
        effective_on=date(2024, 1, 15),
        contract_end=date(2025, 1, 15),
        interval=limits["inspection_interval"],
    )
    assert got == [date(2024, 7, 15)]


def test_the_province_edits_a_limit_and_the_rules_follow():
    version = _version()
    TimeLimitRule.objects.filter(version=version, stage="acceptance_dossier").update(amount=45)
    params = version.parameters
    params["inspection_interval"]["value"] = 12
    version.parameters = params
    version.save()
    limits = task_limits(ProcedureVersion.objects.get(pk=version.pk))
    assert task_rules.acceptance_dossier_due_on(date(2024, 1, 31), limits=limits) == date(
        2024, 3, 18
    )  # 16/03/2024 is a Saturday
    assert limits["inspection_interval"].amount == 12


def test_install_is_idempotent_and_keeps_the_province_edits():
    version = _version()
    TimeLimitRule.objects.filter(version=version, stage="opening").update(amount=10)
    again = task_catalogue_install()
    assert again.pk == version.pk
    assert version.time_limits.get(stage="opening").amount == 10
    assert LadderStep.objects.filter(version=version).count() == len(LADDER)
    assert current_version(date(2024, 6, 1)).pk == version.pk
