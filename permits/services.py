"""Every change to a one-stop dossier (of any registered kind), permit or apology slip.

Each service takes the acting user explicitly, runs in one transaction, locks the row,
checks the state and the actor's right (through `transition_perform`), writes the
audit row, moves the legal clock and the deadline ledger, and queues the outbox
notifications. Views, the API, the flows and Celery tasks call only these.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, JSONField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notifications_enqueue
from workflows.audit import audit_record
from workflows.calendar import add_days, add_working_days, days_between
from workflows.clock import clock_extend, clock_pause, clock_resume, clock_start, clock_stop
from workflows.errors import ActionForbidden, DomainError
from workflows.ledger import (
    deadline_cancel,
    deadline_close,
    deadline_open,
    deadline_set_paused,
    deadlines_close_open,
    deadlines_for_case,
)
from workflows.models import Deadline, Division, LegalClock
from workflows.onestop import kinds
from workflows.roles import Role, has_role
from workflows.selectors import (
    compiled_prefetch,
    division_by_code,
    procedure_version_for,
    role_group,
    time_limit_rule,
)
from workflows.sql import save_fields, sequence_next
from workflows.sql import update as sql_update
from workflows.transitions import (
    after_commit,
    case_lock,
    case_set,
    is_held,
    mark_held,
    transition_perform,
)

from . import access, rules
from .models import (
    PERMIT_KINDS,
    ApologySlip,
    Channel,
    Device,
    DeviceCategory,
    Document,
    Dossier,
    DossierKind,
    Permit,
    Status,
    SupplementRequest,
)
from .uploads import CheckedUpload, upload_check

# The division that appraises radiation dossiers (DOMAIN.md §2, Sơn La specifics) and
# the one-stop desk; both are catalogue data of the engine (workflows.Division). Another
# kind is appraised by its own division (`_appraising`).
APPRAISAL_DIVISION = access.APPRAISAL_DIVISION
ONE_STOP_DIVISION = access.ONE_STOP_DIVISION
LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
APPLICANT_CHANNELS = ["in_app", "email"]
STAFF_CHANNELS = ["in_app", "email"]


# --- who may act (workflows.access) ----------------------------------------------------
def _acting(*steps: str, choose=None, queryset=None):
    """The service acts on one of `steps` of the dossier: in one transaction, the dossier
    row is locked and the actor checked against the engine's rule (they hold the step's
    task, or take it unclaimed with the step's role in the owning division, or lead that
    division; never on their own dossier) before the service body runs. Every door —
    page, API, admin, flow — calls the service, so each gets the same answer.

    `choose(case, kwargs)` picks the step from the locked row (None: the transition's own
    guard answers). A `system=True` call (the engine's own timed work) is not checked.
    `queryset()` (default `_case_queryset`) is what the row is locked and read with.
    """

    def decorate(service):
        @functools.wraps(service)
        def checked(**kwargs):
            if kwargs.get("system"):
                return service(**kwargs)
            target = kwargs["dossier"] if "dossier" in kwargs else kwargs["apology"]
            pk = target.pk if isinstance(target, Dossier) else target.dossier_id
            pick = (lambda case: choose(case, kwargs)) if choose is not None else None
            with transaction.atomic():
                locked = access.dossier_lock_for_step(
                    pk,
                    kwargs.get("actor"),
                    *steps,
                    choose=pick,
                    queryset=queryset or _case_queryset,  # a factory: compiled once
                )
                if isinstance(target, Dossier):
                    # the row this check locked is the one the service works on: the
                    # transition uses it as it is (no second lock, no savepoint)
                    kwargs["dossier"] = mark_held(locked)
                return service(**kwargs)

        return checked

    return decorate


def _supplement_step(case: Dossier, _kwargs) -> str | None:
    return {Status.SUBMITTED: "check", Status.APPRAISAL: "appraisal"}.get(case.status)


def _submit_step(case: Dossier, _kwargs) -> str | None:
    return None if case.channel == Channel.ONLINE else "receive"


# --- small helpers ------------------------------------------------------------------
def _today() -> date:
    return timezone.localdate()


def _next_number(key: str) -> int:
    return sequence_next(f"permits:{key}")


def _division(code: str) -> Division | None:
    return division_by_code(code)


def _appraising(dossier: Dossier) -> Division | None:
    """The division that appraises the dossier's kind (its specialist, its head)."""
    return _division(access.step_rule("appraisal", dossier.kind).division)


def _group(role: str) -> Group | None:
    return role_group(role)


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _dossier_link(dossier: Dossier) -> str:
    return reverse("permits:dossier-detail", kwargs={"code": dossier.code})


def _notify_applicant(dossier: Dossier, template: str, event: str, **context) -> None:
    notifications_enqueue(
        recipients=[dossier.applicant],
        template=template,
        context={
            "dossier_code": dossier.code,
            "title": dossier.get_kind_display(),
            "organisation": dossier.organisation_name,
            "link": _dossier_link(dossier),
            **context,
        },
        channels=APPLICANT_CHANNELS,
        key=f"permits:{dossier.pk}:{event}",
        case=dossier,
        link=_dossier_link(dossier),
    )


def _staff(role: str, division: Division | None = None):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, groups__name=role)
    if division is not None:
        users = users.filter(division=division)
    return list(users.distinct())


def _flow_sync(case: Dossier, from_state: str | None = None, *_rest) -> None:
    """Bring the dossier's viewflow process in line with its status inside the same
    transaction (the flow holds the human tasks; it never keeps a copy of the legal
    status), so the status and the task list commit together."""
    from . import flows  # late import: flows → views_staff → services

    flows.flow_sync_locked(case, from_state)


def _flow_after_commit(name: str, case: Dossier) -> None:
    """For services that change a dossier without a transition (assigning): the flow
    follows in the current transaction too (in one of its own outside a transaction)."""
    if connection.in_atomic_block:
        _flow_sync(case)
    else:
        with transaction.atomic():
            _flow_sync(_lock(case))


# what a transition reads with the lock, in the same query: the catalogue version, the
# applicant (the outbox), both legal clocks with their ledger rows
_CASE_RELATED = (
    "procedure_version",
    "applicant",
    "specialist",
    "check_clock__deadline",
    "result_clock__deadline",
)


def _case_queryset():
    drafts = ApologySlip.objects.filter(dossier=OuterRef("pk"), state=ApologySlip.State.DRAFT)
    return Dossier.objects.select_related(*_CASE_RELATED).annotate(has_draft_apology=Exists(drafts))


def _signing_queryset():
    """`_case_queryset` with, on PostgreSQL, the devices the permit's scope lists read
    in the same query (as JSON, in the devices' order)."""
    qs = _case_queryset()
    if connection.vendor != "postgresql":
        return qs
    from django.contrib.postgres.aggregates import JSONBAgg
    from django.db.models.functions import JSONObject

    rows = (
        Device.objects.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(
            rows=JSONBAgg(
                JSONObject(category="category", model_name="model_name", serial="serial_number"),
                order_by="id",
            )
        )
        .values("rows")
    )
    return qs.annotate(device_rows=Subquery(rows, output_field=JSONField()))


