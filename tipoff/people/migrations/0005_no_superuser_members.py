"""Members of a body are never Django superusers or admin staff any more.

Until now ``body_create`` made each body's first administrator a superuser,
which let them into every body's objects through Django's admin. Body
administrators now configure their body in the office's settings pages;
Django's admin is for platform operators (no body, ``manage.py operator_create``).
"""

from django.db import migrations


def demote(apps, schema_editor):
    User = apps.get_model("people", "User")
    User.objects.filter(body__isnull=False).update(is_superuser=False, is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_districts")]

    operations = [migrations.RunPython(demote, migrations.RunPython.noop)]
