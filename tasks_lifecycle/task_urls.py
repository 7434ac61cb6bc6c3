"""The S&T tasks' pages, in the `tasks_lifecycle` namespace (added to urls.py): the
division's under /nhiem-vu/, the host organisation's under /to-chuc/nhiem-vu/."""

from django.urls import path

from . import task_views as v

urlpatterns = [
    path("nhiem-vu/", v.RegisterView.as_view(), name="tasks"),
    path("nhiem-vu/qua-han/", v.OverdueView.as_view(), name="tasks-overdue"),
    path("nhiem-vu/<int:pk>/", v.TaskPageView.as_view(), name="task"),
    path("nhiem-vu/<int:pk>/thao-tac/<slug:name>/", v.TaskActionView.as_view(), name="task-action"),
    path(
        "nhiem-vu/<int:pk>/van-ban/<slug:slug>/",
        v.TaskDocumentView.as_view(),
        name="task-document",
    ),
    path("to-chuc/nhiem-vu/", v.HostHomeView.as_view(), name="host-tasks"),
    path("to-chuc/nhiem-vu/de-xuat/", v.ProposeView.as_view(), name="host-propose"),
    path("to-chuc/nhiem-vu/tuyen-chon/", v.OpenCallsView.as_view(), name="host-calls"),
    path("to-chuc/nhiem-vu/<int:pk>/", v.HostTaskView.as_view(), name="host-task"),
    path(
        "to-chuc/nhiem-vu/<int:pk>/thao-tac/<slug:name>/",
        v.TaskActionView.as_view(),
        name="host-task-action",
    ),
]
