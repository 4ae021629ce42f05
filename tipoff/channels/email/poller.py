"""Polling a mailbox over IMAP: new messages by UID, each one a conversation turn.

The account's cursor remembers UIDVALIDITY and the last UID handled, so each
message is read once; the Message-ID de-duplicates what a UIDVALIDITY reset or
a resent copy would bring again. Attachments become the report's evidence;
quoted earlier replies are cut off so only what the reporter wrote counts.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError, MailboxLoginError

from tipoff.channels.accounts import credentials_of
from tipoff.channels.conversation.engine import Incoming
from tipoff.channels.email import reading
from tipoff.channels.email.client import SUBJECT
from tipoff.channels.media import MediaRef
from tipoff.channels.models import ChannelAccount, Kind
from tipoff.channels.outbox import outbox_queue
from tipoff.channels.services import conversation_handle

BATCH = 50
MAX_ATTACHMENTS = 10

logger = logging.getLogger(__name__)


def _automatic(message: MailMessage) -> bool:
    """Auto-replies and bounces: answering them would start a mail loop."""
    auto = (message.headers.get("auto-submitted") or ("no",))[0].strip().lower()
    precedence = (message.headers.get("precedence") or ("",))[0].strip().lower()
    return auto != "no" or precedence in ("bulk", "junk", "auto_reply", "list")


def _forged(message: MailMessage) -> bool:
    """The receiving server found the sender's domain does not vouch for it (DMARC failed)."""
    results = " ".join(message.headers.get("authentication-results", ())).lower()
    return "dmarc=fail" in results


def _kind(content_type: str) -> str:
    major = content_type.split("/", 1)[0]
    return {"image": "image", "audio": "voice", "video": "video"}.get(major, "document")


def _mailbox(creds: dict[str, str]) -> MailBox | MailBoxUnencrypted | MailBoxStartTls:
    security = creds.get("imap_security", "ssl")
    host = creds["imap_host"]
    if security == "none":
        return MailBoxUnencrypted(host, int(creds.get("imap_port") or 143), timeout=30)
    if security == "starttls":
        return MailBoxStartTls(host, int(creds.get("imap_port") or 143), timeout=30)
    return MailBox(host, int(creds.get("imap_port") or 993), timeout=30)


def _thread(message: MailMessage, subject: str) -> dict[str, str]:
    """What an answer needs to join the writer's thread (In-Reply-To, References, subject)."""
    message_id = (message.headers.get("message-id") or ("",))[0].strip()
    references = " ".join(message.headers.get("references", ())).split()
    if not references:
        references = (message.headers.get("in-reply-to") or ("",))[0].split()
    return {
        "message_id": message_id,
        "references": " ".join([*references[-10:], message_id]).strip(),
        "subject": subject,
    }


def message_handle(*, account: ChannelAccount, message: MailMessage, uid_key: str) -> None:
    sender = reading.sender_address(message.obj)
    if not sender or sender == credentials_of(account)["address"].lower() or _automatic(message):
        return
    if _forged(message):
        # Someone else's address: it must not continue (or start) that person's conversation.
        return
    message_id = (message.headers.get("message-id") or ("",))[0].strip()
    subject = reading.header_text(message.obj.get("Subject"))
    title = reading.subject_text(subject, ours=SUBJECT)
    reply = reading.is_reply(message.obj, subject)
    text = reading.message_text(message.obj, reply=reply)
    if not text and not reply:
        text = title  # a new mail with only a subject (and files): the subject tells the story
    refs = [
        MediaRef(_kind(attachment.content_type), data=attachment.payload)
        for attachment in list(message.attachments)[:MAX_ATTACHMENTS]
    ]
    # The whole message is one turn: a first e-mail with a story and photos starts the report
    # with all of them.
    turn = conversation_handle(
        account=account,
        sender=sender,
        incoming=Incoming(text=text[:6000], title=title if text != title else ""),
        dedupe_key=f"mail:{message_id or uid_key}",
        media_refs=refs,
    )
    if turn.duplicate:
        return
    outbox_queue(
        account=account, recipient=sender, texts=turn.replies, thread=_thread(message, subject)
    )


def mailbox_poll(account: ChannelAccount) -> int:
    """Handle the mailbox's new messages; returns how many were read."""
    creds = credentials_of(account)
    handled = 0
    try:
        with _mailbox(creds).login(
            creds["imap_user"], creds["imap_password"], initial_folder="INBOX"
        ) as box:
            status = box.folder.status("INBOX")
            validity = int(status.get("UIDVALIDITY", 0))
            cursor = dict(account.cursor or {})
            last = int(cursor.get("last_uid", 0)) if cursor.get("uidvalidity") == validity else 0
            for message in box.fetch(
                AND(uid=f"{last + 1}:*"), mark_seen=True, limit=BATCH, bulk=True
            ):
                uid = int(message.uid or 0)
                if uid <= last:
                    continue  # "n:*" always returns the newest message, even when it is older
                try:
                    message_handle(
                        account=account, message=message, uid_key=f"uid:{validity}:{uid}"
                    )
                except DatabaseError:
                    raise  # the database, not the mail: read it again at the next poll
                except Exception as exc:
                    # One mail that cannot be read must not block every mail after it. Only
                    # where it is and what failed are logged: never its contents or its sender.
                    logger.error(
                        "E-mail account %s: message uid %s not read (%s)",
                        account.pk,
                        uid,
                        type(exc).__name__,
                    )
                last = max(last, uid)
                handled += 1
                account.cursor = {"uidvalidity": validity, "last_uid": last}
                account.save(update_fields=["cursor"])
    except MailboxLoginError as exc:
        raise ConnectionError("IMAP login refused") from exc
    return handled


def mailboxes_poll() -> int:
    """Poll every active mailbox; one that cannot be reached does not hold up the others
    (the run still fails afterwards, so the task shows it)."""
    total, failed = 0, []
    accounts = ChannelAccount.objects.filter(kind=Kind.EMAIL, active=True).order_by("pk")
    for account in accounts.select_related("body"):
        try:
            total += mailbox_poll(account)
        except (OSError, ConnectionError, ImapToolsError) as exc:
            logger.error("E-mail account %s not polled (%s)", account.pk, type(exc).__name__)
            failed.append(account.pk)
    if failed:
        raise ConnectionError(f"e-mail accounts not polled: {failed}")
    return total
