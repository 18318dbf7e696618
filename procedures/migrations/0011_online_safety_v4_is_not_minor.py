"""Online safety version 4 (in force from 7 December 2026) adds five national reporting
routes to What to do now, but its file called it a minor correction, so it was listed as one
and announced to nobody. A change to where to report is never minor (the version rules now
refuse it): the sample content's file no longer says so, and a database that stored the
version from the old file is corrected to match, before the version takes effect. Only the
exact version the old file described is changed (its source hash), nothing else."""

from django.db import migrations

OLD_HASH = "6b45bb261d61bea8ad6eb9d8837eff19bcdfe3b41c86ab69bfa85cf0dfa88fae"
NEW_HASH = "2f94f867f54b3d9a441d78438c87989e9948ea55a246ac8490a7f69596d8ddd9"


def correct(apps, schema_editor):
    ChapterVersion = apps.get_model("procedures", "ChapterVersion")
    ChapterVersion.objects.filter(source_hash=OLD_HASH, change="minor").update(
        change="updated", source_hash=NEW_HASH
    )


def undo(apps, schema_editor):
    ChapterVersion = apps.get_model("procedures", "ChapterVersion")
    ChapterVersion.objects.filter(source_hash=NEW_HASH, change="updated").update(
        change="minor", source_hash=OLD_HASH
    )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0010_versioning_kit")]

    operations = [migrations.RunPython(correct, undo)]
