"""When each version in force is next due for review, and "reviewed, no change".

A version's next review date starts as the one it was published with. A manager who reviews
the chapter and finds nothing to change records a `Review` with the next date, instead of
publishing a copy of the same text as a new version; the latest review's date then counts.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from procedures.models import ChapterVersion, Review, today

REVIEW_PERMISSION = "procedures.add_review"


class ReviewError(Exception):
    """Nothing was recorded; the message says why and what to do."""


def record_review(
    *,
    version: ChapterVersion,
    by: AbstractBaseUser,
    next_review: datetime.date,
    note: str = "",
) -> Review:
    """Record that `by` reviewed `version` (the chapter's version in force) and found nothing
    to change; it is next due for review on `next_review`."""
    if not by.has_perm(REVIEW_PERMISSION):
        raise ReviewError("Only a procedures manager (publisher) can record a review.")
    if next_review is None or next_review <= today():
        raise ReviewError("Choose the next review date: a day after today.")
    with transaction.atomic():
        in_force = ChapterVersion.objects.current().filter(chapter_id=version.chapter_id).first()
        if in_force is None or in_force.pk != version.pk or in_force.is_withdrawn:
            raise ReviewError(
                f"{version} is not the version in force: review the version practitioners read."
            )
        return Review.objects.create(
            version=version,
            reviewed_by=by,
            reviewed_at=timezone.now(),
            next_review=next_review,
            note=note.strip(),
        )


def with_next_review(versions):
    """Annotate versions with `next_review`: the latest review's date, else their own."""
    latest = Review.objects.filter(version=OuterRef("pk")).order_by("-reviewed_at", "-id")
    return versions.annotate(
        next_review=Coalesce(
            Subquery(latest.values("next_review")[:1]), "review_date", output_field=DateField()
        )
    )


def due_for_review():
    """The versions in force (not withdrawn), soonest due first (overdue at the top, undated
    last)."""
    return (
        with_next_review(ChapterVersion.objects.current())
        .exclude(change=ChapterVersion.Change.WITHDRAWN)  # nothing left to review
        .select_related("chapter")
        .defer("source", "html")
        .order_by(F("next_review").asc(nulls_last=True), "number_key")
    )


def chapter_reviews(chapter) -> list[Review]:
    """Every "reviewed, no change" recorded on the chapter's versions, newest first."""
    return list(
        Review.objects.filter(version__chapter=chapter)
        .select_related("version")
        .only("version__number", "version__chapter_id", "reviewed_at", "next_review")
        .order_by("-reviewed_at", "-id")
    )


def next_review(version: ChapterVersion, reviews) -> datetime.date | None:
    """The version's next review date, given its chapter's reviews (newest first)."""
    for each in reviews:
        if each.version_id == version.pk:
            return each.next_review
    return version.review_date


def overdue_since(version: ChapterVersion, due: datetime.date | None, *, on=None):
    """The date a review fell due, when the version is in force and its review is overdue."""
    on = on or today()
    if due is None or due >= on or version.is_withdrawn:
        return None
    return due
