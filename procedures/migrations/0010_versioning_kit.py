"""Chapters on the versioning kit (procedures.versioning): the version rules' constraints
under the kit's names, a recorded reason for a version without a review date, and a draft's
routes (What to do now), edited in the admin like the rest of the chapter.

On SQLite, adding the draft's columns rebuilds its table, which drops the trigger that keeps
published drafts final (migration 0006): it is created again here.
"""

import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

SQLITE_DRAFT_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS procedures_draft_published_is_final
    BEFORE UPDATE ON procedures_draft
    FOR EACH ROW WHEN OLD.status = 'published'
    BEGIN
        SELECT RAISE(ABORT, 'a published draft cannot be changed');
    END
"""

CHANGE = [
    ("new", "New"),
    ("updated", "Updated"),
    ("minor", "Minor correction"),
    ("withdrawn", "Withdrawn"),
]


def keep_drafts_final(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DRAFT_TRIGGER, params=None)


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
        ("procedures", "0009_chapter_routes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="chapterversion", name="unique_version_number"),
        migrations.RemoveConstraint(
            model_name="chapterversion", name="one_open_ended_version_per_chapter"
        ),
        migrations.RemoveConstraint(
            model_name="chapterversion", name="valid_until_not_before_effective_date"
        ),
        migrations.RemoveConstraint(model_name="chapterversion", name="version_number_positive"),
        migrations.AddField(
            model_name="chapterversion",
            name="no_review_reason",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="chapterversion",
            name="change",
            field=models.CharField(choices=CHANGE, max_length=12),
        ),
        migrations.AlterField(
            model_name="chapterversion",
            name="review_date",
            field=models.DateField(blank=True, null=True, verbose_name="next review"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("publish", "Published a draft"),
                    ("release", "Published a release"),
                    ("discard", "Discarded a draft"),
                    ("rebase", "Brought a draft up to date"),
                    ("send_back", "Sent a scheduled version back for review"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="draft",
            name="no_review_reason",
            field=models.TextField(
                blank=True,
                default="",
                help_text="Only when this version should not be reviewed on a date (say why): "
                "every other version needs a next review date.",
                verbose_name="why there is no review date",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="draft",
            name="routes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Whom to call and where to report, in order: national contacts by "
                "their slug (ceop, report-remove...) and each partnership's own by kind (lado, "
                "prevent...).",
                verbose_name="What to do now: routes",
            ),
        ),
        migrations.AlterField(
            model_name="draft",
            name="authors",
            field=models.ManyToManyField(blank=True, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        *[
            migrations.AddConstraint(model_name="chapterversion", constraint=constraint)
            for constraint in version_constraints("chapter_version", ("chapter",))
        ],
        migrations.RunPython(keep_drafts_final, migrations.RunPython.noop),
    ]
