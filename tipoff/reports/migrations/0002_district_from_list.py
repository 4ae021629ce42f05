"""A report's district is a row of the body's list, never free text in clear.

Existing free-text districts that name a district of the list point at it;
any other text (whatever a reporter typed) is sealed to the body's public key
in ``legacy_district``, readable by staff like the rest of the report, and
removed from the clear column.
"""

import django.db.models.deletion
from django.db import migrations, models

from tipoff.lib import crypto


def to_rows(apps, schema_editor):
    District = apps.get_model("people", "District")
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.exclude(legacy_text="").select_related("body"):
        text = report.legacy_text.strip()
        match = District.objects.filter(body_id=report.body_id).filter(
            models.Q(name_zh=text) | models.Q(name_en__iexact=text)
        ).first()
        report.district = match
        if match is None and text:
            report.legacy_district = crypto.seal(bytes(report.body.public_key), text.encode())
        report.save(update_fields=["district", "legacy_district"])


def to_text(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.exclude(district=None).select_related("district"):
        report.legacy_text = report.district.name_zh[:100]
        report.save(update_fields=["legacy_text"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("people", "0004_districts")]

    operations = [
        migrations.RenameField("report", "district", "legacy_text"),
        migrations.AddField(
            model_name="report",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reports",
                to="people.district",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="legacy_district",
            field=models.BinaryField(blank=True, default=b"", editable=False),
        ),
        migrations.RunPython(to_rows, to_text),
        migrations.RemoveField("report", "legacy_text"),
    ]
