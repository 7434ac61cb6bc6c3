"""The result registration as a kind of one-stop dossier (`workflows.onestop.kinds`).

Its data: the catalogue code, the dossier prefix DKKQ, no fee (the 5 working days run
from the valid dossier), appraised by the managing division (Phòng Quản lý khoa học
và công nghệ, `qlkh`), the host's declarations (`forms.RegistrationDetailsForm`), and
the certificate the director signs. The hooks run inside the desk's services'
transactions; a refusal is a `DomainError` with its reason, and changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks_lifecycle.models import Stage
from workflows.errors import ActionForbidden, DomainError
from workflows.onestop.kinds import Details, OneStopKind
from workflows.registry import StatisticsSource
from workflows.sql import sequence_next

from .models import ResultRegistration

KIND = "result_registration"
PROCEDURE_CODE = "khcn-dang-ky-ket-qua"
MANAGING_DIVISION = "qlkh"
CERTIFICATE_LABEL = gettext_lazy("Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN")


def _link(dossier) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(type(dossier)),
        "object_id": str(dossier.pk),
    }


def registration_of(dossier) -> ResultRegistration | None:
    """The registration row of a one-stop dossier (None: not a registration)."""
    cached = dossier.__dict__.get("_result_registration", False)
    if cached is not False:
        return cached
    row = (
        ResultRegistration.objects.select_related("task", "signed_by")
        .filter(**_link(dossier))
        .first()
    )
    dossier.__dict__["_result_registration"] = row
    return row


# --- the declarations --------------------------------------------------------------------
def _form(data=None, *, applicant=None, prefix="details"):
    from .forms import RegistrationDetailsForm

    return RegistrationDetailsForm(data, applicant=applicant, prefix=prefix)


def _check_task(task, dossier) -> None:
    """A task of the system is registered by its own host, once its results are
    recognised, and once (a refused or not accepted dossier may be filed again)."""
    if task.stage != Stage.RECOGNISED:
        raise DomainError(
            _("Nhiệm vụ %(code)s chưa có quyết định công nhận kết quả; chưa đăng ký được.")
            % {"code": task.code},
            code="task_not_recognised",
        )
    if task.host_id is None or not task.host.users.filter(pk=dossier.applicant_id).exists():
        raise ActionForbidden(
            _("Tài khoản nộp hồ sơ không thuộc tổ chức chủ trì nhiệm vụ %(code)s.")
            % {"code": task.code},
            code="not_task_host",
        )
    for other in ResultRegistration.objects.filter(task=task).exclude(**_link(dossier)):
        case = other.case
        if other.number or case is None or case.status not in ("refused", "not_accepted"):
            raise DomainError(
                _("Nhiệm vụ %(code)s đã có hồ sơ đăng ký kết quả %(dossier)s.")
                % {"code": task.code, "dossier": case.code if case else other.pk},
                code="task_already_registered",
            )


def _save(dossier, cleaned: dict, actor) -> None:
    task = cleaned.get("task")
    if task is not None:
        _check_task(task, dossier)
    ResultRegistration.objects.create(
        **_link(dossier),
        task=task,
        task_title=cleaned["task_title"].strip(),
        task_code=(cleaned.get("task_code") or "").strip(),
        field=(cleaned.get("field") or "").strip(),
        pi_name=cleaned["pi_name"].strip(),
        started_on=cleaned.get("started_on"),
        ended_on=cleaned.get("ended_on"),
        accepted_on=cleaned["accepted_on"],
        acceptance_class=cleaned["acceptance_class"],
        recognition_no=(cleaned.get("recognition_no") or "").strip(),
        recognition_on=cleaned.get("recognition_on"),
        state_budget=int(cleaned.get("state_budget") or 0),
        summary=(cleaned.get("summary") or "").strip(),
    )


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def vnd(amount: int) -> str:
    return f"{int(amount or 0):,}".replace(",", ".")


def period_text(reg: ResultRegistration) -> str:
    if reg.started_on and reg.ended_on:
        return _("từ %(a)s đến %(b)s") % {"a": _d(reg.started_on), "b": _d(reg.ended_on)}
    return _d(reg.started_on or reg.ended_on)


def recognition_text(reg: ResultRegistration) -> str:
    if not reg.recognition_no:
        return ""
    if reg.recognition_on:
        return _("Quyết định số %(n)s ngày %(d)s") % {
            "n": reg.recognition_no,
            "d": _d(reg.recognition_on),
        }
    return _("Quyết định số %(n)s") % {"n": reg.recognition_no}


def _rows(dossier) -> list[tuple[str, str]]:
    reg = registration_of(dossier)
    if reg is None:
        return []
    rows = [
        (_("Tên nhiệm vụ"), reg.task_title),
        (_("Mã số nhiệm vụ"), reg.task_code),
        (_("Lĩnh vực"), reg.field),
        (_("Chủ nhiệm nhiệm vụ"), reg.pi_name),
        (_("Thời gian thực hiện"), period_text(reg)),
        (
            _("Đánh giá, nghiệm thu"),
            _("ngày %(d)s, xếp loại %(c)s")
            % {"d": _d(reg.accepted_on), "c": reg.get_acceptance_class_display()},
        ),
        (_("Quyết định công nhận kết quả"), recognition_text(reg)),
        (_("Kinh phí từ ngân sách nhà nước"), _("%(n)s đồng") % {"n": vnd(reg.state_budget)}),
        (_("Tóm tắt kết quả"), reg.summary),
    ]
    if reg.task_id:
        rows.append((_("Nhiệm vụ trong hệ thống"), str(reg.task)))
    if reg.number:
        rows.append((_("Số giấy chứng nhận"), f"{reg.number} ({_d(reg.issued_on)})"))
    return [(label, value) for label, value in rows if value]


# --- the certificate ----------------------------------------------------------------------
def _issue(case, *, actor, on: date) -> ResultRegistration:
    """The director signs: the certificate gets its register number of the year."""
    reg = ResultRegistration.objects.select_for_update().filter(**_link(case)).first()
    if reg is None:
        raise DomainError(_("Hồ sơ chưa có thông tin kết quả nhiệm vụ đăng ký."))
    if reg.number:
        return reg
    seq = sequence_next(f"task_registration:gcn-dkkq:{on.year}")
    reg.number = f"{seq:02d}/{on.year}/GCN-SKHCN"
    reg.issued_on = on
    reg.signed_by = actor
    reg.save(update_fields=["number", "issued_on", "signed_by"])
    case.__dict__["_result_registration"] = reg
    return reg


def _result_of(dossier) -> ResultRegistration | None:
    reg = registration_of(dossier)
    return reg if reg is not None and reg.number else None


def _result_pdf(reg: ResultRegistration) -> bytes:
    from .documents import certificate_pdf

    return certificate_pdf(reg)


RESULT_REGISTRATION = OneStopKind(
    code=KIND,
    label=gettext_lazy("Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ"),
    procedure_code=PROCEDURE_CODE,
    code_prefix="DKKQ",
    appraisal_division=MANAGING_DIVISION,
    fee=False,
    result_label=CERTIFICATE_LABEL,
    result_slug="giay-chung-nhan",
    issue=_issue,
    result_of=_result_of,
    result_pdf=_result_pdf,
    details=Details(
        form=_form,
        save=_save,
        rows=_rows,
        heading=gettext_lazy("Nhiệm vụ khoa học và công nghệ đăng ký kết quả"),
    ),
    organisation_heading=gettext_lazy("Tổ chức chủ trì thực hiện nhiệm vụ"),
    organisation_labels={
        "organisation_name": gettext_lazy("Tên tổ chức chủ trì"),
        "business_registration_no": gettext_lazy(
            "Số quyết định thành lập / giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"
        ),
        "facility_address": None,  # not asked
    },
)


# What the registration contributes to the quarterly statistics of administrative
# procedures (`workflows.statistics`). Its dossiers are the one-stop desk's (the model
# is named, not imported): received when the check starts, timed on the result's
# 5 working days, issued / refused / not accepted like every one-stop dossier.
RESULT_REGISTRATION_STATISTICS = StatisticsSource(
    model="permits.dossier",
    procedures={PROCEDURE_CODE: MANAGING_DIVISION},
    intake_kind="check",
    result_kind="result",
    channel_field="channel",
    channels={"online": "online", "counter": "counter", "post": "post"},
    resolved_states=("issued",),
    returned_states=("refused", "not_accepted"),
    withdrawn_states=(),
    apology_actions=("apology_issue",),
)
