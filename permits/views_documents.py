"""The generated documents (PDF) and the uploaded files of a dossier.

Both are open to the dossier's applicant and to the staff whose role has a step in the
procedure (`permits.access.sees_personal_data`): they carry personal data. Anyone else —
another applicant, a council member, an inspector, an officer of another division —
gets the same 404 as for a dossier that does not exist, so a code reveals nothing;
anonymous visitors are sent to the login page first.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from workflows.roles import is_staff_member

from . import access, documents
from .models import Document, Dossier


def _not_found() -> Http404:
    return Http404(_("Không tìm thấy hồ sơ hoặc văn bản."))


def _visible_dossier(user, code: str) -> Dossier:
    """The dossier if `user` may see its files (its applicant, or staff with a step in
    the procedure), else 404."""
    dossier = (
        Dossier.objects.select_related(
            "procedure_version__procedure",
            "check_clock",
            "result_clock",
            "received_by",
            "decided_by",
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not access.sees_personal_data(user, dossier):
        raise _not_found()
    return dossier


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@never_cache
@require_safe
@login_required
def generated_document(request, code: str, name: str) -> HttpResponse:
    dossier = _visible_dossier(request.user, code)
    try:
        doc = documents.generated_document(dossier, name, preview=is_staff_member(request.user))
    except documents.DocumentUnavailable:
        raise _not_found() from None
    response = HttpResponse(doc.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, doc.filename)
    return _harden(response)


@never_cache
@require_safe
@login_required
def document_download(request, code: str, pk: int) -> FileResponse:
    dossier = _visible_dossier(request.user, code)
    document = Document.objects.filter(dossier=dossier, pk=pk).first()
    if document is None:
        raise _not_found()
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise _not_found() from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    return _harden(response)
