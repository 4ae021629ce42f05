"""Operations: health and readiness, metrics, the scheduler, backup and restore.

The top of the house: it may read every app below it (``office`` excepted), and
nothing imports it; the URL map and settings name it. Periodic work belongs to
each app, which lists it in ``tipoff/<app>/jobs.py`` (``JOBS``); the scheduler
finds those modules by name.
"""
