"""What the conversation engine may do to the rest of tipoff, through its services."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import formats
from django.utils.translation import gettext as _

from tipoff.channels import media, submissions
from tipoff.channels.conversation.engine import MediaCounts, StatusResult, SubmitResult
from tipoff.channels.conversation.prompts import Catalogue, Choice
from tipoff.channels.models import ChannelAccount, Conversation, MediaStatus
from tipoff.limits import budgets
from tipoff.people.models import Body
from tipoff.people.selectors import categories_active, teams_directory, units_of
from tipoff.reports.models import Author, Report
from tipoff.reports.selectors import report_status, report_thread
from tipoff.reports.services import (
    SubmissionInvalid,
    message_post,
    report_check,
    reporter_open,
)

SHOW_MESSAGES = 5


CATALOGUE_SECONDS = 60


def catalogue_of(body: Body) -> Catalogue:
    """Categories and units for the conversation; cached briefly (they change rarely)."""
    return cache.get_or_set(  # type: ignore[return-value]
        f"channels:catalogue:{body.pk}", lambda: _catalogue(body), CATALOGUE_SECONDS
    )


def _catalogue(body: Body) -> Catalogue:
    return Catalogue(
        categories=[
            Choice(c.pk, c.name_zh, c.name_en, list(c.questions or []))
            for c in categories_active(body)
        ],
        units=[Choice(u.pk, u.name_zh, u.name_en) for u in units_of(body)],
    )


class DbPorts:
    def __init__(
        self,
        *,
        account: ChannelAccount,
        conversation: Conversation,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.account = account
        self.conversation = conversation
        self.state = dict(state or {})  # as the turn found it (restored if filing fails)
        self.stashed = False

    def _media_rows(self):
        """The files of the report being written (not those bound to one already sent)."""
        return self.conversation.media.filter(report_id__isnull=True)

    def media(self) -> MediaCounts:
        counts = MediaCounts()
        for status in self._media_rows().values_list("status", flat=True):
            if status == MediaStatus.READY:
                counts.ready += 1
            elif status == MediaStatus.PENDING:
                counts.pending += 1
            else:
                counts.failed += 1
        return counts

    def discard_media(self) -> None:
        self._media_rows().delete()

    def submit(self, draft: dict[str, Any], language: str) -> SubmitResult:
        """Check the draft and keep it with its receipt; it is filed right after the turn."""
        rows = list(self._media_rows().select_for_update())
        data = submissions.report_input(
            conversation=self.conversation, draft=draft, language=language, files=[]
        )
        try:
            report_check(data=data)
        except SubmissionInvalid as exc:
            return SubmitResult(errors=exc.errors)
        code = submissions.submission_stash(
            conversation=self.conversation, draft=draft, language=language, state=self.state
        )
        self.stashed = True
        missing = [r for r in rows if r.status in (MediaStatus.REJECTED, MediaStatus.FAILED)]
        pending = [r for r in rows if r.status == MediaStatus.PENDING]
        return SubmitResult(
            receipt=code,
            files_missing=[media.describe(r, why=True) for r in missing],
            files_pending=[media.describe(r) for r in pending],
        )

    def status(self, code: str) -> StatusResult | str | None:
        who = bytes(self.conversation.sender_lookup).hex()
        if not budgets.sender_receipt_allowed(sender=who):
            return _("Too many attempts. Please wait a while and try again.")
        # The receipt is the authority: a report forwarded to another body on this
        # deployment is still followed up on the channel it came from.
        access = reporter_open(code=code)
        if access is None:
            return None
        report = access.report
        status = report_status(report)
        lines = [
            _("Report received on %(date)s.")
            % {"date": formats.date_format(report.received_at, "DATE_FORMAT")},
            _("Status") + f": {status.label}",
            status.explanation,
            *status.details,
        ]
        thread = report_thread(report=report, data_key=access.data_key)
        if thread:
            lines.append(_("Messages:"))
            for item in thread[-SHOW_MESSAGES:]:
                who_wrote = _("Inspectors") if item.message.author == Author.STAFF else _("You")
                when = formats.date_format(item.message.created_at, "SHORT_DATE_FORMAT")
                lines.append(f"[{when}] {who_wrote}: {item.text}")
        else:
            lines.append(_("No messages from the inspectors yet."))
        return StatusResult(lines=lines, report_id=report.pk, key_hex=access.data_key.hex())

    def post_reply(self, report_id: int, key_hex: str, text: str) -> str | None:
        # The id comes from this conversation's own state, set when the receipt opened it.
        report = Report.objects.filter(pk=report_id).first()
        if report is None:
            return _("No report matches this receipt. Please check the digits.")
        try:
            message_post(
                report=report, data_key=bytes.fromhex(key_hex), text=text, author=Author.REPORTER
            )
        except SubmissionInvalid as exc:
            return " ".join(m for msgs in exc.errors.values() for m in msgs)
        return None

    def teams(self) -> str:
        blocks = [_("Inspection teams:")]
        for team in teams_directory(self.account.body):
            lines = [team.name()]
            if team.jurisdiction():
                lines.append(_("Jurisdiction") + f": {team.jurisdiction()}")
            if team.phone:
                lines.append(_("Phone") + f": {team.phone}")
            if team.address():
                lines.append(_("Address") + f": {team.address()}")
            if team.hours():
                lines.append(_("Opening hours") + f": {team.hours()}")
            blocks.append("\n".join(lines))
        if len(blocks) == 1:
            blocks.append(_("No teams have been published yet."))
        return "\n\n".join(blocks)