def _device_scope(case: Dossier) -> str:
    """The devices of the permit's scope, in their order."""
    rows = getattr(case, "device_rows", False)
    if rows is False:  # not read with the lock
        rows = [
            {"category": d.category, "model_name": d.model_name, "serial": d.serial_number}
            for d in case.devices.all()
        ]
    return "; ".join(
        f"{DeviceCategory(r['category']).label} {r['model_name']}, số sê-ri {r['serial']}"
        for r in rows or ()
    )


def _perform(*, flow: str = "flow_sync", **kwargs) -> Dossier:
    """`transition_perform` with the dossier's clocks read in the locking query, then
    the flow follows the new status in the same transaction. Returns the dossier as the
    transition and its effects left it (they set fields with `case_set`)."""
    if not is_held(kwargs["case"]):  # a held row is used as it is: no queryset to build
        kwargs.setdefault("queryset", _case_queryset())
    result = transition_perform(after=_flow_sync, **kwargs)
    return result


def _lock(dossier: Dossier) -> Dossier:
    """The locked case: the one already locked in this transaction (by the access check),
    else locked and read now."""
    if is_held(dossier):
        return dossier
    return case_lock(_case_queryset(), dossier.pk)


def _clock(pk: int | None) -> LegalClock | None:
    return LegalClock.objects.get(pk=pk) if pk else None


def _held_clock(case: Dossier, field: str) -> LegalClock | None:
    """A clock of the locked case, read with it: its own lock is the case's."""
    if getattr(case, f"{field}_id") is None:
        return None
    clock = getattr(case, field)
    return mark_held(clock) if is_held(case) else clock


def _stage_clock(case: Dossier, state: str) -> LegalClock:
    """The clock that runs in a state: the check before acceptance, the result after."""
    return _held_clock(case, "check_clock" if state == Status.SUBMITTED else "result_clock")


def _rule(dossier: Dossier, stage: str):
    return time_limit_rule(dossier.procedure_version_id, stage)


def _open_step(dossier: Dossier, stage: str, *, role: str, owner_user=None) -> Deadline:
    """A ledger row for the time budget of one officer's step."""
    rule = _rule(dossier, stage)
    division = _division(ONE_STOP_DIVISION) if stage == "check" else _appraising(dossier)
    return deadline_open(
        case=dossier,
        kind="step",
        due_date=add_days(_today(), rule.amount, rule.unit),
        title=f"{rule.name} — {dossier.organisation_name}",
        procedure_version=dossier.procedure_version,
        dossier_code=dossier.code,
        owner_user=owner_user,
        owner_group=_group(role),
        owner_division=division,
    )


def _close_rows(dossier: Dossier, kind: str, *, cancel: bool = False) -> None:
    """Close (or cancel) the case's open rows of `kind`: one UPDATE, whatever their number."""
    if cancel:
        deadlines_close_open(case=dossier, cancel_kinds=[kind], on=_today())
    else:
        deadlines_close_open(case=dossier, kinds=[kind], on=_today())


def _pause_rows(dossier: Dossier, kind: str, paused: bool) -> None:
    rows = deadlines_for_case(dossier).filter(kind=kind, state=Deadline.State.OPEN)
    if paused:  # nothing to compute per row: one UPDATE
        rows.order_by().update(paused=True, next_action_on=None)
        return
    for row in rows:  # the next reminder date depends on each row's ladder
        deadline_set_paused(deadline=row, paused=paused)


# --- accounts -----------------------------------------------------------------------
def applicant_register(*, username: str, full_name: str, email: str, phone: str, password: str):
    """Sign-up that never tells whether an address or a user name is registered.

    Every request gets the same answer ("check your mail") and about the same work (one
    password hash); what happens is said only in a message to the address given:
    - a new address and user name: an inactive account in the applicant group, and a
      link that activates it (`applicant_activate`);
    - an address that already has an account: a reminder of its user name and of the
      password reset, nothing created;
    - a user name taken by someone else: a request to sign up with another one.
    Returns the new inactive account, or None when nothing was created."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    email = email.strip()
    with transaction.atomic():
        by_email = User.objects.filter(email__iexact=email).order_by("pk").first()
        by_name = User.objects.filter(username__iexact=username).first()
        # an account never activated, signing up again with the same address and name:
        # send its link again
        pending = (
            by_email is not None
            and by_email == by_name
            and not by_email.is_active
            and by_email.last_login is None
        )
        if pending:
            user = by_email  # its password stays the one chosen first
            make_password(password)
            after_commit(lambda: _signup_mail_activation(user))
            return None
        if by_email is not None:
            make_password(password)  # the same cost as creating an account
            after_commit(lambda: _signup_mail_existing(by_email))
            return None
        if by_name is not None:
            make_password(password)
            after_commit(lambda: _signup_mail_name_taken(email, username))
            return None
        # Vietnamese order: family and middle names, then the given name (last word)
        family, _sep, given = full_name.strip().rpartition(" ")
        user = User(
            username=username,
            last_name=family,
            first_name=given,
            email=email,
            phone=phone,
            is_active=False,
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT)[0])
        audit_record(case=user, actor=user, action="register")
        after_commit(lambda: _signup_mail_activation(user))
        return user


def applicant_activate(*, uidb64: str, token: str):
    """Activate the account of a sign-up link; the account, or None for a wrong,
    used or expired link (PASSWORD_RESET_TIMEOUT)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    User = get_user_model()
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, is_active=False).first()
        if user is None or user.last_login is not None:
            return None
        if not default_token_generator.check_token(user, token):
            return None
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(case=user, actor=user, action="activate")
        return user


def _signup_send(to: str, subject: str, body: str) -> None:
    from django.conf import settings
    from django.core.mail import send_mail

    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True)


