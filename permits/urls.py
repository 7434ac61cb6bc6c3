"""URL namespace `permits`: applicant pages, generated documents, staff pages.

Each part lives in its own module; this file only joins them.
"""

from . import urls_applicant, urls_documents, urls_staff

app_name = "permits"

urlpatterns = [
    *urls_applicant.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_staff.urlpatterns,
]
