"""The radiation desk's sentences of the quarterly report (`workflows.reporting`).

"Tiếp nhận và xử lý 06 hồ sơ đề nghị cấp giấy phép tiến hành công việc bức xạ; 01 hồ
sơ cấp chứng chỉ nhân viên bức xạ." — the radiation dossiers received (submitted) in the
period: new permits, renewals and amendments count as permit dossiers, the worker's
certificate apart. Drafts were never received and are not counted.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.reporting import RecordRef, ReportFigure, two_digits

from .models import PERMIT_KINDS, Dossier, DossierKind


def _ref(dossier: Dossier) -> RecordRef:
    return RecordRef(
        label=f"{dossier.code} – {dossier.organisation_name} ({dossier.submitted_on:%d/%m/%Y})",
        url=reverse("permits:staff-dossier", args=[dossier.code]),
    )


def radiation_figures(*, start: date, end: date) -> list[ReportFigure]:
    rows = list(
        Dossier.objects.filter(
            kind__in=DossierKind.values, submitted_on__gte=start, submitted_on__lte=end
        )
        .only("code", "kind", "organisation_name", "submitted_on")
        .order_by("submitted_on", "code")
    )
    permits = [d for d in rows if d.kind in PERMIT_KINDS]
    certificates = [d for d in rows if d.kind == DossierKind.CERTIFICATE]
    if not rows:
        return []
    parts = []
    if permits:
        parts.append(
            _("%(n)s hồ sơ đề nghị cấp giấy phép tiến hành công việc bức xạ")
            % {"n": two_digits(len(permits))}
        )
    if certificates:
        parts.append(
            _("%(n)s hồ sơ cấp chứng chỉ nhân viên bức xạ") % {"n": two_digits(len(certificates))}
        )
    text = _("Tiếp nhận và xử lý %(parts)s.") % {"parts": "; ".join(parts)}
    return [
        ReportFigure(
            section="radiation",
            order=10,
            text=text,
            records=tuple(_ref(d) for d in permits + certificates),
        )
    ]
