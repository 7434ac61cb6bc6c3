from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from workflows.roles import has_role


def _is_officer(instance, user) -> bool:
    return has_role(user, "one_stop_officer")


class SampleCase(models.Model):
    code = models.CharField(max_length=30, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    status = FSMField(default="submitted", protected=True)

    def __str__(self) -> str:
        return self.code

    @transition(
        field=status,
        source="submitted",
        target="accepted",
        permission=_is_officer,
        custom={"label": "Tiếp nhận"},
    )
    def accept(self):
        pass

    @transition(
        field=status,
        source="submitted",
        target="refused",
        permission=_is_officer,
        custom={"label": "Từ chối"},
    )
    def refuse(self):
        pass
