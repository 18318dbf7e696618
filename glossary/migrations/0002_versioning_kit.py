"""Glossary entries on the versioning kit (procedures.versioning): each version's interval
(valid until the next version's effective date), its kind of change (a withdrawn entry is a
withdrawal, as for chapters, instead of a flag of its own), a review date or the reason for
none, the file it came from and who published it."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


def intervals_and_changes(apps, schema_editor):
    EntryVersion = apps.get_model("glossary", "EntryVersion")
    previous = None
    for version in EntryVersion.objects.order_by("entry_id", "number"):
        if version.withdrawn:
            version.change = "withdrawn"
        else:
            version.change = "new" if version.number == 1 else "updated"
        version.source_file = "glossary.yaml"
        version.save(update_fields=["change", "source_file"])
        if previous is not None and previous.entry_id == version.entry_id:
            EntryVersion.objects.filter(pk=previous.pk).update(valid_until=version.effective_date)
        previous = version


def withdrawn_flags(apps, schema_editor):
    EntryVersion = apps.get_model("glossary", "EntryVersion")
    EntryVersion.objects.filter(change="withdrawn").update(withdrawn=True)


def version_constraints(name, scope):
    F = django.db.models.expressions.F
    keys = [F(field) for field in scope]
    return [
        models.UniqueConstraint(*keys, F("number"), name=f"{name}_unique_number"),
        models.UniqueConstraint(
            *keys, condition=models.Q(valid_until__isnull=True), name=f"{name}_one_open_ended"
        ),
        models.CheckConstraint(
            condition=models.Q(valid_until__isnull=True)
            | models.Q(valid_until__gte=F("effective_date")),
            name=f"{name}_interval_runs_forwards",
        ),
        models.CheckConstraint(condition=models.Q(number__gte=1), name=f"{name}_number_positive"),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="entryversion", name="unique_glossary_version"),
        migrations.RemoveConstraint(model_name="entryversion", name="glossary_version_positive"),
        migrations.AddField(
            model_name="entryversion",
            name="change",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("updated", "Updated"),
                    ("minor", "Minor correction"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="updated",
                max_length=12,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entryversion",
            name="valid_until",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="entryversion",
            name="review_date",
            field=models.DateField(blank=True, null=True, verbose_name="next review"),
        ),
        migrations.AddField(
            model_name="entryversion",
            name="no_review_reason",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entryversion",
            name="source_file",
            field=models.CharField(blank=True, default="", max_length=500),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entryversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(intervals_and_changes, withdrawn_flags),
        migrations.RemoveField(model_name="entryversion", name="withdrawn"),
        *[
            migrations.AddConstraint(model_name="entryversion", constraint=constraint)
            for constraint in version_constraints("glossary_version", ("entry",))
        ],
    ]
