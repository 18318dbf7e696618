from django.contrib.auth.management import create_permissions
from django.db import migrations

# The procedures managers read problem reports and the reading figures; editors do not.
CODENAMES = ["view_feedback", "view_weeklyreads"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="feedback", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name="Publisher"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_reports_and_figures"),
        ("procedures", "0003_editor_and_publisher_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
