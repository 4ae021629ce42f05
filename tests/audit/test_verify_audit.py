"""The audit chain: any altered, removed or inserted row is found and named."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipoff.audit.models import AuditEvent, AuditHead
from tipoff.audit.services import _digest, _fields, audit_head, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _events(n: int = 5) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.event", details={"i": i}) for i in range(n)]


def _run(*args: str) -> int:
    """Run the command as the shell would; returns the exit status."""
    from unittest import mock

    from django.core.management import ManagementUtility

    # The command line closes every connection when it ends; the test database must stay open.
    with mock.patch("django.db.connections.close_all"):
        try:
            ManagementUtility(["manage.py", "verify_audit", *args]).execute()
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0


def test_intact_chain_verifies_and_prints_its_head(capsys):
    _events()
    assert audit_verify() is None
    assert _run() == 0
    seq, digest = audit_head()
    assert f"Head {seq}:{digest}" in capsys.readouterr().out


def test_empty_chain_is_intact():
    assert audit_verify() is None


def test_altered_row_is_named():
    _events()
    AuditEvent.objects.filter(seq=3).update(details={"i": 99})
    problem = audit_verify()
    assert problem is not None and problem.seq == 3 and "altered" in problem.reason
    with pytest.raises(CommandError, match="event 3"):
        call_command("verify_audit")
    assert _run() == 1


def test_altered_actor_label_is_found():
    _events()
    AuditEvent.objects.filter(seq=2).update(actor_label="someone else")
    assert audit_verify().seq == 2


def test_removed_row_is_named():
    _events()
    AuditEvent.objects.filter(seq=3).delete()
    problem = audit_verify()
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason
    assert _run() == 1


def test_removed_last_rows_are_found():
    _events()
    AuditEvent.objects.filter(seq__gte=4).delete()
    problem = audit_verify()
    assert problem is not None and problem.seq == 4 and "removed" in problem.reason


def test_row_inserted_in_the_middle_is_named():
    events = _events()
    # Make room at 3 the way a forger must (seq is unique), then insert a row
    # with plausible fields chained to event 2.
    for seq in range(5, 2, -1):
        AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
    forged = AuditEvent(
        seq=3,
        at=events[2].at,
        actor=None,
        actor_label="system",
        action="test.event",
        details={"i": "forged"},
        prev_hash=events[1].hash,
    )
    forged.hash = _digest(forged.prev_hash, _fields(forged))
    forged.save()
    problem = audit_verify()
    assert problem is not None and problem.seq == 4 and "removed or inserted" in problem.reason
    assert _run() == 1


def test_row_appended_outside_the_service_is_named():
    events = _events()
    extra = AuditEvent(
        seq=6,
        at=events[-1].at,
        actor=None,
        actor_label="system",
        action="test.x",
        prev_hash=events[-1].hash,
    )
    extra.hash = _digest(extra.prev_hash, _fields(extra))
    extra.save()
    problem = audit_verify()
    assert problem is not None and problem.seq == 6 and "inserted" in problem.reason


def test_anchor_catches_a_recomputed_chain():
    _events()
    seq, digest = audit_head()
    # Rewrite event 2 and recompute everything after it, head included.
    prev = AuditEvent.objects.get(seq=1).hash
    for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
        if event.seq == 2:
            event.details = {"i": "rewritten"}
        event.prev_hash = prev
        event.hash = _digest(prev, _fields(event))
        event.save()
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert audit_verify() is None  # undetectable without an anchor…
    problem = audit_verify(anchors={seq: digest})
    assert problem is not None and problem.seq == seq  # …caught with one
    assert _run("--anchor", f"{seq}:{digest}") == 1


def test_bad_anchor_argument_is_refused():
    assert _run("--anchor", "nonsense") == 1
    assert (
        _run("--anchor", f"1:{hashlib.sha256(b'x').hexdigest()}") == 1
    )  # anchors an event that does not exist
