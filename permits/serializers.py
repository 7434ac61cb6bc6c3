"""Serializers of the radiation procedures' REST API.

Input serializers only validate the shape of a request; every rule of the procedure is
checked by the service the endpoint calls. Output serializers decide what each reader
may see: an applicant sees their own dossier with its lookup key, but not the
department's internal notes; staff see everything except the lookup key.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.api_serializers import ModelSerializer, Serializer
from workflows.audit import audit_trail_list
from workflows.onestop import kinds

from . import access, services
from .models import (
    ApologySlip,
    Channel,
    Device,
    DeviceCategory,
    Dossier,
    Permit,
    Status,
)

DATE_FORMATS = ["iso-8601", "%d/%m/%Y"]

# audit actions that are not FSM transitions of the dossier
ACTION_LABELS = {
    "create": _("Tạo hồ sơ"),
    "assign": _("Giao chuyên viên thẩm định"),
    "apology_draft": _("Lập dự thảo phiếu xin lỗi và hẹn lại"),
    "apology_issue": _("Phát hành phiếu xin lỗi và hẹn lại ngày trả kết quả"),
}
# entries an applicant does not see in their timeline (the department's own work)
INTERNAL_ACTIONS = frozenset({"assign", "apology_draft"})
# entries whose note is addressed to the applicant; other notes are internal
APPLICANT_NOTE_ACTIONS = frozenset(
    {
        "create",
        "submit",
        "receive",
        "reject",
        "request_supplement",
        "request_supplement_in_appraisal",
        "answer_supplement",
        "refuse",
        "apology_issue",
    }
)


def _date_field(**kwargs) -> serializers.DateField:
    return serializers.DateField(input_formats=DATE_FORMATS, **kwargs)


def _status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def _action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    meta = getattr(getattr(Dossier, action, None), "_django_fsm", None)
    if meta is not None:
        for t in meta.transitions.values():
            if t.custom.get("label"):
                return str(t.custom["label"])
    return action


class DossierErrorSerializer(Serializer):
    """The body of every refused request."""

    detail = serializers.CharField(help_text=_("Lý do, bằng tiếng Việt."))
    code = serializers.CharField(
        help_text=_("Mã lỗi ổn định cho máy đọc, ví dụ: forbidden, transition_refused, incomplete.")
    )


# --- input ----------------------------------------------------------------------------
class DossierDeviceInputSerializer(Serializer):
    category = serializers.ChoiceField(choices=DeviceCategory.choices, label=_("loại thiết bị"))
    model_name = serializers.CharField(max_length=120, label=_("mã hiệu (model)"))
    serial_number = serializers.CharField(max_length=120, label=_("số sê-ri"))
    manufacturer = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("hãng, nước sản xuất")
    )
    year_made = serializers.IntegerField(
        min_value=1950, max_value=2100, required=False, allow_null=True, default=None
    )

    def to_input(self, data: dict) -> services.DeviceInput:
        return services.DeviceInput(**data)


class DossierWorkerInputSerializer(Serializer):
    name = serializers.CharField(max_length=120, label=_("họ và tên"))
    birth_date = _date_field(label=_("ngày sinh"))
    # as the page's form: a citizen identity card (CCCD) number is exactly 12 digits
    id_number = serializers.RegexField(
        r"^[0-9]{12}$",
        label=_("số CCCD"),
        help_text=_("Số căn cước công dân: đúng 12 chữ số."),
        error_messages={"invalid": _("Số CCCD gồm đúng 12 chữ số.")},
    )
    qualification = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("trình độ chuyên môn")
    )


def _worker(data: dict | None) -> services.WorkerInput | None:
    return services.WorkerInput(**data) if data else None


class DossierCreateSerializer(Serializer):
    """A new draft dossier filed online by the signed-in applicant."""

    # every registered one-stop kind (set when the serializer is made)
    kind = serializers.ChoiceField(choices=[], label=_("thủ tục"))
    organisation_name = serializers.CharField(max_length=300)
    organisation_address = serializers.CharField(max_length=300)
    business_registration_no = serializers.CharField(max_length=60)
    contact_phone = serializers.CharField(max_length=20)
    contact_email = serializers.EmailField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Thư điện tử liên hệ; bỏ trống (null) nếu không có."),
    )
    facility_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    devices = DossierDeviceInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_("Thiết bị X-quang (bắt buộc với hồ sơ giấy phép)."),
    )
    worker = DossierWorkerInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Nhân viên bức xạ (bắt buộc với hồ sơ chứng chỉ)."),
    )
    with_certificate = DossierWorkerInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Người phụ trách an toàn chưa có chứng chỉ: mở kèm hồ sơ đề nghị cấp chứng chỉ "
            "(chỉ với hồ sơ cấp giấy phép mới)."
        ),
    )
    previous_permit = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Số giấy phép đề nghị gia hạn hoặc sửa đổi, ví dụ 001/2024/GP-SKHCN."),
    )
    details = serializers.DictField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Thông tin kê khai riêng của thủ tục (ví dụ đăng ký kết quả nhiệm vụ KH&CN: "
            "task, task_title, pi_name, accepted_on, acceptance_class…), kiểm tra như trên "
            "trang nộp hồ sơ."
        ),
    )

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.ONLINE,
        help_text=_(
            "Trực tuyến (mặc định). Hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ một cửa "
            "lập thay tổ chức, cá nhân."
        ),
    )
    applicant = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Cán bộ một cửa: tên đăng nhập của tổ chức, cá nhân nộp hồ sơ tại quầy."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.kind_choices()

    def service_kwargs(self, user) -> dict:
        """The keyword arguments of `services.dossier_create` (the permit is looked up
        among the applicant's own permits only)."""
        data = self.validated_data
        applicant = user
        if data["applicant"].strip():
            applicant = (
                get_user_model()
                .objects.filter(username=data["applicant"].strip(), is_active=True)
                .first()
            )
            if applicant is None:
                raise serializers.ValidationError(
                    {"applicant": _("Không tìm thấy tài khoản tổ chức, cá nhân này.")}
                )
        previous = None
        number = data["previous_permit"].strip()
        if number:
            previous = Permit.objects.filter(number=number, applicant=applicant).first()
            if previous is None:
                raise serializers.ValidationError(
                    {
                        "previous_permit": _("Không tìm thấy giấy phép số %(n)s của tài khoản này.")
                        % {"n": number}
                    }
                )
        return {
            "kind": data["kind"],
            "organisation": {k: data[k] or "" for k in services.ORGANISATION_FIELDS},
            "devices": [services.DeviceInput(**d) for d in data["devices"]],
            "worker": _worker(data["worker"]),
            "with_certificate": _worker(data["with_certificate"]),
            "previous_permit": previous,
            "details": data["details"],
            "applicant": applicant,
            "channel": data["channel"],
        }


class DossierDocumentUploadSerializer(Serializer):
    item = serializers.SlugField(
        max_length=40, help_text=_("Mã thành phần hồ sơ trong danh mục, ví dụ: kiem-xa.")
    )
    file = serializers.FileField(
        help_text=_("Tệp PDF, JPEG hoặc PNG (hệ thống kiểm tra nội dung tệp).")
    )
    issued_on = _date_field(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Ngày cấp giấy tờ, bắt buộc với giấy tờ có thời hạn."),
    )


class DossierNoteSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("ghi chú"))


