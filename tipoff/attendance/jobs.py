"""Periodic work of attendance, run by the scheduler (``manage.py scheduler``)."""

from tipoff.attendance.tasks import attendance_housekeeping

JOBS = [("housekeeping", 3600, attendance_housekeeping)]