def _signup_mail_activation(user) -> None:
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = settings.SITE_URL.rstrip("/") + reverse(
        "permits:signup-activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    _signup_send(
        user.email,
        _("Kích hoạt tài khoản nộp hồ sơ trực tuyến"),
        _(
            "Kính gửi Quý tổ chức, cá nhân,\n\n"
            "Tài khoản “%(username)s” đã được đăng ký với địa chỉ thư điện tử này. Để kích "
            "hoạt tài khoản, mở đường dẫn sau (có hiệu lực %(days)s ngày):\n\n%(link)s\n\n"
            "Nếu Quý vị không đăng ký, xin bỏ qua thư này.\n\nBộ phận Một cửa - Sở Khoa học và "
            "Công nghệ"
        )
        % {
            "username": user.username,
            "link": link,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def _signup_mail_existing(user) -> None:
    from django.conf import settings

    _signup_send(
        user.email,
        _("Địa chỉ thư điện tử đã có tài khoản"),
        _(
            "Kính gửi Quý tổ chức, cá nhân,\n\n"
            "Có người vừa đăng ký tài khoản mới bằng địa chỉ thư điện tử này, nhưng địa chỉ "
            "đã có tài khoản với tên đăng nhập “%(username)s”. Không có tài khoản mới nào "
            "được tạo. Quý vị có thể đăng nhập tại %(login)s; nếu quên mật khẩu, xin liên hệ "
            "bộ phận Một cửa của Sở.\n\nNếu không phải Quý vị đăng ký, xin bỏ qua thư này."
        )
        % {
            "username": user.username,
            "login": settings.SITE_URL.rstrip("/") + settings.LOGIN_URL,
        },
    )


def _signup_mail_name_taken(email: str, username: str) -> None:
    from django.conf import settings

    _signup_send(
        email,
        _("Tên đăng nhập đã có người sử dụng"),
        _(
            "Kính gửi Quý tổ chức, cá nhân,\n\n"
            "Tên đăng nhập “%(username)s” mà Quý vị chọn đã có người sử dụng, nên tài khoản "
            "chưa được tạo. Xin đăng ký lại với tên đăng nhập khác tại %(signup)s.\n\n"
            "Nếu không phải Quý vị đăng ký, xin bỏ qua thư này."
        )
        % {
            "username": username,
            "signup": settings.SITE_URL.rstrip("/") + reverse("permits:signup"),
        },
    )


# --- filing -------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceInput:
    category: str
    model_name: str
    serial_number: str
    manufacturer: str = ""
    year_made: int | None = None


@dataclass(frozen=True)
class WorkerInput:
    name: str
    birth_date: date | None
    id_number: str
    qualification: str = ""


def device_fee(version, category: str) -> int:
    fees = (version.fees or {}).get("device", {})
    if category not in fees:
        raise DomainError(
            _("Loại thiết bị “%(c)s” không có trong biểu phí của thủ tục.") % {"c": category}
        )
    return int(fees[category])


def _check_renewal_window(previous: Permit, on: date) -> None:
    version = previous.dossier.procedure_version
    days = int(version.param("renewal_min_days_before_expiry", 45))
    if previous.valid_until is None:
        raise DomainError(_("Chứng chỉ nhân viên bức xạ không có thời hạn, không cần gia hạn."))
    last_day = rules.renewal_last_filing_day(previous.valid_until, days)
    if not rules.renewal_in_time(previous.valid_until, days, on):
        raise DomainError(
            _(
                "Giấy phép số %(number)s hết hạn ngày %(expiry)s. Hồ sơ gia hạn phải nộp chậm nhất "
                "%(days)s ngày trước ngày hết hạn (hạn cuối %(last)s). Đã quá thời hạn này, Quý tổ "
                "chức cần đề nghị cấp giấy phép mới."
            )
            % {
                "number": previous.number,
                "expiry": _d(previous.valid_until),
                "days": days,
                "last": _d(last_day),
            },
            code="renewal_too_late",
        )


def _new_dossier(*, kind: str, applicant, channel: str, fields: Mapping, **extra) -> Dossier:
    spec = kinds.require(kind)
    version = procedure_version_for(spec.procedure_code, _today())
    prefix = spec.code_prefix
    today = _today()
    seq = _next_number(f"dossier:{prefix}:{today:%Y%m%d}")
    return Dossier.objects.create(
        code=f"{prefix}-{today:%y%m%d}-{seq:04d}",
        lookup_key="".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8)),
        kind=kind,
        procedure_version=version,
        applicant=applicant,
        channel=channel,
        **fields,
        **extra,
    )


ORGANISATION_FIELDS = (
    "organisation_name",
    "organisation_address",
    "business_registration_no",
    "contact_phone",
    "contact_email",
    "facility_address",
)


def dossier_create(
    *,
    actor,
    kind: str,
    organisation: Mapping[str, str],
    devices: Iterable[DeviceInput] = (),
    worker: WorkerInput | None = None,
    with_certificate: WorkerInput | None = None,
    previous_permit: Permit | None = None,
    details: Mapping | None = None,
    applicant=None,
    channel: str = Channel.ONLINE,
    request_ip: str | None = None,
) -> Dossier:
    """Open a draft dossier of any registered kind. An officer at the counter files for
    an applicant account.

    `with_certificate` opens the linked certificate dossier for the facility's safety
    officer (DOMAIN.md §2a item 4), filed and tracked with this one. `details` are the
    declarations a kind asks beyond the organisation (`OneStopKind.details`), checked by
    its form and kept by its hook in this transaction.
    """
    spec = kinds.get(kind)
    if spec is None:
        raise DomainError(_("Thủ tục không hợp lệ."))
    applicant = actor if applicant is None else applicant
    access.filing_authorize(actor=actor, applicant=applicant, channel=channel)
    if kind not in DossierKind.values and (
        devices or worker or with_certificate or previous_permit
    ):
        raise DomainError(
            _("Thủ tục này không kê khai thiết bị, nhân viên bức xạ hay giấy phép đã cấp.")
        )
    cleaned = spec.details.clean(details, applicant=applicant) if spec.details else None
    fields = {k: (organisation.get(k) or "").strip() for k in ORGANISATION_FIELDS}
    missing = [
        k
        for k in ("organisation_name", "organisation_address", "business_registration_no")
        if not fields[k]
    ]
    if not fields["contact_phone"]:
        missing.append("contact_phone")
    if missing:
        raise DomainError(
            _("Thiếu thông tin bắt buộc: %(f)s.")
            % {"f": ", ".join(str(Dossier._meta.get_field(k).verbose_name) for k in missing)}
        )
    devices = list(devices)
    if kind in PERMIT_KINDS and not devices:
        raise DomainError(_("Hồ sơ giấy phép phải khai báo ít nhất một thiết bị X-quang."))
    if kind in (DossierKind.PERMIT_RENEWAL, DossierKind.PERMIT_AMENDMENT):
        if previous_permit is None:
            raise DomainError(_("Chọn giấy phép đề nghị gia hạn hoặc sửa đổi."))
        if previous_permit.applicant_id != applicant.pk:
            raise ActionForbidden(_("Giấy phép này không thuộc tài khoản của Quý tổ chức."))
        if previous_permit.state != Permit.State.VALID:
            raise DomainError(
                _("Giấy phép số %(n)s không còn hiệu lực.") % {"n": previous_permit.number}
            )
        if kind == DossierKind.PERMIT_RENEWAL:
            _check_renewal_window(previous_permit, _today())
    elif previous_permit is not None:
        raise DomainError(_("Chỉ hồ sơ gia hạn hoặc sửa đổi mới gắn với giấy phép đã cấp."))
    if kind == DossierKind.CERTIFICATE and worker is None:
        raise DomainError(_("Hồ sơ chứng chỉ phải có thông tin nhân viên bức xạ."))
    for w in filter(None, [worker, with_certificate]):
        if not (w.name.strip() and w.id_number.strip() and w.birth_date):
            raise DomainError(_("Nhập đủ họ tên, ngày sinh và số CCCD của nhân viên bức xạ."))
    if with_certificate is not None and kind != DossierKind.PERMIT_NEW:
        raise DomainError(_("Chỉ hồ sơ cấp giấy phép mới được nộp kèm hồ sơ chứng chỉ."))

    with transaction.atomic():
        worker_fields = _worker_fields(worker)
        dossier = _new_dossier(
            kind=kind,
            applicant=applicant,
            channel=channel,
            fields=fields,
            previous_permit=previous_permit,
            **worker_fields,
        )
        version = dossier.procedure_version
        rows = []
        for d in devices:
            if d.category not in DeviceCategory.values:
                raise DomainError(_("Loại thiết bị không hợp lệ: %(c)s.") % {"c": d.category})
            if not (d.model_name.strip() and d.serial_number.strip()):
                raise DomainError(_("Nhập mã hiệu và số sê-ri của từng thiết bị."))
            rows.append(
                Device(
                    dossier=dossier,
                    category=d.category,
                    model_name=d.model_name.strip(),
                    serial_number=d.serial_number.strip(),
                    manufacturer=d.manufacturer.strip(),
                    year_made=d.year_made,
                    fee=device_fee(version, d.category),
                )
            )
        Device.objects.bulk_create(rows)
        if kind in PERMIT_KINDS:
            dossier.fee_total = sum(r.fee for r in rows)
        else:
            dossier.fee_total = int((version.fees or {}).get("flat", 0))
        dossier.save(update_fields=["fee_total"])
        if spec.details is not None:
            spec.details.save(dossier, cleaned, actor)
        audit_record(
            case=dossier, actor=actor, action="create", to_state=dossier.status, ip=request_ip
        )
        if with_certificate is not None:
            child = _new_dossier(
                kind=DossierKind.CERTIFICATE,
                applicant=applicant,
                channel=channel,
                fields=fields,
                parent=dossier,
                **_worker_fields(with_certificate),
            )
            child.fee_total = int((child.procedure_version.fees or {}).get("flat", 0))
            child.save(update_fields=["fee_total"])
            audit_record(
                case=child,
                actor=actor,
                action="create",
                to_state=child.status,
                note=_("Nộp kèm hồ sơ giấy phép %(code)s") % {"code": dossier.code},
                ip=request_ip,
            )
        return dossier


