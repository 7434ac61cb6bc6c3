from django.urls import path

from . import views

app_name = "directives"
urlpatterns = [
    path("can-bo/nhiem-vu-ubnd/", views.RegisterView.as_view(), name="register"),
    path("can-bo/nhiem-vu-ubnd/moi/", views.CreateView.as_view(), name="create"),
    path("can-bo/nhiem-vu-ubnd/nhap-so/", views.ImportView.as_view(), name="import"),
    path("can-bo/nhiem-vu-ubnd/mau-so.csv", views.TemplateFileView.as_view(), name="template"),
    path("can-bo/nhiem-vu-ubnd/<int:pk>/", views.AssignmentView.as_view(), name="assignment"),
    path(
        "can-bo/nhiem-vu-ubnd/<int:pk>/thao-tac/<slug:name>/",
        views.ActionView.as_view(),
        name="action",
    ),
    path(
        "can-bo/nhiem-vu-ubnd/<int:pk>/ghi-chu/<int:note>/tep/",
        views.NoteFileView.as_view(),
        name="note-file",
    ),
]
