"""Nothing of attendance is in Django's admin.

Employees, their check-ins, daily records, leave and face templates are
personal records of one body: its administrators manage them at
``/attendance/``, where every page is limited to their body and every change
is audited. Django's admin is for platform operators (``people.admin``), who
look after configuration and have no business with staff records.
"""
