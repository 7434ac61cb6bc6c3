from django.http import HttpResponse
from django.urls import path


def _placeholder(request, code):  # replaced by the applicant pages
    return HttpResponse(code)


urlpatterns: list = [
    path("ho-so/<str:code>/", _placeholder, name="dossier-detail"),
]
