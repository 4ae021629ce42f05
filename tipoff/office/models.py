"""The back office's own storage: the encrypted segments of each body's search index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchSegment(models.Model):
    """Index entries of a run of reports, encrypted under the body's index key.

    The index key is derived from the body's private key, which the server
    does not hold (see ``index.py``): nothing here can be read or tested
    against guesses without a staff member's key.
    """

    body = models.ForeignKey(
        "people.Body", on_delete=models.CASCADE, related_name="+", verbose_name=_("body")
    )
    first_report_id = models.BigIntegerField(_("first report id"))
    last_report_id = models.BigIntegerField(_("last report id"))
    count = models.PositiveIntegerField(_("count"))
    blob = models.BinaryField(_("blob"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("search segment")
        verbose_name_plural = _("search segments")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "first_report_id", "last_report_id"], name="one_segment_per_run"
            )
        ]
