"""Each case gets its own key, sealed to its body (no secret is needed to do that).

Notes, files and decisions written so far were encrypted with one report's
key; they keep a pointer to that report (``legacy_report``) until the office
re-encrypts them under the case key, the first time the case is read with
the body key.
"""

import django.db.models.deletion
from django.db import migrations, models

from tipoff.lib import crypto


def give_keys(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(sealed_key=b"").select_related("body").iterator():
        case.sealed_key = crypto.seal(bytes(case.body.public_key), crypto.random_key())
        case.save(update_fields=["sealed_key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_handling"), ("reports", "0002_district_from_list")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sealed_key",
            field=models.BinaryField(default=b"", editable=False),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
    ] + [
        op
        for model in ("casenote", "casefile", "decision")
        for op in (
            migrations.RenameField(model, "report", "legacy_report"),
            migrations.AlterField(
                model_name=model,
                name="legacy_report",
                field=models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+",
                    to="reports.report",
                ),
            ),
        )
    ]
