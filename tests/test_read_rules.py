"""The named read rules: which version is current, valid on a day, scheduled or newest."""

import datetime

import pytest

from procedures.models import ChapterVersion, today

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def three_versions(manual):
    """Bullying: version 1 long ago, 2 from yesterday, 3 scheduled for next week."""
    manual.chapter("bullying", "One.\n", effective=today() - 400 * DAY)
    manual.chapter("bullying", "Two.\n", version=2, effective=today() - DAY)
    manual.chapter("bullying", "Three.\n", version=3, effective=today() + 7 * DAY)
    manual.load()


def numbers(queryset):
    return sorted(queryset.values_list("number", flat=True))


def test_current_is_the_version_in_effect_today(three_versions):
    assert numbers(ChapterVersion.objects.current()) == [2]


def test_valid_on_a_day_follows_the_intervals(three_versions):
    versions = ChapterVersion.objects
    assert numbers(versions.valid_on(today() - 2 * DAY)) == [1]
    assert numbers(versions.valid_on(today() - DAY)) == [2]  # from its first day
    assert numbers(versions.valid_on(today() + 7 * DAY)) == [3]
    assert numbers(versions.valid_on(today() - 500 * DAY)) == []


def test_scheduled_and_newest(three_versions):
    assert numbers(ChapterVersion.objects.scheduled()) == [3]
    assert numbers(ChapterVersion.objects.scheduled(after=today() + 7 * DAY)) == []
    assert numbers(ChapterVersion.objects.newest()) == [3]


def test_listing_leaves_the_text_behind(three_versions):
    listed = ChapterVersion.objects.for_listing().first()
    assert {"source", "html"} <= listed.get_deferred_fields()


def test_related_chapters_and_those_linking_here_come_apart(manual):
    from procedures import selectors

    manual.chapter("bullying", "## What {#what}\n\nSee [[#what]].\n", number="2.1")
    manual.chapter("referrals", "Refer. See [[bullying]].\n", number="1.1")
    manual.chapter("online-safety", "See [[bullying#what]].\n", number="2.5", related=["referrals"])
    manual.load()
    bullying = ChapterVersion.objects.current().get(chapter__slug="bullying")
    online = ChapterVersion.objects.current().get(chapter__slug="online-safety")
    related, linking = selectors.related_and_linking_here(bullying)
    assert related == [] and [v.chapter.slug for v in linking] == ["referrals", "online-safety"]
    related, linking = selectors.related_and_linking_here(online)
    assert [v.chapter.slug for v in related] == ["referrals"] and linking == []
