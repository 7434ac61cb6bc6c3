"""The applicant's pages and the public lookup (namespace `permits`, at the site root)."""

from django.urls import path

from . import views_applicant as views

urlpatterns = [
    path("dang-ky/", views.RegisterView.as_view(), name="signup"),
    path(
        "dang-ky/kich-hoat/<str:uidb64>/<str:token>/",
        views.RegisterActivateView.as_view(),
        name="signup-activate",
    ),
    path("tra-cuu/", views.LookupView.as_view(), name="lookup"),
    path("ho-so/", views.MyDossiersView.as_view(), name="my-dossiers"),
    path("ho-so/moi/<str:kind>/", views.DossierCreateView.as_view(), name="dossier-create"),
    path("ho-so/<str:code>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("ho-so/<str:code>/tai-lieu/", views.DocumentUploadView.as_view(), name="document-upload"),
    path("ho-so/<str:code>/nop/", views.DossierSubmitView.as_view(), name="dossier-submit"),
    path(
        "ho-so/<str:code>/bo-sung/", views.SupplementAnswerView.as_view(), name="supplement-answer"
    ),
]
