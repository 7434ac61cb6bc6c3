from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", "template"]
    search_fields = ["subject", "idempotency_key", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các thông báo không thành công"))
    def retry(self, request, queryset):
        count = 0
        for n in queryset.filter(status=Notification.Status.FAILED):
            notification_retry(notification=n)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Đã xếp lịch gửi lại %(n)d thông báo.",
                "Đã xếp lịch gửi lại %(n)d thông báo.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )
