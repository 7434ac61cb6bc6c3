"""Generated documents (PDF) and uploaded files of a dossier; joined by `permits.urls`."""

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path(
        "ho-so/<str:code>/van-ban/<slug:name>/",
        views.generated_document,
        name="generated-document",
    ),
    path(
        "ho-so/<str:code>/tai-lieu/<int:pk>/",
        views.document_download,
        name="document-download",
    ),
]
