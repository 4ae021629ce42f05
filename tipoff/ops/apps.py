from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "tipoff.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from tipoff.ops import metrics

        metrics.connect_task_signals()
