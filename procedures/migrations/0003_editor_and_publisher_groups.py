"""The two admin roles, with least privilege.

Editor: prepares drafts and reads the manual in the admin. Publisher: also approves and
publishes drafts and releases, manages releases and may discard drafts. Neither may change or
delete a published version: nobody can (the admin offers no way to).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    "view_chapter",
    "view_chapterversion",
    "view_part",
    "view_release",
    "view_draft",
    "add_draft",
    "change_draft",
]
PUBLISHER = EDITOR + [
    "publish_draft",
    "delete_draft",
    "add_release",
    "change_release",
]
GROUPS = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="procedures", codename__in=codenames
        )
        found = set(permissions.values_list("codename", flat=True))
        missing = set(codenames) - found
        if missing:
            raise RuntimeError(f"permissions not found for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_drafts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
