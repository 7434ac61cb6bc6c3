from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView

from workflows.roles import is_staff_member

from .models import Notification
from .services import notification_mark_read


class InboxView(LoginRequiredMixin, ListView):
    """The signed-in user's in-app notifications, newest first."""

    template_name = "notifications/inbox.html"
    paginate_by = 30
    context_object_name = "notifications"

    def get_template_names(self):
        # staff read their notifications inside the staff site's frame
        if is_staff_member(self.request.user):
            return ["workflows/notification_list.html"]
        return [self.template_name]

    def get_queryset(self):
        return Notification.objects.filter(
            recipient=self.request.user, channel=Notification.Channel.IN_APP
        ).order_by("-created_at", "-id")


class MarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        try:
            notification_mark_read(notification=notification, user=request.user)
        except PermissionError as exc:
            raise Http404 from exc
        return HttpResponseRedirect(notification.link or "/thong-bao/")
