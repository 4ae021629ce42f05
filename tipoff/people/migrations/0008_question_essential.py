"""Extra questions: ``required`` becomes ``essential``.

The flag keeps its value (a body that ticked it meant it), but its meaning is
narrower: only an essential question must be answered, and "I don't know"
always counts as an answer, so no extra question blocks a report any more.
"""

from django.db import migrations


def _renamed(questions, old, new):
    changed = False
    for question in questions or []:
        if isinstance(question, dict) and old in question:
            question[new] = bool(question.pop(old))
            changed = True
    return changed


def forwards(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    for category in Category.objects.all():
        if _renamed(category.questions, "required", "essential"):
            category.save(update_fields=["questions"])


def backwards(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    for category in Category.objects.all():
        if _renamed(category.questions, "essential", "required"):
            category.save(update_fields=["questions"])


class Migration(migrations.Migration):
    dependencies = [("people", "0007_body_retention_days")]

    operations = [migrations.RunPython(forwards, backwards)]
