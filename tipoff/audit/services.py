"""Appending to and verifying the audit chain.

Each event's hash covers its own fields and the previous event's hash, so
altering, removing or inserting a row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipoff.audit.models import AuditEvent, AuditHead


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "body": event.body_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    body_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user or None for the system."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=user,
            actor_label=str(user) if user else "system",
            action=action,
            body_id=body_id,
            object_type=object_type,
            object_id=object_id,
            # Round-trip through JSON so the hash is over what the DB returns.
            details=json.loads(json.dumps(details or {}, default=str)),
            prev_hash=head.last_hash,
        )
        event.hash = _digest(event.prev_hash, _fields(event))
        event.save()
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def audit_verify(*, anchors: dict[int, str] | None = None) -> ChainProblem | None:
    """Walk the chain; return the first broken link, or None if it is whole.

    The chain has no secret, so someone who can write to the database could
    recompute every hash after a change. ``anchors`` (``{seq: hash}`` noted
    from an earlier run and kept elsewhere) close that gap: a rewritten chain
    no longer matches them.
    """
    anchors = anchors or {}
    prev_hash = "0" * 64
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainProblem(
                expected_seq, f"event {expected_seq} is missing (found {event.seq})"
            )
        if event.prev_hash != prev_hash:
            return ChainProblem(
                event.seq, "does not follow the previous event (removed or inserted row)"
            )
        if _digest(prev_hash, _fields(event)) != event.hash:
            return ChainProblem(event.seq, "contents were altered")
        if event.seq in anchors and anchors[event.seq] != event.hash:
            return ChainProblem(
                event.seq, "does not match the anchor recorded earlier (the chain was rewritten)"
            )
        prev_hash = event.hash
        expected_seq += 1
    last = expected_seq - 1
    missing_anchor = [seq for seq in anchors if seq > last]
    if missing_anchor:
        return ChainProblem(min(missing_anchor), "an anchored event is gone (events were removed)")
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, "0" * 64)
    if head_seq > last:
        return ChainProblem(last + 1, "events after this point were removed")
    if head_seq < last:
        return ChainProblem(head_seq + 1, "was added outside the audit service (inserted row)")
    if head_hash != prev_hash:
        return ChainProblem(last, "the last event was altered or replaced")
    return None


def audit_head() -> tuple[int, str]:
    """The newest event's number and hash: note them somewhere safe to anchor later checks."""
    head = AuditHead.objects.filter(pk=1).first()
    return (head.last_seq, head.last_hash) if head else (0, "0" * 64)
