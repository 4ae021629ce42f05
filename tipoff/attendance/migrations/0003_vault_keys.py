"""Attendance secrets move under the vault's sub-keys of ATTENDANCE_KEY.

Face templates and review snapshots were sealed under a key the attendance
app derived itself; the vault (``tipoff.lib.vault.KeptKey``) now derives
every app's keys the same way. ATTENDANCE_KEY is in the environment when
migrations run, so each value is opened the old way and sealed again. Pairing
and enrollment codes live minutes and their hashes cannot be recomputed:
pending ones are dropped (an administrator issues a new code).
"""

from django.conf import settings
from django.db import migrations

from tipoff.lib import crypto
from tipoff.lib.vault import KeptKey

NEW = KeptKey("ATTENDANCE_KEY", "attendance")


def _old_key() -> bytes:
    return crypto.keyed_hash(
        settings.ATTENDANCE_KEY.encode(),
        b"attendance templates and snapshots",
        person=b"tipoff-attend",
    )


def _reseal(blob, label: str):
    if not blob:
        return blob
    return NEW.seal(crypto.decrypt(_old_key(), bytes(blob), label=label), label=label)


def forwards(apps, schema_editor):
    if not settings.ATTENDANCE_KEY:
        return
    Enrollment = apps.get_model("attendance", "Enrollment")
    Attempt = apps.get_model("attendance", "Attempt")
    for row in Enrollment.objects.all():
        row.template = _reseal(row.template, f"attendance:template:{row.employee_id}:{row.site_id}")
        row.embeddings = _reseal(
            row.embeddings, f"attendance:embeddings:{row.employee_id}:{row.site_id}"
        )
        row.save(update_fields=["template", "embeddings"])
    for row in Attempt.objects.exclude(snapshot=None):
        row.snapshot = _reseal(row.snapshot, f"attendance:snapshot:{row.key}")
        row.save(update_fields=["snapshot"])
    apps.get_model("attendance", "EnrollmentCode").objects.all().delete()
    apps.get_model("attendance", "Kiosk").objects.update(pairing_code_hash="")


class Migration(migrations.Migration):
    dependencies = [("attendance", "0002_checkin_snapshots")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
