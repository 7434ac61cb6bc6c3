"""Staff pages of the radiation procedures (namespace `permits`). The flows' task pages
are mounted by the staff Site (workflows.registry.flow_viewsets)."""

from django.urls import path

from . import views_counter, views_staff

urlpatterns: list = [
    path("can-bo/buc-xa/", views_staff.StaffHomeView.as_view(), name="staff-home"),
    path(
        "can-bo/buc-xa/tiep-nhan/<str:kind>/",
        views_counter.CounterIntakeView.as_view(),
        name="counter-intake",
    ),
    path("can-bo/buc-xa/tra-cuu/", views_staff.DossierLookupView.as_view(), name="staff-lookup"),
    path("can-bo/ho-so/<str:code>/", views_staff.DossierStaffView.as_view(), name="staff-dossier"),
    path(
        "can-bo/ho-so/<str:code>/xin-loi/",
        views_staff.ApologyDraftView.as_view(),
        name="staff-apology-draft",
    ),
    path(
        "can-bo/ho-so/<str:code>/xin-loi/<int:pk>/phat-hanh/",
        views_staff.ApologyIssueView.as_view(),
        name="staff-apology-issue",
    ),
    path("can-bo/quan-ly/", views_staff.ManagerView.as_view(), name="manager"),
    path("can-bo/so-dang-ky/", views_staff.RegisterView.as_view(), name="register"),
]
