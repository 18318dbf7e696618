"""What a subscriber follows, and who follows what a publication changed.

A choice is the whole manual, or a set of parts and chapters, and optionally one
partnership's local information. A release concerns a subscriber when it has a listed
change (new, updated or withdrawn) to a chapter they follow: one in a part they follow (the
part the new version is in) or a chapter they chose by name.
"""

import dataclasses

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from partnerships.models import Partnership
from procedures import selectors
from procedures.models import ChapterVersion
from updates.models import Subscriber


@dataclasses.dataclass(frozen=True)
class Choice:
    whole_manual: bool = False
    part_ids: frozenset = frozenset()
    chapter_ids: frozenset = frozenset()
    partnership_id: int | None = None

    @classmethod
    def of(cls, subscriber: Subscriber) -> "Choice":
        return cls(
            whole_manual=subscriber.whole_manual,
            part_ids=frozenset(part.pk for part in subscriber.parts.all()),
            chapter_ids=frozenset(chapter.pk for chapter in subscriber.chapters.all()),
            partnership_id=subscriber.partnership_id,
        )

    def covers(self, version: ChapterVersion) -> bool:
        return (
            self.whole_manual
            or version.part_id in self.part_ids
            or version.chapter_id in self.chapter_ids
        )

    @property
    def follows_chapters(self) -> bool:
        return self.whole_manual or bool(self.part_ids or self.chapter_ids)


def save_choice(
    subscriber: Subscriber,
    *,
    whole_manual: bool,
    parts=(),
    chapters=(),
    partnership: Partnership | None = None,
) -> None:
    """Replace what the subscriber follows. Following the whole manual drops the chosen parts
    and chapters, so the choice never says two things."""
    with transaction.atomic():
        subscriber.whole_manual = whole_manual
        subscriber.partnership = partnership
        subscriber.save(update_fields=["whole_manual", "partnership"])
        subscriber.parts.set([] if whole_manual else parts)
        subscriber.chapters.set([] if whole_manual else chapters)


def following_release(versions) -> QuerySet[Subscriber]:
    """Confirmed subscribers who follow at least one of these chapter versions. Written with
    EXISTS rather than joins, so each subscriber appears once and can be paged by id."""
    part_ids = {version.part_id for version in versions}
    chapter_ids = {version.chapter_id for version in versions}
    follows_part = Subscriber.parts.through.objects.filter(
        subscriber=OuterRef("pk"), part_id__in=part_ids
    )
    follows_chapter = Subscriber.chapters.through.objects.filter(
        subscriber=OuterRef("pk"), chapter_id__in=chapter_ids
    )
    return Subscriber.objects.confirmed().filter(
        Q(whole_manual=True) | Exists(follows_part) | Exists(follows_chapter)
    )


def following_local_information(partnership: Partnership) -> QuerySet[Subscriber]:
    return Subscriber.objects.confirmed().filter(partnership=partnership)


def chapters_by_part():
    """What can be chosen, as the contents lists it: each part with its current chapters'
    versions (withdrawn chapters left out)."""
    groups = []
    for part, versions in selectors.contents():
        chosen = [version for version in versions if not version.is_withdrawn]
        if chosen:
            groups.append((part, chosen))
    return groups


def describe(subscriber: Subscriber) -> list[str]:
    """The choice in words, one line each, for pages and emails."""
    lines = []
    if subscriber.whole_manual:
        lines.append("Every chapter in the manual")
    else:
        for part in subscriber.parts.all().order_by("number"):
            lines.append(f"Every chapter in part {part.number}: {part.title}")
        chapters = list(subscriber.chapters.all())
        versions = selectors.current_of(chapters)
        lines += [f"{version.chapter_number} {version.title}" for version in versions]
        shown = {version.chapter_id for version in versions}
        lines += [chapter.slug for chapter in chapters if chapter.pk not in shown]
    if subscriber.partnership is not None:
        lines.append(f"Local information from {subscriber.partnership.name}")
    return lines
