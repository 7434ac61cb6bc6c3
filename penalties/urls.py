"""URL namespace `penalties`: staff pages, documents and the public lookup."""

from django.urls import path

from . import views

app_name = "penalties"

urlpatterns = [
    path("tra-cuu/xu-phat/", views.PublicLookupView.as_view(), name="lookup"),
    path("can-bo/xu-phat/", views.RegisterView.as_view(), name="register"),
    path("can-bo/xu-phat/qua-han/", views.OverdueView.as_view(), name="overdue"),
    path("can-bo/xu-phat/nop-tien/", views.PaymentsView.as_view(), name="payments"),
    path("can-bo/xu-phat/ho-so/<int:pk>/", views.CaseView.as_view(), name="case"),
    path(
        "can-bo/xu-phat/ho-so/<int:pk>/thao-tac/<slug:action>/",
        views.CaseActionView.as_view(),
        name="case-action",
    ),
    path("can-bo/xu-phat/ho-so/<int:pk>/van-ban/<slug:name>.pdf", views.document, name="document"),
]
