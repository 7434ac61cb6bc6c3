"""URL namespace `manager`: the managers' page across procedures and each officer's own."""

from django.urls import path

from .manager_views import ManagerPageView, OwnPageView

app_name = "manager"

urlpatterns = [
    path("quan-ly/", ManagerPageView.as_view(), name="index"),
    path("quan-ly/cua-toi/", OwnPageView.as_view(), name="mine"),
]