def _worker_fields(worker: WorkerInput | None) -> dict:
    if worker is None:
        return {}
    return {
        "worker_name": worker.name.strip(),
        "worker_birth_date": worker.birth_date,
        "worker_id_number": worker.id_number.strip(),
        "worker_qualification": worker.qualification.strip(),
    }


def _check_document_date(version, item: dict, issued_on: date | None, on: date) -> None:
    if not item.get("dated"):
        return
    if issued_on is None:
        raise DomainError(
            _("Nhập ngày cấp của “%(item)s”.") % {"item": item["name"]}, code="date_missing"
        )
    if issued_on > on:
        raise DomainError(
            _("Ngày cấp của “%(item)s” không được sau ngày nộp.") % {"item": item["name"]}
        )
    months = item.get("max_age_months")
    # counted forward from the issue date (Civil Code Art. 148), see permits/rules.py
    if months and not rules.document_within_age(issued_on, int(months), on):
        oldest = rules.oldest_accepted_issue_date(on, int(months))
        raise DomainError(
            _(
                "“%(item)s” cấp ngày %(issued)s đã quá %(months)s tháng tính đến ngày nộp "
                "%(on)s (chỉ chấp nhận giấy cấp từ ngày %(oldest)s trở đi). Vui lòng nộp giấy "
                "khám sức khỏe mới."
            )
            % {
                "item": item["name"],
                "issued": _d(issued_on),
                "months": months,
                "on": _d(on),
                "oldest": _d(oldest),
            },
            code="document_too_old",
        )


@contextmanager
def _files_guard():
    """Collects the files stored by a service; if the service fails, they are deleted,
    so a refused or rolled-back upload leaves nothing behind."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for f in stored:
            f.storage.delete(f.name)
        raise


def _store(
    dossier: Dossier,
    item: str,
    checked: CheckedUpload,
    *,
    actor,
    issued_on,
    stored: list,
    supplement=None,
) -> Document:
    Document.objects.filter(dossier=dossier, item=item, is_current=True).update(is_current=False)
    doc = Document(
        dossier=dossier,
        item=item,
        issued_on=issued_on,
        uploaded_by=actor,
        supplement=supplement,
    )
    checked.keep(doc)
    stored.append(doc.file)
    doc.save()
    return doc


def _can_edit_draft(dossier: Dossier, actor) -> bool:
    if dossier.applicant_id == actor.pk:
        return True
    # a counter filing: the desk's officers complete it (workflows.access)
    return dossier.channel != Channel.ONLINE and access.desk_officer(actor)


def document_upload(
    *,
    dossier: Dossier,
    item: str,
    upload,
    actor,
    issued_on: date | None = None,
    request_ip: str | None = None,
) -> Document:
    """Add one checklist item to a draft dossier (a new upload replaces the old one)."""
    checked = upload_check(upload)
    with transaction.atomic():
        dossier = _lock(dossier)
        if not _can_edit_draft(dossier, actor):
            raise ActionForbidden(_("Bạn không có quyền nộp tài liệu cho hồ sơ này."))
        if dossier.status != Status.DRAFT:
            raise DomainError(
                _("Hồ sơ đã nộp; chỉ bổ sung tài liệu theo phiếu yêu cầu bổ sung."),
                code="not_draft",
            )
        spec = dossier.procedure_version.document(item)
        if spec is None:
            raise DomainError(_("Thành phần hồ sơ không hợp lệ: %(i)s.") % {"i": item})
        _check_document_date(dossier.procedure_version, spec, issued_on, _today())
        with _files_guard() as stored:
            doc = _store(dossier, item, checked, actor=actor, issued_on=issued_on, stored=stored)
            audit_record(
                case=dossier,
                actor=actor,
                action="document_upload",
                from_state=dossier.status,
                to_state=dossier.status,
                note=f"{spec['name']}: {checked.original_name}",
                ip=request_ip,
                data={"item": item, "sha256": checked.sha256, "size": checked.size},
            )
            return doc


def checklist(dossier: Dossier) -> list[dict]:
    """The dossier's document list with what was uploaded for each item."""
    current = {d.item: d for d in dossier.documents.all() if d.is_current}
    waived = dossier.linked_certificates.exists() if dossier.pk else False
    out = []
    for spec in dossier.procedure_version.documents or []:
        doc = current.get(spec["code"])
        out.append(
            {
                **spec,
                "document": doc,
                "waived": bool(spec.get("waived_by_certificate") and waived),
            }
        )
    return out


def _check_complete(dossier: Dossier, on: date) -> None:
    missing = []
    for row in checklist(dossier):
        if row["required"] and row["document"] is None and not row["waived"]:
            missing.append(row["name"])
            continue
        if row["document"] is not None:
            _check_document_date(dossier.procedure_version, row, row["document"].issued_on, on)
    if missing:
        raise DomainError(
            _("Hồ sơ còn thiếu: %(items)s.") % {"items": "; ".join(missing)},
            code="incomplete",
        )


