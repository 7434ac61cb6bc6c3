from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksLifecycleConfig(AppConfig):
    name = "tasks_lifecycle"
    verbose_name = _("Nhiệm vụ khoa học và công nghệ")
