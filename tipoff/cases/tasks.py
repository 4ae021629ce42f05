"""Background work of case handling (django-tasks, database backend).

``deadline_reminders`` mails the handlers of overdue and due-soon cases. Run it
periodically with ``manage.py case_reminders`` (which enqueues it; the worker
started by ``scripts/run.sh`` executes it), e.g. from cron every hour::

    0 * * * *  cd /srv/tipoff && .venv/bin/python manage.py case_reminders

Each case is mailed at most once a day, so running it more often is harmless.
"""

from __future__ import annotations

from django_tasks import task

from tipoff.cases.deadlines import reminders_send


@task()
def deadline_reminders() -> int:
    return reminders_send()