def _start_check(case: Dossier, actor) -> None:
    today = _today()
    case_set(case, submitted_on=today, received_by=None)
    rule = _rule(case, "check")
    clock = clock_start(
        case=case,
        rule=rule,
        on=today,
        actor=actor,
        cause=_("Tiếp nhận hồ sơ"),
        kind="check",
        title=f"{rule.name} — {case.organisation_name}",
        dossier_code=case.code,
        owner_group=_group(Role.ONE_STOP_OFFICER),
        owner_division=_division(ONE_STOP_DIVISION),
    )
    case_set(case, check_clock=clock)


@_acting("receive", choose=_submit_step)
def dossier_submit(*, dossier: Dossier, actor, request_ip: str | None = None) -> Dossier:
    """The applicant files the dossier online (or the officer records a counter filing).

    The 5-working-day completeness check starts the next day. A linked certificate
    dossier is filed with it.
    """
    today = _today()
    transition = "submit" if dossier.channel == Channel.ONLINE else "receive"
    with transaction.atomic(savepoint=False):
        current = _lock(dossier)
        for name, build in (
            ("linked_certificates", lambda p: Dossier.objects.filter(parent_id=p)),
            ("documents", lambda p: Document.objects.filter(dossier_id=p)),
        ):
            compiled_prefetch(current, name, ("permits.submit", name), build, current.pk)
        children = []
        if current.status == Status.DRAFT:
            _check_complete(current, today)
            if current.kind == DossierKind.PERMIT_RENEWAL:
                _check_renewal_window(current.previous_permit, today)
            children = [c for c in current.linked_certificates.all() if c.status == Status.DRAFT]
            for child in children:
                _check_complete(child, today)

        def effects(case, _from, _to):
            _start_check(case, actor)
            if transition == "receive":
                case_set(case, received_by=actor)
            _notify_applicant(
                case,
                "dossier_received",
                "received",
                lookup_key=case.lookup_key,
                received_on=_d(case.submitted_on),
                check_due=_d(case.check_clock.due_date),
            )

        result = _perform(
            flow="flow_start_for",
            case=current,
            transition=transition,
            actor=actor,
            request_ip=request_ip,
            effects=effects,
        )
        for child in children:
            _perform(
                case=child,
                transition=transition,
                actor=actor,
                request_ip=request_ip,
                note=_("Nộp kèm hồ sơ giấy phép %(code)s") % {"code": result.code},
                effects=effects,
            )
        return result


@_acting("check")
def dossier_accept(*, dossier: Dossier, actor, note: str = "", request_ip=None) -> Dossier:
    """Complete and valid: receipt with appointment date (Mẫu 01), and the fee notice
    for a kind with a fee.

    With a fee the result clock starts now and waits (paused) until the fee is
    recorded: the statutory period runs from a complete dossier *and* the fee (Art.
    29(4)(b)). Without one it runs from the valid dossier, and the appraisal begins.
    """
    fee = kinds.require(dossier.kind).fee

    def effects(case, _from, _to):
        today = _today()
        clock_stop(
            clock=_held_clock(case, "check_clock"), on=today, actor=actor, cause=_("Tiếp nhận")
        )
        rule = _rule(case, "result")
        clock = clock_start(
            case=case,
            rule=rule,
            on=today,
            actor=actor,
            cause=_("Hồ sơ đầy đủ, hợp lệ"),
            kind="result",
            title=f"{rule.name} — {case.organisation_name}",
            dossier_code=case.code,
            owner_group=_group(Role.SPECIALIST),
            owner_division=_appraising(case),
            paused_cause=_("Chờ tổ chức, cá nhân nộp phí thẩm định") if fee else "",
        )
        case_set(
            case,
            accepted_on=today,
            result_clock=clock,
            received_by_id=case.received_by_id or actor.pk,
        )
        context = {
            "appointment": _d(clock.due_date),
            "result_days": rule.amount,
            "result_unit": rule.get_unit_display(),
        }
        if fee:
            context["fee_total"] = f"{case.fee_total:,}".replace(",", ".")
            _notify_applicant(case, "dossier_accepted", "accepted", **context)
        else:
            _open_step(case, "appraisal", role=Role.SPECIALIST, owner_user=case.specialist)
            _notify_applicant(case, "dossier_accepted_valid", "accepted", **context)

    return _perform(
        case=dossier,
        transition="accept",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
        to=Status.AWAITING_FEE if fee else Status.APPRAISAL,
    )


@_acting("check")
def dossier_reject(*, dossier: Dossier, actor, reasons: str, request_ip=None) -> Dossier:
    """Mẫu 03: refuse to accept the dossier, with reasons."""
    if not reasons.strip():
        raise DomainError(_("Phải nêu rõ lý do từ chối tiếp nhận."))

    def effects(case, _from, _to):
        today = _today()
        clock_stop(clock=_held_clock(case, "check_clock"), on=today, actor=actor, cause=reasons)
        case_set(case, refusal_reasons=reasons.strip(), decided_on=today, decided_by=actor)
        _close_rows(case, "supplement", cancel=True)
        _notify_applicant(case, "dossier_not_accepted", "not-accepted", reasons=reasons.strip())

    return _perform(
        case=dossier,
        transition="reject",
        actor=actor,
        note=reasons,
        request_ip=request_ip,
        effects=effects,
    )


@_acting("check", "appraisal", choose=_supplement_step)
def dossier_request_supplement(
    *, dossier: Dossier, actor, items: Iterable[str], reasons: str, request_ip=None
) -> SupplementRequest:
    """Mẫu 02: list every missing or wrong item at once; the legal clock pauses."""
    items = list(dict.fromkeys(i for i in items if i))
    if not items:
        raise DomainError(_("Chọn ít nhất một thành phần hồ sơ cần bổ sung."))
    if not reasons.strip():
        raise DomainError(_("Nêu rõ nội dung cần bổ sung, hoàn thiện."))
    dossier = Dossier.objects.select_related("procedure_version").get(pk=dossier.pk)
    codes = {d["code"] for d in dossier.procedure_version.documents or []}
    unknown = [i for i in items if i not in codes]
    if unknown:
        raise DomainError(_("Thành phần hồ sơ không hợp lệ: %(i)s.") % {"i": ", ".join(unknown)})
    transition = (
        "request_supplement_in_appraisal"
        if dossier.status == Status.APPRAISAL
        else "request_supplement"
    )
    created: list[SupplementRequest] = []

    def effects(case, from_state, _to):
        today = _today()
        number = case.supplements.count() + 1
        created.append(
            SupplementRequest.objects.create(
                dossier=case,
                number=number,
                items=items,
                reasons=reasons.strip(),
                back_to=from_state,
                requested_on=today,
                requested_by=actor,
            )
        )
        clock = _stage_clock(case, from_state)
        clock_pause(clock=clock, on=today, actor=actor, cause=_("Chờ bổ sung hồ sơ"))
        _pause_rows(case, "step", True)
        rule = _rule(case, "supplement")
        deadline_open(
            case=case,
            kind="supplement",
            due_date=add_days(today, rule.amount, rule.unit),
            title=_("Bổ sung hồ sơ lần %(n)s") % {"n": number},
            procedure_version=case.procedure_version,
            dossier_code=case.code,
            owner_user=case.applicant,
        )
        names = [dossier.procedure_version.document(i)["name"] for i in items]
        _notify_applicant(
            case,
            "supplement_requested",
            f"supplement-{number}",
            items=names,
            reasons=reasons.strip(),
        )

    _perform(
        case=dossier,
        transition=transition,
        actor=actor,
        note=reasons,
        request_ip=request_ip,
        effects=effects,
        audit_data={"items": items},
    )
    return created[0]


