"""Publishers read the audit trail (who published, discarded or rebased what, and when)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="procedures", codename="view_auditentry"
    )
    for group in Group.objects.filter(name="Publisher"):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_audit_entries")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
