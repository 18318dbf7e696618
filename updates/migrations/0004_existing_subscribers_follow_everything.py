"""Everyone who subscribed before there was a choice signed up for every release: they keep
getting every one. New subscribers choose (the field's default is False)."""

from django.db import migrations


def follow_everything(apps, schema_editor):
    apps.get_model("updates", "Subscriber").objects.update(whole_manual=True)


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0003_choices"),
    ]

    operations = [
        migrations.RunPython(follow_everything, migrations.RunPython.noop),
    ]
