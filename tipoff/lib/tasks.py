"""Enqueueing background tasks so that they exist exactly when the rows they are about do."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def enqueue_with_transaction(enqueue: Callable[[], None]) -> None:
    """Enqueue a follow-up task as part of the current transaction.

    With the database task backend the task is a row in the same database, so it
    is written inside the transaction: both commit or neither. (After the commit
    instead, a crash in between — the crash test kills app servers with SIGKILL —
    left a stored report whose staff were never told, or a receipt never sent.)
    Any other backend runs or sends its tasks at once, so those are enqueued after
    the commit.
    """
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if isinstance(task_backends["default"], DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)
