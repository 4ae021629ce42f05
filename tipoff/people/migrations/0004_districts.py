"""Districts become a list per body: units and teams point at its rows.

Free-text district names on units and teams become rows of the new list (one
per distinct name and body), so nothing is lost.
"""

import django.db.models.deletion
from django.db import migrations, models


def to_rows(apps, schema_editor):
    District = apps.get_model("people", "District")
    Unit = apps.get_model("people", "Unit")
    Team = apps.get_model("people", "Team")
    rows: dict[tuple[int, str], object] = {}

    def row(body_id: int, name: str):
        name = name.strip()[:200]
        if not name:
            return None
        if (body_id, name) not in rows:
            rows[(body_id, name)] = District.objects.create(
                body_id=body_id, name_zh=name, name_en=name, order=len(rows)
            )
        return rows[(body_id, name)]

    for unit in Unit.objects.all():
        unit.district = row(unit.body_id, unit.legacy_district)
        unit.save(update_fields=["district"])
    for team in Team.objects.all():
        found = [row(team.body_id, part) for part in team.legacy_districts.split(",")]
        team.districts.set([d for d in found if d is not None])


def to_text(apps, schema_editor):
    Unit = apps.get_model("people", "Unit")
    Team = apps.get_model("people", "Team")
    for unit in Unit.objects.select_related("district"):
        unit.legacy_district = unit.district.name_zh if unit.district else ""
        unit.save(update_fields=["legacy_district"])
    for team in Team.objects.all():
        team.legacy_districts = ",".join(d.name_zh for d in team.districts.all())[:400]
        team.save(update_fields=["legacy_districts"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_no_lockout")]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name_zh", models.CharField(max_length=200, verbose_name="name (Chinese)")),
                ("name_en", models.CharField(max_length=200, verbose_name="name (English)")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="districts",
                        to="people.body",
                    ),
                ),
            ],
            options={
                "verbose_name": "district",
                "verbose_name_plural": "districts",
                "ordering": ["body", "order", "name_zh"],
                "constraints": [
                    models.UniqueConstraint(fields=("body", "name_zh"), name="district_name_per_body")
                ],
            },
        ),
        migrations.RenameField("unit", "district", "legacy_district"),
        migrations.RenameField("team", "districts", "legacy_districts"),
        migrations.AddField(
            model_name="unit",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="units",
                to="people.district",
                verbose_name="district",
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="districts",
            field=models.ManyToManyField(
                blank=True, related_name="teams", to="people.district", verbose_name="districts"
            ),
        ),
        migrations.RunPython(to_rows, to_text),
        migrations.RemoveField("unit", "legacy_district"),
        migrations.RemoveField("team", "legacy_districts"),
    ]
