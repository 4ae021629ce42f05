"""Messaging channels: one sub-package per channel, all ending in report_submit()."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "tipoff.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from tipoff.channels.models import CHANNEL_KEY

        if settings.PRODUCTION and CHANNEL_KEY.problems():
            # Refuse to start rather than encrypt channel secrets under a guessable key.
            raise ImproperlyConfigured(" ".join(CHANNEL_KEY.problems()))
        checks.register(_check_channels_key, checks.Tags.security)


def _check_channels_key(app_configs, **kwargs):
    from tipoff.channels.models import CHANNEL_KEY

    return [checks.Error(message, id="channels.E001") for message in CHANNEL_KEY.problems()]