class DossierRequiredNoteSerializer(Serializer):
    note = serializers.CharField(label=_("lý do"))


class DossierReasonsSerializer(Serializer):
    reasons = serializers.CharField(label=_("lý do"))


class DossierSupplementRequestSerializer(Serializer):
    items = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        allow_empty=False,
        help_text=_("Mã các thành phần hồ sơ cần bổ sung, liệt kê một lần."),
    )
    reasons = serializers.CharField(label=_("nội dung yêu cầu"))


class DossierFeeSerializer(Serializer):
    receipt_no = serializers.CharField(max_length=60, label=_("số biên lai"))
    paid_on = _date_field(
        required=False, allow_null=True, default=None, help_text=_("Mặc định: hôm nay.")
    )


class DossierAssignSerializer(Serializer):
    specialist = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        help_text=_("Tên đăng nhập của chuyên viên được giao thẩm định."),
    )


class DossierAppraisalSerializer(Serializer):
    conclusion = serializers.ChoiceField(
        choices=[("pass", _("Đạt yêu cầu")), ("fail", _("Không đạt yêu cầu"))]
    )
    findings = serializers.CharField(label=_("nội dung biên bản thẩm định"))


class DossierReviewSerializer(Serializer):
    approve = serializers.BooleanField(
        help_text=_("true: trình lãnh đạo Sở ký; false: trả lại chuyên viên (phải nêu lý do).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DossierApologyDraftSerializer(Serializer):
    reason = serializers.CharField(label=_("lý do chậm"))
    new_date = _date_field(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Ngày hẹn mới; mặc định theo tham số của thủ tục."),
    )


class DossierLookupRequestSerializer(Serializer):
    code = serializers.CharField(max_length=40, label=_("mã hồ sơ"))
    key = serializers.CharField(max_length=12, label=_("mã tra cứu in trên giấy tiếp nhận"))


# --- output ---------------------------------------------------------------------------
class DossierDeviceSerializer(ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Device
        fields = [
            "category",
            "category_label",
            "model_name",
            "serial_number",
            "manufacturer",
            "year_made",
            "fee",
        ]
        read_only_fields = fields


class DossierDocumentSerializer(Serializer):
    """One uploaded file (the file itself is served by the document pages)."""

    item = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    issued_on = serializers.DateField(allow_null=True)
    uploaded_at = serializers.DateTimeField()


class DossierChecklistItemSerializer(Serializer):
    item = serializers.CharField(source="code")
    name = serializers.CharField()
    required = serializers.BooleanField()
    dated = serializers.BooleanField(
        default=False, help_text=_("Giấy tờ có ngày cấp: phải gửi kèm issued_on.")
    )
    waived = serializers.BooleanField(help_text=_("Miễn nộp vì hồ sơ chứng chỉ được nộp kèm."))
    uploaded = serializers.SerializerMethodField()
    document = DossierDocumentSerializer(allow_null=True)

    def get_uploaded(self, row) -> bool:
        return row["document"] is not None


class DossierSupplementItemSerializer(Serializer):
    item = serializers.CharField()
    name = serializers.CharField()


class DossierSupplementSerializer(Serializer):
    number = serializers.IntegerField()
    items = serializers.SerializerMethodField()
    reasons = serializers.CharField()
    requested_on = serializers.DateField()
    answered_on = serializers.DateField(allow_null=True)

    @extend_schema_field(DossierSupplementItemSerializer(many=True))
    def get_items(self, obj):
        version = self.context["dossier"].procedure_version
        return [
            {"item": code, "name": (version.document(code) or {}).get("name", code)}
            for code in obj.items
        ]


class ApologySlipSerializer(ModelSerializer):
    """Mẫu 04: the apology with a new appointment date."""

    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ApologySlip
        fields = [
            "id",
            "dossier_code",
            "state",
            "state_label",
            "reason",
            "old_date",
            "new_date",
            "issue_by",
            "issued_on",
        ]
        read_only_fields = fields


class PermitRegisterSerializer(ModelSerializer):
    """An entry of the register of issued permits and certificates.

    With `personal=False` in the context (a reader whose role has no step in the
    procedure), a certificate's scope (the holder's birth date and ID-card number) and
    the holder's address are left empty."""

    kind = serializers.CharField(
        read_only=True, help_text=_("permit: giấy phép; certificate: chứng chỉ.")
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    previous_number = serializers.CharField(
        source="previous.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Permit
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "holder_name",
            "holder_address",
            "scope",
            "issued_on",
            "valid_from",
            "valid_until",
            "dossier_code",
            "previous_number",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("personal", True):
            data["holder_address"] = ""
            if instance.kind == Permit.Kind.CERTIFICATE:
                data["scope"] = ""
        return data


class DossierTimelineEntrySerializer(Serializer):
    """One row of the audit trail. `from` and `to` are status codes."""

    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField(source="from_state")
    from_label = serializers.CharField()
    to_state = serializers.CharField(source="to_state")
    to_label = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(allow_null=True, help_text=_("Chỉ hiển thị cho cán bộ."))

    def get_fields(self):
        # `from` is a Python keyword: declare the fields under other names, publish them
        # under the names of the audit trail
        fields = super().get_fields()
        renamed = {}
        for name, field in fields.items():
            renamed[{"from_state": "from", "to_state": "to"}.get(name, name)] = field
        return renamed


class DossierDetailLineSerializer(Serializer):
    """One line of what the procedure asks beyond the organisation (its declarations)."""

    label = serializers.CharField()
    value = serializers.CharField()


class DossierResultSerializer(Serializer):
    """The result the director signed, whatever the procedure (a permit, a
    certificate, a registration certificate)."""

    label = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    document = serializers.CharField(help_text=_("Đường dẫn văn bản (PDF)."))


class DossierInternalSerializer(Serializer):
    """The department's own data on the dossier (staff only)."""

    applicant = serializers.CharField(help_text=_("Tên đăng nhập của tài khoản nộp hồ sơ."))
    received_by = serializers.CharField(allow_null=True)
    specialist = serializers.CharField(allow_null=True, help_text=_("Tên đăng nhập."))
    specialist_name = serializers.CharField(allow_null=True)
    appraisal_conclusion = serializers.CharField(help_text=_("pass, fail hoặc rỗng."))
    appraisal_findings = serializers.CharField()
    appraised_on = serializers.DateField(allow_null=True)
    review_note = serializers.CharField()


class DossierListSerializer(ModelSerializer):
    """A dossier in a list: no lookup key, no personal data of the worker."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    appointment_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "organisation_name",
            "submitted_on",
            "accepted_on",
            "fee_paid_on",
            "appointment_date",
            "decided_on",
            "fee_total",
        ]
        read_only_fields = fields


class DossierDetailSerializer(DossierListSerializer):
    """The whole dossier as its applicant or an officer sees it.

    `lookup_key` is shown only to the applicant who owns the dossier; `internal` only
    to staff; applicants see only issued apology slips and the notes addressed to them.
    The personal fields (the worker's identity, addresses, phone, e-mail), the uploaded
    files and the account name are shown only to the owner and to staff whose role has
    a step in the procedure (`personal_data_shown`); others get them empty.
    """

    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    contact_email = serializers.SerializerMethodField()  # null, never "", when there is none
    lookup_key = serializers.SerializerMethodField()
    check_due_date = serializers.DateField(
        source="check_clock.due_date", read_only=True, allow_null=True, default=None
    )
    parent_code = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, default=None
    )
    linked_certificates = serializers.SerializerMethodField()
    previous_permit = serializers.CharField(
        source="previous_permit.number", read_only=True, allow_null=True, default=None
    )
    devices = DossierDeviceSerializer(many=True, read_only=True)
    checklist = serializers.SerializerMethodField()
    supplements = serializers.SerializerMethodField()
    apologies = serializers.SerializerMethodField()
    permit = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    internal = serializers.SerializerMethodField()
    personal_data_shown = serializers.SerializerMethodField(
        help_text=_(
            "false: vai trò của người đọc không có bước xử lý trong thủ tục; thông tin cá "
            "nhân, tài liệu đã nộp và văn bản của hồ sơ được để trống."
        )
    )

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "channel",
            "lookup_key",
            "check_due_date",
            "organisation_address",
            "business_registration_no",
            "contact_phone",
            "contact_email",
            "facility_address",
            "worker_name",
            "worker_birth_date",
            "worker_id_number",
            "worker_qualification",
            "parent_code",
            "linked_certificates",
            "previous_permit",
            "fee_receipt_no",
            "refusal_reasons",
            "devices",
            "checklist",
            "supplements",
            "apologies",
            "permit",
            "details",
            "result",
            "timeline",
            "internal",
            "personal_data_shown",
        ]
        read_only_fields = fields

    # who reads
    def _user(self):
        return self.context["request"].user

    def _is_staff(self) -> bool:
        return bool(self.context.get("is_staff"))

    def _is_owner(self, obj) -> bool:
        user = self._user()
        return user.is_authenticated and obj.applicant_id == user.pk

    def _personal(self, obj) -> bool:
        return access.sees_personal_data(self._user(), obj)

    def get_personal_data_shown(self, obj) -> bool:
        return self._personal(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("personal_data_shown"):
            return data
        for name in access.PERSONAL_FIELDS:
            if name in data:
                data[name] = None if name == "worker_birth_date" else ""
        for row in data.get("checklist") or []:
            row["document"] = None
        for row in data.get("timeline") or []:
            if row["action"] == "document_upload":
                row["note"] = ""
        if data.get("internal"):
            data["internal"]["applicant"] = ""
        return data

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text=_("Chỉ hiển thị cho chủ hồ sơ (in trên giấy tiếp nhận).")
        )
    )
    def get_lookup_key(self, obj):
        return obj.lookup_key if self._is_owner(obj) else None

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_contact_email(self, obj):
        return obj.contact_email or None

    def get_linked_certificates(self, obj) -> list[str]:
        return [c.code for c in obj.linked_certificates.all()]

    @extend_schema_field(DossierChecklistItemSerializer(many=True))
    def get_checklist(self, obj):
        return DossierChecklistItemSerializer(services.checklist(obj), many=True).data

    @extend_schema_field(DossierSupplementSerializer(many=True))
    def get_supplements(self, obj):
        return DossierSupplementSerializer(
            obj.supplements.all(), many=True, context={"dossier": obj}
        ).data

    @extend_schema_field(ApologySlipSerializer(many=True))
    def get_apologies(self, obj):
        slips = obj.apologies.all()
        if not self._is_staff():
            slips = [s for s in slips if s.state == ApologySlip.State.ISSUED]
        return ApologySlipSerializer(slips, many=True).data

    @extend_schema_field(PermitRegisterSerializer(allow_null=True))
    def get_permit(self, obj):
        permit = self._result(obj) if obj.is_radiation else None
        if permit is None:
            return None
        return PermitRegisterSerializer(permit, context={"personal": self._personal(obj)}).data

    @staticmethod
    def _result(obj):
        """The kind's result of the dossier (for the radiation kinds its permit), read
        once for both fields."""
        if "_result" not in obj.__dict__:
            obj.__dict__["_result"] = obj.spec.result_of(obj)
        return obj.__dict__["_result"]

    @extend_schema_field(DossierDetailLineSerializer(many=True))
    def get_details(self, obj):
        spec = obj.spec
        rows = spec.details.rows(obj) if spec.details else []
        return [{"label": str(label), "value": str(value)} for label, value in rows]

    @extend_schema_field(DossierResultSerializer(allow_null=True))
    def get_result(self, obj):
        spec = obj.spec
        result = self._result(obj)
        if result is None:
            return None
        return DossierResultSerializer(
            {
                "label": str(spec.result_label),
                "number": result.number,
                "issued_on": getattr(result, "issued_on", None),
                "document": f"/ho-so/{obj.code}/van-ban/{spec.result_slug}/",
            }
        ).data

    @extend_schema_field(DossierTimelineEntrySerializer(many=True))
    def get_timeline(self, obj):
        staff = self._is_staff()
        rows = []
        for entry in audit_trail_list(obj):
            if not staff and entry.action in INTERNAL_ACTIONS:
                continue
            show_note = staff or entry.action in APPLICANT_NOTE_ACTIONS
            rows.append(
                {
                    "at": entry.at,
                    "action": entry.action,
                    "action_label": _action_label(entry.action),
                    "from_state": entry.from_state,
                    "from_label": _status_label(entry.from_state) if entry.from_state else "",
                    "to_state": entry.to_state,
                    "to_label": _status_label(entry.to_state) if entry.to_state else "",
                    "note": entry.note if show_note else "",
                    "actor": (str(entry.actor) if entry.actor else None) if staff else None,
                }
            )
        return DossierTimelineEntrySerializer(rows, many=True).data

    @extend_schema_field(DossierInternalSerializer(allow_null=True))
    def get_internal(self, obj):
        if not self._is_staff():
            return None
        return DossierInternalSerializer(
            {
                "applicant": obj.applicant.username,
                "received_by": str(obj.received_by) if obj.received_by else None,
                "specialist": obj.specialist.username if obj.specialist else None,
                "specialist_name": str(obj.specialist) if obj.specialist else None,
                "appraisal_conclusion": obj.appraisal_conclusion,
                "appraisal_findings": obj.appraisal_findings,
                "appraised_on": obj.appraised_on,
                "review_note": obj.review_note,
            }
        ).data


class DossierLookupResultSerializer(Serializer):
    """What anyone holding the dossier code and its lookup key may see: the status and
    the dates, never the organisation, the people or the documents."""

    code = serializers.CharField()
    procedure = serializers.CharField(help_text=_("Tên thủ tục."))
    status = serializers.CharField(help_text=_("Mã trạng thái, như trường status của hồ sơ."))
    status_label = serializers.CharField()
    current_step = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    appointment_date = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    time_limit_unit = serializers.CharField(help_text=_("working, calendar hoặc rỗng."))
    time_limit_unit_label = serializers.CharField()
    paused_days = serializers.IntegerField(help_text=_("Số ngày tạm dừng chờ bổ sung hồ sơ."))
    paused_since = serializers.DateField(allow_null=True)
    extension_count = serializers.IntegerField()
    extended_days = serializers.IntegerField()
