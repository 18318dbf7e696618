"""The abstract version and draft every versioned kind is made of.

A version is valid from its effective date until the next version's (`valid_until`, empty
for the newest), so "current", "scheduled" and "as it stood on a day" are one rule, named on
the QuerySet. A version that a later urgent correction moved out of the way before it took
effect keeps its row, with a zero-length interval (valid until its own effective date): it
was never in force, and its history says what became of it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone


def today() -> datetime.date:
    """The day in the portal's time zone (Europe/London): versions change at its midnight."""
    return timezone.localdate()


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """Versions whose interval holds `day`; `prefix` reaches a version through a relation."""
    return Q(**{f"{prefix}effective_date__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": day})
    )


def never_in_force(prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_until": F(f"{prefix}effective_date")})


class Change(models.TextChoices):
    NEW = "new", "New"
    UPDATED = "updated", "Updated"
    MINOR = "minor", "Minor correction"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VersionQuerySet(models.QuerySet):
    """The read rules, named: every page, search, loading and publishing ask these."""

    def newest(self):
        """Each thing's newest version, in effect or scheduled: what the next one follows."""
        return self.filter(valid_until__isnull=True)

    def valid_on(self, day: datetime.date):
        """The versions in effect on the day (at most one per thing)."""
        return self.filter(valid_on(day))

    def current(self):
        """The versions practitioners read today."""
        return self.valid_on(today())

    def scheduled(self, after: datetime.date | None = None):
        """Versions still to take effect after the day (today by default)."""
        return self.filter(effective_date__gt=after or today()).exclude(never_in_force())

    def in_force_or_scheduled(self, day: datetime.date | None = None):
        """The versions in force on the day and those still to come: what is, or will be,
        shown (the superseded and the never-in-force left out)."""
        day = day or today()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day)).exclude(
            never_in_force()
        )

    def in_effect_by(self, day: datetime.date | None = None):
        """Versions that have taken effect by the day: the history as it stood then."""
        return self.filter(effective_date__lte=day or today()).exclude(never_in_force())

    def of(self, **scope):
        """The versions of one thing (a chapter; a partnership's local information in a
        chapter; a partnership's contacts...), named by its scope fields."""
        return self.filter(**scope)


class Version(models.Model):
    """One immutable version of something practitioners act on."""

    Change = Change

    # The fields naming the thing versioned (a chapter; a partnership and a chapter...).
    # Numbers count 1, 2, 3 within it, and it has one open-ended version.
    scope: tuple[str, ...] = ()

    number = models.PositiveIntegerField()
    change = models.CharField(max_length=12, choices=Change.choices)
    effective_date = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    summary = models.TextField()
    review_date = models.DateField("next review", null=True, blank=True)
    # Why a version has no review date (a recorded decision, never a silent gap).
    no_review_reason = models.TextField(blank=True)
    source_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=500, blank=True)
    # Who approved it (the publisher) and when; empty `published_by` for history loaded
    # from the content files.
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self):
        return self.change == Change.WITHDRAWN

    @property
    def is_minor(self):
        return self.change == Change.MINOR

    @property
    def was_never_in_force(self):
        return self.valid_until is not None and self.valid_until == self.effective_date

    def scope_values(self) -> dict:
        return {f"{name}_id": getattr(self, f"{name}_id") for name in self.scope}

    def siblings(self):
        """Every version of the same thing, this one included."""
        return type(self).objects.of(**self.scope_values())


def version_constraints(name: str, scope: tuple[str, ...], *, optional=()) -> list:
    """The database's half of the version rules, for a kind named `name` versioned within
    `scope`: one number per version, one open-ended version, intervals that run forwards.
    A scope field in `optional` may be empty (the national contacts have no partnership):
    unique constraints treat empty values as all different, so it counts as 0 here."""
    keys = [Coalesce(F(field), Value(0)) if field in optional else F(field) for field in scope]
    return [
        models.UniqueConstraint(*keys, F("number"), name=f"{name}_unique_number"),
        models.UniqueConstraint(
            *keys, condition=Q(valid_until__isnull=True), name=f"{name}_one_open_ended"
        ),
        models.CheckConstraint(
            condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("effective_date")),
            name=f"{name}_interval_runs_forwards",
        ),
        models.CheckConstraint(condition=Q(number__gte=1), name=f"{name}_number_positive"),
    ]


class DraftBase(models.Model):
    """The next version of something, being prepared in the admin. Saving a draft never
    changes a public page: only its kind's publish action turns it into a version.
    `based_on` is the version number the draft started from, so a thing that moved on in the
    meantime is caught at publishing time instead of overwritten."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    based_on = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(
        "amendment summary",
        blank=True,
        help_text="What changed, in plain words a practitioner can act on.",
    )
    effective_date = models.DateField(
        null=True,
        blank=True,
        help_text="When this version takes effect. A future date schedules it. Leave empty "
        "for the publishing day.",
    )
    review_date = models.DateField("next review", null=True, blank=True)
    no_review_reason = models.TextField(
        "why there is no review date",
        blank=True,
        help_text="Only when this version should not be reviewed on a date (say why): every "
        "other version needs a next review date.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Everyone who saved the draft: none of them may publish it (four-eyes).
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-updated_at", "-id"]

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED
