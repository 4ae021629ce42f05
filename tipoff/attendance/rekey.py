"""Seal attendance's secrets again under a new ``ATTENDANCE_KEY`` (key rotation).

Run by ``manage.py key_rotate ATTENDANCE_KEY`` after the environment holds the
new value: face templates and review snapshots are opened with the previous
value and sealed with the new one in one transaction, so a wrong previous
value changes nothing and nobody has to enroll again. Pairing and enrollment
codes live minutes and are kept only as keyed hashes: pending ones are
dropped (an administrator issues a new code). Paired kiosks keep working —
their device tokens are not keyed.
"""

from __future__ import annotations

from django.db import transaction

from tipoff.attendance.models import Attempt, Enrollment, EnrollmentCode, Kiosk
from tipoff.attendance.sealed import ATTENDANCE_KEY, template_label
from tipoff.lib.vault import KeptKey


@transaction.atomic
def attendance_rekey(old: KeptKey) -> dict[str, int]:
    """Re-seal under the current ``ATTENDANCE_KEY``; raises ``DecryptionError`` if ``old`` is wrong."""
    counts = {"enrollments": 0, "snapshots": 0}
    for row in Enrollment.objects.select_for_update().order_by("pk"):
        row.template = ATTENDANCE_KEY.reseal(
            old, row.template, label=template_label(row.employee_id, row.site_id, "template")
        )
        row.embeddings = ATTENDANCE_KEY.reseal(
            old, row.embeddings, label=template_label(row.employee_id, row.site_id, "embeddings")
        )
        row.save(update_fields=["template", "embeddings"])
        counts["enrollments"] += 1
    for attempt in Attempt.objects.select_for_update().exclude(snapshot=None).order_by("pk"):
        attempt.snapshot = ATTENDANCE_KEY.reseal(
            old, attempt.snapshot, label=f"attendance:snapshot:{attempt.key}"
        )
        attempt.save(update_fields=["snapshot"])
        counts["snapshots"] += 1
    counts["codes_dropped"] = EnrollmentCode.objects.all().delete()[0]
    counts["pairings_dropped"] = Kiosk.objects.exclude(pairing_code_hash="").update(
        pairing_code_hash="", pairing_expires_at=None
    )
    return counts
