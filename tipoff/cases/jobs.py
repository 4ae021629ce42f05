"""Periodic work of case handling, run by the scheduler (``manage.py scheduler``)."""

from tipoff.cases.tasks import deadline_reminders

# Each case is mailed at most once a day, so an hourly run only catches new ones sooner.
JOBS = [("deadline_reminders", 3600, deadline_reminders)]
