"""The penalty procedure's entry in the staff Site (viewflow `Application`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from . import access


class PenaltiesStaffApp(Application):
    title = _("Xử phạt vi phạm hành chính")
    icon = "gavel"
    app_name = "xu-phat"

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or access.sees_cases(user)

    index_path = path("", RedirectView.as_view(pattern_name="penalties:register"), name="index")
