"""The procedure catalogue: dated versions; a case keeps the one it started under."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from workflows.models import LadderStep, Procedure, ProcedureVersion
from workflows.selectors import procedure_version_for
from workflows.tasks import fire_due_timers

pytestmark = pytest.mark.django_db


def test_the_version_in_force_on_a_date_is_chosen():
    p = Procedure.objects.create(code="BX-01", name_vi="Cấp giấy phép tiến hành công việc bức xạ")
    old = ProcedureVersion.objects.create(
        procedure=p, label="NĐ 61/2018", legal_basis="NĐ 61", applies_from=date(2018, 4, 23)
    )
    new = ProcedureVersion.objects.create(
        procedure=p, label="NĐ 118/2025", legal_basis="NĐ 118", applies_from=date(2025, 7, 1)
    )
    assert procedure_version_for("BX-01", date(2024, 2, 5)) == old
    assert procedure_version_for("BX-01", date(2025, 6, 30)) == old
    assert procedure_version_for("BX-01", date(2025, 7, 1)) == new
    with pytest.raises(ProcedureVersion.DoesNotExist):
        procedure_version_for("BX-01", date(2010, 1, 1))


def test_ladder_step_channels_are_validated(version):
    step = LadderStep(
        version=version,
        kind="reminder",
        offset=-1,
        recipient="owner",
        template="deadline_reminder",
        channels=["fax"],
    )
    with pytest.raises(ValidationError, match="kênh"):
        step.full_clean()


def test_viewflow_timer_task_runs():
    assert fire_due_timers() == 0
