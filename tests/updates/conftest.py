import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from procedures.models import Chapter, ChapterVersion, Part, Release
from updates.models import Subscriber


class ReleaseBuilder:
    """Releases with chapter versions, stored directly (publishing is another module's job)."""

    def __init__(self):
        self.part, _ = Part.objects.get_or_create(number=2, defaults={"title": "Child protection"})
        self.count = 0

    def __call__(self, *changes, name=None, published=True, introduction=""):
        """changes: (change, slug, chapter number, title, summary) tuples; a chapter is in
        the part its number starts with ("1.2" in part 1)."""
        self.count += 1
        day = datetime.date(2024, 6, 1) + datetime.timedelta(days=self.count)
        release = Release.objects.create(
            name=name or f"Release {self.count}",
            effective_date=day,
            introduction=introduction,
            published_at=timezone.now() if published else None,
        )
        for change, slug, number, title, summary in changes:
            chapter, _ = Chapter.objects.get_or_create(slug=slug)
            previous = chapter.versions.newest().first()
            if previous is None and change != ChapterVersion.Change.NEW:
                previous = self._version(chapter, 1, "new", number, title, "First.", day - ONE)
            if previous is not None:
                ChapterVersion.objects.filter(pk=previous.pk).update(valid_until=day)
            self._version(
                chapter,
                previous.number + 1 if previous else 1,
                change,
                number,
                title,
                summary,
                day,
                release=release,
            )
        return release

    def _part(self, number):
        part_number = int(number.split(".")[0])
        if part_number == self.part.number:
            return self.part
        part, _ = Part.objects.get_or_create(
            number=part_number, defaults={"title": PART_TITLES.get(part_number, "Other")}
        )
        return part

    def _version(self, chapter, n, change, number, title, summary, day, release=None):
        return ChapterVersion.objects.create(
            chapter=chapter,
            number=n,
            change=change,
            chapter_number=number,
            title=title,
            part=self._part(number),
            effective_date=day,
            summary=summary,
            source="Text.",
            source_hash=f"{chapter.slug}-{n}",
            html="<p>Text.</p>",
            release=release,
            published_at=timezone.now(),
        )


ONE = datetime.timedelta(days=1)
PART_TITLES = {1: "Working together", 2: "Child protection"}


@pytest.fixture
def make_release(db):
    return ReleaseBuilder()


@pytest.fixture
def subscriber(db):
    """A confirmed subscriber following the whole manual, unless told otherwise."""

    def make(email="reader@example.org", confirmed=True, whole_manual=True):
        return Subscriber.objects.create(
            email=email,
            confirmed_at=timezone.now() if confirmed else None,
            whole_manual=whole_manual,
        )

    return make


def links_in(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def link_to(text, part):
    """The one link in an email's text that contains `part`."""
    found = [link for link in links_in(text) if part in link]
    assert len(found) == 1, (part, links_in(text))
    return found[0]


def path_of(url):
    return urlsplit(url).path
