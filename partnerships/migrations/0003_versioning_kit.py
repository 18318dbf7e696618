"""Local information and contacts on the versioning kit (procedures.versioning), like
chapters: each version's interval (valid until the next version's effective date), kind of
change, review date or the reason for none. A contacts version now takes effect on a date
(those stored before took effect when they were published) and holds its own Contact rows,
so a page shows the contacts in force on its day and a changed number is on record; the rows
stored before belong to their partnership's newest version."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

CHANGE = [
    ("new", "New"),
    ("updated", "Updated"),
    ("minor", "Minor correction"),
    ("withdrawn", "Withdrawn"),
]


def backfill(apps, schema_editor):
    LocalInformation = apps.get_model("partnerships", "LocalInformation")
    ContactsVersion = apps.get_model("partnerships", "ContactsVersion")
    Contact = apps.get_model("partnerships", "Contact")
    now = timezone.now()
    LocalInformation.objects.filter(published_at__isnull=True).update(published_at=now)
    _chain(LocalInformation, ("partnership_id", "chapter_id"))
    for version in ContactsVersion.objects.all():
        version.effective_date = timezone.localdate(version.published_at)
        version.save(update_fields=["effective_date"])
    _chain(ContactsVersion, ("partnership_id",))
    for partnership_id in set(Contact.objects.values_list("partnership_id", flat=True)):
        newest = (
            ContactsVersion.objects.filter(partnership_id=partnership_id)
            .order_by("-number")
            .first()
        )
        if newest is None:
            newest = ContactsVersion.objects.create(
                partnership_id=partnership_id,
                number=1,
                change="new",
                effective_date=timezone.localdate(now),
                contacts="",
                summary="The contacts as they stood when contacts were first versioned.",
                source_hash="",
                published_at=now,
            )
        Contact.objects.filter(partnership_id=partnership_id).update(version=newest)


def _chain(model, scope):
    """Each version valid until the next one's effective date; kinds of change."""
    previous = None
    for version in model.objects.order_by(*scope, "number"):
        version.change = "new" if version.number == 1 else "updated"
        version.save(update_fields=["change"])
        same = previous is not None and all(
            getattr(previous, key) == getattr(version, key) for key in scope
        )
        if same:
            until = max(version.effective_date, previous.effective_date)
            model.objects.filter(pk=previous.pk).update(valid_until=until)
        previous = version


def version_constraints(name, scope, optional=()):
    F = django.db.models.expressions.F
    keys = [
        django.db.models.functions.Coalesce(F(field), models.Value(0))
        if field in optional
        else F(field)
        for field in scope
    ]
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


def _base_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="change",
            field=models.CharField(choices=CHANGE, default="updated", max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name="valid_until",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="review_date",
            field=models.DateField(blank=True, null=True, verbose_name="next review"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="no_review_reason",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_editors_drafts_and_contact_versions"),
        ("procedures", "0010_versioning_kit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="contact", name="unique_partnership_contact"),
        migrations.RemoveConstraint(model_name="contact", name="unique_national_contact"),
        migrations.RemoveConstraint(model_name="contactsversion", name="unique_contacts_version"),
        migrations.RemoveConstraint(
            model_name="contactsversion", name="unique_national_contacts_version"
        ),
        migrations.RemoveConstraint(model_name="localinformation", name="unique_local_version"),
        migrations.RemoveConstraint(model_name="localinformation", name="local_version_positive"),
        *_base_fields("localinformation"),
        *_base_fields("contactsversion"),
        migrations.AddField(
            model_name="contactsversion",
            name="effective_date",
            field=models.DateField(default=timezone.localdate),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contactsversion",
            name="source_file",
            field=models.CharField(blank=True, default="", max_length=500),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contact",
            name="version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="contact_rows",
                to="partnerships.contactsversion",
            ),
        ),
        migrations.AddField(
            model_name="partnershipdraft",
            name="review_date",
            field=models.DateField(blank=True, null=True, verbose_name="next review"),
        ),
        migrations.AddField(
            model_name="partnershipdraft",
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
        migrations.AlterField(
            model_name="partnershipdraft",
            name="effective_date",
            field=models.DateField(
                blank=True,
                null=True,
                help_text="When this version takes effect. A future date schedules it. Leave "
                "empty for the publishing day.",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="localinformation",
            name="published_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="contact",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="contact_rows",
                to="partnerships.contactsversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.UniqueConstraint(
                fields=("version", "slug"), name="one_contact_per_slug"
            ),
        ),
        *[
            migrations.AddConstraint(model_name="localinformation", constraint=constraint)
            for constraint in version_constraints("local_information", ("partnership", "chapter"))
        ],
        *[
            migrations.AddConstraint(model_name="contactsversion", constraint=constraint)
            for constraint in version_constraints(
                "contacts_version", ("partnership",), optional=("partnership",)
            )
        ],
    ]
