"""What the audit trail's codes mean, in words people read.

Events are stored with stable codes (``case.read``, ``staff.sign_in``) and a
small JSON object of details, because the hash chain is over what is stored
and codes do not change with the language. Pages and exports show them
through here: every code has a label, every detail key has a label, and
details become ``label: value`` lines, never a Python ``repr``.

A test reads the code base for every code written to the trail and fails
when one has no label here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The first part of a code, for filtering a whole family at once.
FAMILY_LABELS: dict[str, Promise] = {
    "case": _("Case handling"),
    "staff": _("Staff accounts and sign-in"),
    "config": _("Configuration"),
    "channel": _("Channels"),
    "attendance": _("Attendance"),
    "audit": _("Audit trail"),
    "queue": _("Queues"),
    "body": _("Body keys"),
    "retention": _("Retention"),
    "notice": _("Notices of typical cases"),
    "server_key": _("Server keys"),
}

ACTION_LABELS: dict[str, Promise] = {
    # Reading and working on a case.
    "case.read": _("Read a case's contents"),
    "case.read_refused_conflict": _("Case not shown (conflict of interest)"),
    "case.evidence_read": _("Downloaded evidence"),
    "case.evidence_previewed": _("Viewed evidence in the browser"),
    "case.evidence_thumbnail": _("Saw the thumbnail of an evidence photo"),
    "case.file_read": _("Downloaded an internal file"),
    "case.file_added": _("Added an internal file"),
    "case.note_added": _("Added an internal note"),
    "case.message_sent": _("Sent a message to the reporter"),
    "case.exported_pdf": _("Exported the PDF dossier"),
    "case.search": _("Searched the contents of cases"),
    "case.duplicates_checked": _("Looked for duplicate reports"),
    # The case's history (the same facts as the case page's timeline).
    "case.accept": _("Accepted the report"),
    "case.reject": _("Did not accept the report"),
    "case.forward": _("Forwarded the report to another body"),
    "case.merge": _("Merged into another case"),
    "case.assign": _("Assigned the case"),
    "case.reassign": _("Changed the assignment"),
    "case.unassign": _("Handed the case back to be assigned again"),
    "case.start": _("Started the investigation"),
    "case.propose": _("Proposed a decision"),
    "case.approve": _("Approved the decision"),
    "case.return": _("Returned the proposed decision for more work"),
    "case.close": _("Closed the case"),
    "case.reopen": _("Reopened the case"),
    "case.deadline_extended": _("Extended the deadline"),
    "case.excluded": _("Excluded a staff member (conflict of interest)"),
    "case.exclusion_lifted": _("Lifted an exclusion"),
    "case.merged_in": _("Another case was merged into this one"),
    "case.forwarded_in": _("Received a report forwarded by another body"),
    "case.files_not_received": _("Files the reporter sent could not be received"),
    # Staff accounts.
    "staff.sign_in": _("Signed in"),
    "staff.sign_in_failed": _("Sign-in failed (password)"),
    "staff.totp_failed": _("Sign-in failed (verification code)"),
    "staff.sign_in_failures_notice": _("Warned about repeated failed sign-ins"),
    "staff.failures_cleared": _("Cleared failed sign-ins"),
    "staff.sign_out": _("Signed out"),
    "staff.sign_out_everywhere": _("Signed out on every device"),
    "staff.totp_enrolled": _("Set up the second factor"),
    "staff.totp_reset": _("Reset a second factor"),
    "staff.invited": _("Added a staff member"),
    "staff.setup": _("Set a password from the set-up link"),
    "staff.updated": _("Changed a staff member"),
    "staff.deactivated": _("Deactivated a staff member"),
    "staff.key_granted": _("Granted access to reports"),
    "staff.password_changed": _("Changed their password"),
    "staff.password_recovered": _("Recovered a password with the recovery key"),
    # Configuration.
    "config.created": _("Added a configuration entry"),
    "config.changed": _("Changed a configuration entry"),
    "config.deleted": _("Deleted a configuration entry"),
    "config.deadlines": _("Changed the deadlines"),
    "config.sanction_added": _("Added a measure"),
    "config.sanction_toggled": _("Switched a measure on or off"),
    "channel.account_created": _("Added a channel account"),
    "channel.credentials_replaced": _("Replaced a channel account's credentials"),
    "body.key_rotated": _("Replaced the body key"),
    "server_key.rotated": _("Replaced a server key (channels or attendance)"),
    "notice.drafted": _("Drafted a notice of a typical case"),
    "notice.edited": _("Edited a notice draft"),
    "notice.submitted": _("Submitted a notice for approval"),
    "notice.approved": _("Approved and published a notice"),
    "notice.returned": _("Returned a notice to its drafter"),
    "notice.withdrawn": _("Withdrew a published notice"),
    "retention.purge": _("Deleted a closed case after the retention period"),
    "queue.exported_csv": _("Exported a queue as CSV"),
    "audit.viewed": _("Viewed the audit trail"),
    "audit.exported_csv": _("Exported the audit trail as CSV"),
    # Attendance.
    "attendance.site.save": _("Saved an attendance site"),
    "attendance.schedule.save": _("Saved a schedule"),
    "attendance.calendar.add": _("Added a calendar day"),
    "attendance.calendar.delete": _("Deleted a calendar day"),
    "attendance.kiosk.add": _("Added a kiosk"),
    "attendance.kiosk.pairing_code": _("Made a kiosk pairing code"),
    "attendance.kiosk.paired": _("Paired a kiosk"),
    "attendance.kiosk.unpair": _("Unpaired a kiosk"),
    "attendance.employee.save": _("Saved an employee"),
    "attendance.employee.move": _("Moved an employee to another site"),
    "attendance.employee.pin": _("Set an employee's PIN"),
    "attendance.enrollment.code": _("Made an enrollment code"),
    "attendance.enrollment.create": _("Enrolled a face"),
    "attendance.consent.record": _("Recorded consent"),
    "attendance.consent.withdraw": _("Withdrew consent"),
    "attendance.punch.add": _("Added a check-in or check-out by hand"),
    "attendance.record.correct": _("Corrected a day's record"),
    "attendance.leave.add": _("Added leave"),
    "attendance.leave.delete": _("Deleted leave"),
    "attendance.referral.create": _("Referred lateness to the discipline body"),
    "attendance.snapshot.view": _("Viewed a kiosk snapshot"),
    "attendance.attempt.confirmed": _("Confirmed a kiosk attempt"),
    "attendance.attempt.dismissed": _("Dismissed a kiosk attempt"),
}

DETAIL_LABELS: dict[str, Promise] = {
    "state": _("state"),
    "drafted_by": _("drafted by"),
    "accounts": _("channel accounts"),
    "conversations": _("conversations"),
    "media": _("media waiting"),
    "outbox": _("replies waiting"),
    "dropped_hashes": _("delivery records dropped"),
    "enrollments": _("face enrolments"),
    "snapshots": _("snapshots"),
    "codes_dropped": _("enrolment codes dropped"),
    "pairings_dropped": _("pairing codes dropped"),
    "action": _("action"),
    "active": _("active"),
    "after": _("after"),
    "assignee": _("inspector"),
    "at": _("time"),
    "before": _("before"),
    "by": _("by"),
    "case": _("case"),
    "case_files": _("internal files"),
    "cases": _("cases"),
    "code": _("code"),
    "compared": _("compared"),
    "conclude_days": _("days to conclude"),
    "acknowledge_days": _("days to acknowledge"),
    "date": _("date"),
    "date_from": _("from date"),
    "date_to": _("until date"),
    "day": _("day"),
    "deadline": _("deadline"),
    "decision": _("decision"),
    "decisions": _("decisions"),
    "direction": _("direction"),
    "end": _("end"),
    "evidence": _("evidence"),
    "evidence_files": _("evidence files"),
    "failures": _("failures"),
    "fields": _("fields"),
    "file": _("file"),
    "files": _("files"),
    "finding": _("finding"),
    "filters": _("filters"),
    "from": _("from"),
    "from_body": _("from body"),
    "from_case": _("from case"),
    "from_site": _("from site"),
    "grants": _("grants"),
    "how": _("how"),
    "into": _("into case"),
    "keys_unlocked": _("keys unlocked"),
    "kind": _("kind"),
    "matched": _("matched"),
    "matches": _("matches"),
    "message": _("message"),
    "model": _("kind of entry"),
    "month": _("month"),
    "name_en": _("name (English)"),
    "name_zh": _("name (Chinese)"),
    "new": _("new"),
    "note": _("note"),
    "notes": _("notes"),
    "old": _("old"),
    "person": _("person"),
    "photos": _("photos"),
    "preview": _("preview"),
    "previous_assignee": _("previous inspector"),
    "previous_team": _("previous team"),
    "queue": _("queue"),
    "reason": _("reason"),
    "renewed": _("renewed"),
    "report": _("report"),
    "reports": _("reports"),
    "role": _("role"),
    "rows": _("rows"),
    "sanctions": _("measures"),
    "searched": _("searched"),
    "start": _("start"),
    "suggested": _("suggested"),
    "team": _("team"),
    "templates_deleted": _("face templates deleted"),
    "to": _("to"),
    "to_body": _("to body"),
    "to_case": _("to case"),
    "to_site": _("to site"),
    "user": _("staff member"),
    "verify": _("chain checked"),
    "version": _("version"),
    "via": _("via"),
}


def action_label(code: str) -> str:
    """The label of an action code; an unknown code (an old one, say) is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def family_label(family: str) -> str:
    label = FAMILY_LABELS.get(family)
    return str(label) if label is not None else family


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


# Turns a detail's value into words; given the key so ids can become names.
ValueText = Callable[[str, Any], str | None]


def value_text(value: Any, *, key: str = "", resolve: ValueText | None = None) -> str:
    if resolve is not None and not isinstance(value, (dict, list)):
        named = resolve(key, value)
        if named is not None:
            return named
    if value is None or value == "":
        return "—"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list):
        return ", ".join(value_text(v, key=key, resolve=resolve) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(
            f"{detail_label(str(k))} {value_text(v, key=str(k), resolve=resolve)}"
            for k, v in value.items()
        )
    return str(value)


def detail_lines(
    details: Mapping[str, Any] | None, *, resolve: ValueText | None = None
) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for an event's details, in the reader's language.

    Empty values (no reason given, no filter used) are left out.
    """
    if not isinstance(details, Mapping):
        return [] if details in (None, "") else [(gettext("details"), str(details))]
    return [
        (detail_label(str(key)), value_text(value, key=str(key), resolve=resolve))
        for key, value in details.items()
        if value not in (None, "", [], {})
    ]
