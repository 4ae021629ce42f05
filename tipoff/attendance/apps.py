"""App configuration for attendance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "tipoff.attendance"
    label = "attendance"
    verbose_name = _("Attendance")
