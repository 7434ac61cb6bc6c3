"""The assignments' entry in the staff Site (viewflow `Application`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from . import access


class DirectivesStaffApp(Application):
    title = _("Nhiệm vụ UBND tỉnh giao")
    icon = "assignment"
    app_name = "nhiem-vu-ubnd"

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or access.sees_register(user)

    index_path = path("", RedirectView.as_view(pattern_name="directives:register"), name="index")