def dossier_answer_supplement(
    *,
    dossier: Dossier,
    actor,
    files: Mapping[str, object],
    issued_on: Mapping[str, date] | None = None,
    request_ip=None,
) -> Dossier:
    """The applicant uploads exactly the items requested, all at once. The clock resumes
    and the due date moves by the paused working days."""
    issued_on = issued_on or {}
    dossier = Dossier.objects.select_related("procedure_version").get(pk=dossier.pk)
    request = dossier.supplements.filter(answered_on__isnull=True).order_by("-number").first()
    if dossier.status != Status.SUPPLEMENT or request is None:
        raise DomainError(_("Hồ sơ không có yêu cầu bổ sung đang chờ."), code="no_supplement")
    wanted, given = set(request.items), {k for k, v in files.items() if v}
    if given != wanted:
        names = {d["code"]: d["name"] for d in dossier.procedure_version.documents}
        parts = []
        if wanted - given:
            parts.append(
                _("còn thiếu: %(i)s") % {"i": "; ".join(names[i] for i in sorted(wanted - given))}
            )
        extra = given - wanted
        if extra:
            parts.append(
                _("không thuộc yêu cầu bổ sung: %(i)s")
                % {"i": "; ".join(names.get(i, i) for i in sorted(extra))}
            )
        raise DomainError(
            _("Phải nộp đúng các thành phần được yêu cầu bổ sung — %(d)s.")
            % {"d": "; ".join(parts)},
            code="supplement_mismatch",
        )
    today = _today()
    checked = {item: upload_check(files[item]) for item in request.items}
    for item in request.items:
        spec = dossier.procedure_version.document(item)
        _check_document_date(dossier.procedure_version, spec, issued_on.get(item), today)

    def effects(case, _from, to_state):
        SupplementRequest.objects.filter(pk=request.pk).update(answered_on=today)
        for item, c in checked.items():
            _store(
                case,
                item,
                c,
                actor=actor,
                issued_on=issued_on.get(item),
                supplement=request,
                stored=stored,
            )
        clock = _stage_clock(case, to_state)
        clock = clock_resume(clock=clock, on=today, actor=actor, cause=_("Đã nộp bổ sung hồ sơ"))
        _pause_rows(case, "step", False)
        _close_rows(case, "supplement")

    with _files_guard() as stored:
        result = _perform(
            case=dossier,
            transition="answer_supplement",
            actor=actor,
            request_ip=request_ip,
            effects=effects,
            back_to=request.back_to,
        )
    return result


@_acting("fee")
def dossier_record_fee(
    *, dossier: Dossier, actor, receipt_no: str, paid_on: date | None = None, request_ip=None
) -> Dossier:
    """The fee is paid: the result clock runs from the payment date; appraisal begins."""
    paid_on = paid_on or _today()
    if not receipt_no.strip():
        raise DomainError(_("Nhập số biên lai thu phí."))
    if paid_on > _today():
        raise DomainError(_("Ngày nộp phí không được sau hôm nay."))

    def effects(case, _from, _to):
        clock = _held_clock(case, "result_clock")
        if paid_on < clock.paused_on:
            raise DomainError(_("Ngày nộp phí không được trước ngày tiếp nhận hồ sơ."))
        clock = clock_resume(clock=clock, on=paid_on, actor=actor, cause=_("Đã nộp phí thẩm định"))
        case_set(case, fee_paid_on=paid_on, fee_receipt_no=receipt_no.strip())
        _open_step(case, "appraisal", role=Role.SPECIALIST, owner_user=case.specialist)
        _notify_applicant(
            case, "fee_recorded", "fee", appointment=_d(clock.due_date), paid_on=_d(paid_on)
        )

    return _perform(
        case=dossier,
        transition="record_fee",
        actor=actor,
        request_ip=request_ip,
        effects=effects,
        audit_data={"receipt_no": receipt_no.strip(), "paid_on": paid_on.isoformat()},
    )


@_acting("assign")
def dossier_assign(*, dossier: Dossier, actor, specialist, request_ip=None) -> Dossier:
    """The head of division assigns the appraisal to a specialist (or one takes it)."""
    if not has_role(specialist, Role.SPECIALIST):
        raise DomainError(_("Người được giao phải là chuyên viên."))
    if not (has_role(actor, Role.HEAD_OF_DIVISION) or actor.pk == specialist.pk):
        raise ActionForbidden(_("Chỉ lãnh đạo phòng được giao hồ sơ cho chuyên viên khác."))
    with transaction.atomic(savepoint=False):
        case = _lock(dossier)
        access.assignee_check(case, specialist)
        if case.status not in (Status.AWAITING_FEE, Status.APPRAISAL, Status.SUPPLEMENT):
            raise DomainError(
                _("Chỉ giao thẩm định khi hồ sơ đã được tiếp nhận và chưa thẩm định xong.")
            )
        before = case.specialist_id
        case.specialist = specialist
        save_fields(case, ["specialist"])
        sql_update(
            Deadline,
            {"owner_user_id": specialist.pk, "owner_division_id": specialist.division_id},
            {
                "content_type_id": ContentType.objects.get_for_model(Dossier).pk,
                "object_id": str(case.pk),
                "kind": "step",
                "state": Deadline.State.OPEN,
            },
        )
        audit_record(
            case=case,
            actor=actor,
            action="assign",
            from_state=case.status,
            to_state=case.status,
            note=str(specialist),
            ip=request_ip,
            data={"from": before, "to": specialist.pk},
        )
        _flow_after_commit("flow_sync", case)
        return case


@_acting("appraisal")
def dossier_record_appraisal(
    *, dossier: Dossier, actor, conclusion: str, findings: str, request_ip=None
) -> Dossier:
    """The appraisal record (biên bản thẩm định): pass or fail, with findings."""
    if conclusion not in ("pass", "fail"):
        raise DomainError(_("Chọn kết luận thẩm định: đạt hoặc không đạt."))
    if not findings.strip():
        raise DomainError(_("Nhập nội dung biên bản thẩm định."))

    def effects(case, _from, _to):
        case_set(
            case,
            appraisal_conclusion=conclusion,
            appraisal_findings=findings.strip(),
            appraised_on=_today(),
            specialist=case.specialist or actor,
        )
        _close_rows(case, "step")
        _open_step(case, "review", role=Role.HEAD_OF_DIVISION)

    return _perform(
        case=dossier,
        transition="record_appraisal",
        actor=actor,
        note=findings,
        request_ip=request_ip,
        effects=effects,
        audit_data={"conclusion": conclusion},
    )


