"""Background work of the audit trail: checking the chain every day."""

from __future__ import annotations

import logging

from django_tasks import task

from tipoff.audit.services import audit_head, audit_verify

logger = logging.getLogger(__name__)


@task()
def chain_verify() -> dict[str, object]:
    """Walk the chain; a broken link is logged as an error (alert on it)."""
    problem = audit_verify()
    seq, digest = audit_head()
    if problem is not None:
        logger.error("audit chain broken at event %d: %s", problem.seq, problem.reason)
        return {"ok": False, "seq": problem.seq, "reason": problem.reason}
    return {"ok": True, "head_seq": seq, "head_hash": digest}
