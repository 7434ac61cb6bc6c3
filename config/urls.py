from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site
from viewflow.workflow.flow.viewset import WorkflowAppViewset

import workflows.api_errors  # noqa: F401  (the schema extensions of the API's authentication)
from directives import api as directives_api
from notifications.api import NotificationViewSet
from notifications.views import InboxView, MarkReadView
from penalties import api as penalties_api
from permits import api as permits_api
from tasks_lifecycle import api as councils_api
from tasks_lifecycle import task_api
from workflows import registry
from workflows.api import DeadlineViewSet
from workflows.report_views import QuarterlyReportApp
from workflows.roles import is_staff_member
from workflows.views import DeadlineListView, after_login, healthz, home


class DeadlinesApp(Application):
    title = _("Theo dõi thời hạn")
    icon = "schedule"
    app_name = "deadlines"
    menu_template_name = None  # one page: the Site's menu is enough

    @staticmethod
    def permission(user) -> bool:
        # anonymous visitors reach the view, which sends them to the login page
        return not user.is_authenticated or is_staff_member(user)

    index_path = path("", DeadlineListView.as_view(), name="index")


class ManagerApp(Application):
    """The managers' page across procedures (workflows.manager_urls) in the Site's menu."""

    title = _("Quản lý thời hạn")
    icon = "insights"
    app_name = "quan-ly-thoi-han"
    menu_template_name = None

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or is_staff_member(user)

    index_path = path("", RedirectView.as_view(pattern_name="manager:index"), name="index")


def _site() -> Site:
    viewsets = []
    if registry.flow_viewsets:
        viewsets.append(
            WorkflowAppViewset(flow_viewsets=list(registry.flow_viewsets), title=_("Xử lý hồ sơ"))
        )
    viewsets.extend(registry.site_applications)
    viewsets.append(DeadlinesApp())
    viewsets.append(QuarterlyReportApp())
    viewsets.append(ManagerApp())
    return Site(title=_("Một cửa Sở KH&CN"), viewsets=viewsets)


router = DefaultRouter()
permits_api.register(router)  # first: the public lookup is the busiest route
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("notifications", NotificationViewSet, basename="notification")
councils_api.register(router)
task_api.register(router)
penalties_api.register(router)
directives_api.register(router)

urlpatterns = [
    path("", home, name="home"),  # the front door: login, inbox or "my dossiers"
    path("healthz", healthz, name="healthz"),
    path("vao/", after_login, name="after-login"),
    path("admin/", admin.site.urls),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files; the split view serves its
    # start-up script as a file too, so the page runs under the Content-Security-Policy
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("thong-bao/", InboxView.as_view(), name="notification-inbox"),
    path("thong-bao/<int:pk>/da-doc/", MarkReadView.as_view(), name="notification-read"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workflows.manager_urls")),
    path("", include("permits.urls")),
    path("", include("tasks_lifecycle.urls")),
    path("", include("penalties.urls")),
    path("", include("directives.urls")),
    path("", include("workflows.report_views")),
    path("", _site().urls),
]

# JSON errors in the API's one shape for paths under /api/, Django's pages elsewhere
handler400 = "workflows.api_errors.handler400"
handler403 = "workflows.api_errors.handler403"  # pages: workflows.views.permission_denied
handler404 = "workflows.api_errors.handler404"
handler500 = "workflows.api_errors.handler500"