@_acting("review")
def dossier_review(
    *, dossier: Dossier, actor, approve: bool, note: str = "", request_ip=None
) -> Dossier:
    """The head of division submits to the director, or returns to the specialist."""
    if not approve and not note.strip():
        raise DomainError(_("Nêu lý do trả lại chuyên viên."))

    def effects(case, _from, _to):
        case_set(case, review_note=note.strip())
        _close_rows(case, "step")
        if approve:
            _open_step(case, "signing", role=Role.DIRECTOR)
        else:
            _open_step(case, "appraisal", role=Role.SPECIALIST, owner_user=case.specialist)

    return _perform(
        case=dossier,
        transition="approve_review" if approve else "return_to_appraisal",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )


def _finish(case: Dossier, actor, cause: str) -> None:
    today = _today()
    clock = _held_clock(case, "result_clock")
    if clock is not None and clock.state != LegalClock.State.STOPPED:
        clock_stop(clock=clock, on=today, actor=actor, cause=cause, close_deadline=False)
    # the result row, the step rows and any apology row: one UPDATE
    deadlines_close_open(case=case, kinds=["result", "step"], cancel_kinds=["apology"], on=today)
    if getattr(case, "has_draft_apology", True):  # read with the lock (`_case_queryset`)
        ApologySlip.objects.filter(dossier=case, state=ApologySlip.State.DRAFT).update(
            state=ApologySlip.State.VOID
        )
    case_set(case, decided_on=today, decided_by=actor)


def permit_issue(case: Dossier, *, actor, on: date) -> Permit:
    """The result of a radiation dossier (`OneStopKind.issue`): the permit (3 years) or
    the certificate (no expiry) enters the register with its number; a renewed or
    amended permit is superseded and its expiry row closed; the new permit's expiry
    opens its reminders."""
    today = on
    version = case.procedure_version
    previous = case.previous_permit
    if case.kind == DossierKind.CERTIFICATE:
        kind, prefix, valid_from, valid_until = Permit.Kind.CERTIFICATE, "CC", today, None
        scope = _("Người phụ trách an toàn bức xạ: %(n)s, sinh ngày %(b)s, CCCD %(i)s") % {
            "n": case.worker_name,
            "b": _d(case.worker_birth_date),
            "i": case.worker_id_number,
        }
    else:
        kind, prefix = Permit.Kind.PERMIT, "GP"
        valid_from, valid_until = rules.permit_term(
            kind=case.kind,
            issued_on=today,
            validity_years=int(version.param("validity_years", 3)),
            previous_valid_until=previous.valid_until if previous else None,
        )
        scope = _device_scope(case)
        scope = _("Sử dụng thiết bị X-quang chẩn đoán trong y tế: %(s)s") % {"s": scope}
    seq = _next_number(f"register:{prefix}:{today.year}")
    permit = Permit.objects.create(
        kind=kind,
        number=f"{seq:03d}/{today.year}/{prefix}-SKHCN",
        dossier=case,
        applicant=case.applicant,
        holder_name=(
            case.worker_name if kind == Permit.Kind.CERTIFICATE else case.organisation_name
        ),
        holder_address=case.organisation_address,
        scope=scope,
        issued_on=today,
        valid_from=valid_from,
        valid_until=valid_until,
        previous=previous,
        signed_by=actor,
    )
    if previous is not None:
        Permit.objects.filter(pk=previous.pk).update(state=Permit.State.SUPERSEDED)
        for row in deadlines_for_case(previous).filter(
            kind="permit_expiry", state=Deadline.State.OPEN
        ):
            deadline_close(deadline=row, on=today)
    if valid_until is not None:
        deadline_open(
            case=permit,
            kind="permit_expiry",
            due_date=valid_until,
            title=_("Giấy phép %(n)s hết hạn") % {"n": permit.number},
            procedure_version=version,
            dossier_code=case.code,
            owner_user=case.applicant,
        )
    return permit


@_acting("signing", queryset=_signing_queryset)
def dossier_sign(*, dossier: Dossier, actor, note: str = "", request_ip=None):
    """The director signs: the kind's result is issued (`OneStopKind.issue`) — for the
    radiation kinds the permit or certificate in the register (`permit_issue`) — and
    returned."""
    issued: list = []

    def effects(case, _from, _to):
        # checked after the state and the signer's right, on the locked row
        if case.appraisal_conclusion != "pass":
            raise DomainError(
                _("Biên bản thẩm định kết luận không đạt; chỉ có thể ký văn bản từ chối cấp."),
                code="appraisal_failed",
            )
        today = _today()
        _finish(case, actor, _("Đã ký cấp"))
        spec = kinds.require(case.kind)
        result = spec.issue(case, actor=actor, on=today)
        issued.append(result)
        valid_until = getattr(result, "valid_until", None)
        _notify_applicant(
            case,
            "dossier_issued",
            "issued",
            number=result.number,
            valid_until=_d(valid_until),
            kind_label=(
                result.get_kind_display() if isinstance(result, Permit) else str(spec.result_label)
            ),
        )

    _perform(
        case=dossier,
        transition="sign",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )
    return issued[0]


@_acting("signing")
def dossier_refuse(*, dossier: Dossier, actor, reasons: str, request_ip=None) -> Dossier:
    """The director signs the refusal, with reasons, within the same time limit."""
    if not reasons.strip():
        raise DomainError(_("Phải nêu rõ lý do không cấp."))

    def effects(case, _from, _to):
        _finish(case, actor, reasons)
        case_set(case, refusal_reasons=reasons.strip())
        _notify_applicant(case, "dossier_refused", "refused", reasons=reasons.strip())

    return _perform(
        case=dossier,
        transition="refuse",
        actor=actor,
        note=reasons,
        request_ip=request_ip,
        effects=effects,
    )


@_acting("signing")
def dossier_return_to_review(*, dossier: Dossier, actor, note: str, request_ip=None) -> Dossier:
    if not note.strip():
        raise DomainError(_("Nêu lý do trả lại."))

    def effects(case, _from, _to):
        _close_rows(case, "step")
        _open_step(case, "review", role=Role.HEAD_OF_DIVISION)

    return _perform(
        case=dossier,
        transition="return_to_review",
        actor=actor,
        note=note,
        request_ip=request_ip,
        effects=effects,
    )


# --- late cases: the apology slip (Mẫu 04) --------------------------------------------
APOLOGY_STATES = (Status.APPRAISAL, Status.REVIEW, Status.SIGNING)


