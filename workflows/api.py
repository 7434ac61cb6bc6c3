from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets

from . import selectors
from .api_serializers import ModelSerializer
from .models import Deadline
from .roles import is_staff_member


class IsStaffMember(permissions.BasePermission):
    message = _("Chỉ cán bộ của Sở được xem sổ theo dõi thời hạn.")

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class DeadlineSerializer(ModelSerializer):
    owner = serializers.SerializerMethodField()
    division = serializers.CharField(source="owner_division.name", default="")
    overdue_days = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "procedure_code",
            "dossier_code",
            "title",
            "due_date",
            "state",
            "paused",
            "escalation_level",
            "owner",
            "division",
            "overdue_days",
        ]

    def get_owner(self, obj) -> str:
        return str(obj.owner_user or obj.owner_group or obj.owner_division or "")

    def get_overdue_days(self, obj) -> int:
        return max(0, (timezone.localdate() - obj.due_date).days)


@extend_schema(
    parameters=[
        OpenApiParameter("view", str, enum=["overdue", "soon", "mine", "all"]),
        OpenApiParameter("procedure", str),
        OpenApiParameter("division", int),
    ]
)
class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Open obligations of the deadline ledger (staff only)."""

    serializer_class = DeadlineSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]

    def get_queryset(self):
        p = self.request.query_params
        filters = {}
        if p.get("procedure"):
            filters["procedure_code"] = p["procedure"]
        if (p.get("division") or "").isdigit():
            filters["division"] = int(p["division"])
        view = p.get("view", "all")
        if view == "overdue":
            return selectors.deadlines_overdue(**filters)
        if view == "soon":
            return selectors.deadlines_due_within(days=2, **filters)
        if view == "mine":
            return selectors.deadlines_open(owner_user=self.request.user, **filters)
        return selectors.deadlines_open(**filters)
