"""The councils' entry in the staff Site (viewflow `Application`): the secretary's
workspace for council staff, "my councils" for members."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from workflows.roles import is_staff_member

from . import access


class _Index(RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        from django.urls import reverse

        if access.is_council_staff(self.request.user):
            return reverse("tasks_lifecycle:workspace")
        return reverse("tasks_lifecycle:member-home")


class CouncilsStaffApp(Application):
    title = _("Hội đồng tư vấn")
    icon = "groups"
    app_name = "hoi-dong-tu-van"

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or is_staff_member(user)

    index_path = path("", _Index.as_view(), name="index")


class TasksStaffApp(Application):
    """The S&T tasks in the staff Site's menu: the register (its pages have the tabs
    of the register and of the overdue / due-soon view)."""

    title = _("Nhiệm vụ KH&CN")
    icon = "science"
    app_name = "nhiem-vu-khcn"

    @staticmethod
    def permission(user) -> bool:
        from .task_selectors import sees_all_tasks

        return not user.is_authenticated or sees_all_tasks(user)

    index_path = path("", RedirectView.as_view(pattern_name="tasks_lifecycle:tasks"), name="index")