@_acting("apology_draft")
def apology_draft(
    *,
    dossier: Dossier,
    actor,
    reason: str,
    new_date: date | None = None,
    system: bool = False,
    request_ip=None,
) -> ApologySlip:
    """Draft the apology slip with a new appointment date. It must be issued no later
    than one working day before the current due date; the director is alerted."""
    if not system and not has_role(actor, Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.DIRECTOR):
        raise ActionForbidden(_("Bạn không có quyền lập phiếu xin lỗi."))
    if not reason.strip():
        raise DomainError(_("Nêu lý do chậm trả kết quả."))
    with transaction.atomic(savepoint=False):
        case = _lock(dossier)
        clock = _clock(case.result_clock_id)
        if case.status not in APOLOGY_STATES or clock is None:
            raise DomainError(
                _("Chỉ lập phiếu xin lỗi cho hồ sơ đang giải quyết (đã nộp phí, chưa có kết quả).")
            )
        version = case.procedure_version
        due = clock.due_date
        new_date = new_date or add_working_days(
            due, int(version.param("apology_new_date_working_days", 5))
        )
        if new_date <= due:
            raise DomainError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(d)s).") % {"d": _d(due)}
            )
        lead = int(version.param("apology_issue_lead_working_days", 1))
        issue_by = add_working_days(due, -lead)
        try:
            with transaction.atomic():
                slip = ApologySlip.objects.create(
                    dossier=case,
                    reason=reason.strip(),
                    old_date=due,
                    new_date=new_date,
                    issue_by=issue_by,
                    drafted_by=None if system else actor,
                )
        except IntegrityError:
            raise DomainError(
                _("Đã có phiếu xin lỗi cho ngày hẹn %(d)s.") % {"d": _d(due)},
                code="apology_exists",
            ) from None
        deadline_open(
            case=case,
            kind="apology",
            due_date=issue_by,
            title=_("Phát hành phiếu xin lỗi và hẹn lại — %(o)s") % {"o": case.organisation_name},
            procedure_version=version,
            dossier_code=case.code,
            owner_group=_group(Role.HEAD_OF_DIVISION),
            owner_division=_appraising(case),
        )
        audit_record(
            case=case,
            actor=None if system else actor,
            action="apology_draft",
            from_state=case.status,
            to_state=case.status,
            note=reason.strip(),
            ip=request_ip,
            data={"old_date": due.isoformat(), "new_date": new_date.isoformat()},
        )
        notifications_enqueue(
            recipients=_staff(Role.DIRECTOR) + _staff(Role.HEAD_OF_DIVISION, _appraising(case)),
            template="apology_required",
            context={
                "dossier_code": case.code,
                "title": case.get_kind_display(),
                "due_date": _d(due),
                "issue_by": _d(issue_by),
                "new_date": _d(new_date),
                "reason": reason.strip(),
            },
            channels=STAFF_CHANNELS,
            key=f"permits:{case.pk}:apology-draft:{due:%Y%m%d}",
            case=case,
        )
        return slip


@_acting("apology_issue")
def apology_issue(*, apology: ApologySlip, actor, request_ip=None) -> ApologySlip:
    """Issue the drafted slip: the appointment moves to the new date (recorded on the
    legal clock with the reason), the applicant is told, the director alerted."""
    if not has_role(actor, Role.HEAD_OF_DIVISION, Role.DIRECTOR):
        raise ActionForbidden(
            _("Chỉ lãnh đạo phòng hoặc lãnh đạo Sở được phát hành phiếu xin lỗi.")
        )
    with transaction.atomic(savepoint=False):
        slip = ApologySlip.objects.select_for_update().get(pk=apology.pk)
        case = _lock(slip.dossier)
        if slip.state != ApologySlip.State.DRAFT:
            raise DomainError(_("Phiếu xin lỗi này đã được phát hành hoặc đã hủy."))
        clock = _clock(case.result_clock_id)
        if case.status not in APOLOGY_STATES or clock.due_date != slip.old_date:
            raise DomainError(_("Ngày hẹn của hồ sơ đã thay đổi; hãy lập phiếu mới."))
        units = days_between(slip.old_date, slip.new_date, clock.unit)
        clock = clock_extend(
            clock=clock,
            units=units,
            actor=actor,
            cause=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả: %(r)s") % {"r": slip.reason},
        )
        slip.state = ApologySlip.State.ISSUED
        slip.new_date = clock.due_date
        slip.issued_on = _today()
        slip.issued_by = actor
        slip.save(update_fields=["state", "new_date", "issued_on", "issued_by"])
        _close_rows(case, "apology")
        audit_record(
            case=case,
            actor=actor,
            action="apology_issue",
            from_state=case.status,
            to_state=case.status,
            note=slip.reason,
            ip=request_ip,
            data={"old_date": slip.old_date.isoformat(), "new_date": slip.new_date.isoformat()},
        )
        _notify_applicant(
            case,
            "apology_issued",
            f"apology-{slip.old_date:%Y%m%d}",
            old_date=_d(slip.old_date),
            new_date=_d(slip.new_date),
            reason=slip.reason,
        )
        notifications_enqueue(
            recipients=_staff(Role.DIRECTOR),
            template="apology_issued_staff",
            context={
                "dossier_code": case.code,
                "title": case.get_kind_display(),
                "old_date": _d(slip.old_date),
                "new_date": _d(slip.new_date),
                "reason": slip.reason,
            },
            channels=["in_app"],
            key=f"permits:{case.pk}:apology-issued:{slip.old_date:%Y%m%d}",
            case=case,
        )
        return slip


def apologies_draft_due(*, today: date | None = None) -> int:
    """Beat task body: a case without a result whose appointment is close (the
    catalogue's lead, 2 working days by default) gets its apology slip drafted, so it
    can be issued by the day before. Returns how many were drafted."""
    today = today or _today()
    horizon = add_working_days(today, 2)
    candidates = (
        Dossier.objects.filter(
            status__in=APOLOGY_STATES,
            result_clock__state=LegalClock.State.RUNNING,
            result_clock__due_date__lte=add_working_days(horizon, 3),
        )
        .select_related("result_clock", "procedure_version")
        .order_by("pk")
    )
    drafted = 0
    for case in candidates:
        lead = int(case.procedure_version.param("apology_draft_lead_working_days", 2))
        due = case.result_clock.due_date
        if add_working_days(due, -lead) > today:
            continue
        if ApologySlip.objects.filter(dossier=case, old_date=due).exists():
            continue
        try:
            apology_draft(
                dossier=case,
                actor=None,
                system=True,
                reason=_("Hồ sơ chưa hoàn thành thẩm định, trình ký trước ngày hẹn trả kết quả."),
            )
            drafted += 1
        except DomainError:
            continue
    return drafted


def permits_expire(*, today: date | None = None) -> int:
    """Beat task body: permits past their end date leave the register of valid permits;
    their expiry row is closed (the reminders have been sent)."""
    today = today or _today()
    expired = list(
        Permit.objects.filter(state=Permit.State.VALID, valid_until__lt=today).order_by("pk")
    )
    changed = 0
    for permit in expired:
        with transaction.atomic():
            still_valid = Permit.objects.select_for_update().filter(
                pk=permit.pk, state=Permit.State.VALID
            )
            if still_valid.first() is None:  # renewed or expired meanwhile
                continue
            still_valid.update(state=Permit.State.EXPIRED)
            changed += 1
            for row in deadlines_for_case(permit).filter(
                kind="permit_expiry", state=Deadline.State.OPEN
            ):
                deadline_cancel(deadline=row, on=today)
            audit_record(
                case=permit,
                actor=None,
                action="expire",
                from_state=Permit.State.VALID,
                to_state=Permit.State.EXPIRED,
            )
    return changed
