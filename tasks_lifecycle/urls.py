"""URL namespace `tasks_lifecycle`: the councils' staff pages and the member's pages."""

from django.urls import path

from . import views

app_name = "tasks_lifecycle"

urlpatterns = [
    path("hoi-dong/", views.WorkspaceView.as_view(), name="workspace"),
    path("hoi-dong/moi/", views.CouncilCreateView.as_view(), name="create"),
    path("hoi-dong/cua-toi/", views.MemberHomeView.as_view(), name="member-home"),
    path("hoi-dong/<int:pk>/", views.CouncilPageView.as_view(), name="council"),
    path(
        "hoi-dong/<int:pk>/thao-tac/<slug:action>/",
        views.CouncilActionView.as_view(),
        name="council-action",
    ),
    path("hoi-dong/<int:pk>/thanh-vien/", views.MemberCouncilView.as_view(), name="member-council"),
    path(
        "hoi-dong/<int:pk>/thanh-vien/<slug:action>/",
        views.MemberActionView.as_view(),
        name="member-action",
    ),
    path(
        "hoi-dong/<int:pk>/tai-lieu/<int:paper>/",
        views.PaperDownloadView.as_view(),
        name="paper",
    ),
    path(
        "hoi-dong/<int:pk>/van-ban/<slug:document>.pdf",
        views.DocumentView.as_view(),
        name="document",
    ),
]

# the S&T tasks' pages (issue 10)
from .task_urls import urlpatterns as _task_urls  # noqa: E402

urlpatterns += _task_urls
