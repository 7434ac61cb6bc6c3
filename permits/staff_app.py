"""The radiation procedures' entry in the staff Site (viewflow `Application`).

The pages themselves live in the `permits` URL namespace (permits:staff-dossier,
permits:manager, permits:register); this application gives them a place in the Site's
menu, next to the flows' inbox and queue.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from workflows.roles import is_staff_member


class RadiationStaffApp(Application):
    title = _("Cấp phép bức xạ")
    icon = "verified_user"
    app_name = "buc-xa"

    @staticmethod
    def permission(user) -> bool:
        # anonymous visitors reach the page, which sends them to the login page
        return not user.is_authenticated or is_staff_member(user)

    index_path = path("", RedirectView.as_view(pattern_name="permits:staff-home"), name="index")
