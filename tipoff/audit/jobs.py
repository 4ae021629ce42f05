"""Periodic work of the audit trail, run by the scheduler (``manage.py scheduler``)."""

from tipoff.audit.tasks import chain_verify

JOBS = [("chain_verify", 24 * 3600, chain_verify)]
