from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_manager_group(apps, schema_editor):
    """Managers read problem reports and the reading figures; no other group does."""
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Manager")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="feedback", codename__in=["view_feedback", "view_weeklyreads"]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_reports_and_figures"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_manager_group, migrations.RunPython.noop)]
