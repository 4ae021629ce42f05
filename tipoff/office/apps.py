from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "tipoff.office"
    label = "office"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from tipoff.office.index import segments_rekey
        from tipoff.people.services import body_key_mover_register

        # Key rotation (tipoff/ops/rotation.py) may not import office: it calls this.
        body_key_mover_register(name="search_segments", mover=segments_rekey)
