"""The result registrations' sentence of the quarterly report (`workflows.reporting`):
"Tiếp nhận 03 hồ sơ đăng ký cấp giấy chứng nhận nhiệm vụ KH&CN." — the registration
dossiers received (submitted) at the one-stop desk in the period.

The dossiers are the desk's rows; this app reaches them through its own rows' case
links (their content type), without importing the app that holds them, and links to
the desk's staff case page by its URL name.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from workflows.reporting import RecordRef, ReportFigure, two_digits

from .kind import KIND
from .models import ResultRegistration


def _url(code: str) -> str:
    try:
        return reverse("permits:staff-dossier", args=[code])
    except NoReverseMatch:  # the desk's pages are not installed
        return ""


def registration_figures(*, start: date, end: date) -> list[ReportFigure]:
    type_ids = set(ResultRegistration.objects.values_list("content_type_id", flat=True).distinct())
    dossiers = []
    for type_id in type_ids:
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        dossiers += list(
            model.objects.filter(kind=KIND, submitted_on__gte=start, submitted_on__lte=end)
            .only("pk", "code", "organisation_name", "submitted_on")
            .order_by("submitted_on", "code")
        )
    if not dossiers:
        return []
    titles = dict(
        ResultRegistration.objects.filter(object_id__in=[str(d.pk) for d in dossiers]).values_list(
            "object_id", "task_title"
        )
    )
    text = _("Tiếp nhận %(n)s hồ sơ đăng ký cấp giấy chứng nhận nhiệm vụ KH&CN.") % {
        "n": two_digits(len(dossiers))
    }
    records = tuple(
        RecordRef(
            label=f"{d.code} – {titles.get(str(d.pk), d.organisation_name)} "
            f"({d.submitted_on:%d/%m/%Y})",
            url=_url(d.code),
        )
        for d in dossiers
    )
    return [ReportFigure(section="registration", order=10, text=text, records=records)]
