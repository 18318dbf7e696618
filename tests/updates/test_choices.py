"""Alerts by choice: who gets a release email, what it lists, and that each is sent once."""

import pytest
from django.test import TestCase

from procedures.models import Chapter, Part
from procedures.signals import release_published
from tests.conftest import run_jobs
from tests.updates.conftest import links_in
from updates.choices import Choice, describe, following_release, save_choice
from updates.models import Delivery, Subscriber
from updates.notifications import listed_versions, notify_release

pytestmark = pytest.mark.django_db

ONLINE = ("updated", "online-safety", "2.5", "Online safety", "Adds a section on AI images.")
NEGLECT = ("new", "neglect", "2.4", "Neglect", "New chapter on neglect.")
BULLYING_TYPO = ("minor", "bullying", "2.6", "Bullying", "Fixed a broken link.")
REFERRALS = ("updated", "referrals", "1.2", "Referrals", "New referral form.")


@pytest.fixture
def readers(make_release, subscriber):
    """A manual with chapters in parts 1 and 2 (an earlier release), and readers who
    follow different things."""
    make_release(ONLINE, NEGLECT, BULLYING_TYPO, REFERRALS, name="Earlier")
    chapter = {slug: Chapter.objects.get(slug=slug) for slug in ["online-safety", "referrals"]}
    part_one, part_two = Part.objects.get(number=1), Part.objects.get(number=2)

    def reader(email, **choice):
        person = subscriber(email, whole_manual=False)
        save_choice(person, whole_manual=False, **choice)
        return person

    return {
        "everything": subscriber("everything@example.org"),
        "part 2": reader("part2@example.org", parts=[part_two]),
        "online safety": reader("online@example.org", chapters=[chapter["online-safety"]]),
        "part 1": reader("part1@example.org", parts=[part_one]),
        "referrals": reader("referrals@example.org", chapters=[chapter["referrals"]]),
        "nothing chosen": subscriber("nothing@example.org", whole_manual=False),
        "unconfirmed": subscriber("pending@example.org", confirmed=False),
    }


def recipients(mailoutbox):
    return sorted(message.to[0] for message in mailoutbox)


def test_release_goes_only_to_readers_who_follow_a_chapter_in_it(readers, make_release, mailoutbox):
    release = make_release(ONLINE, name="July update")
    result = notify_release(release)

    assert recipients(mailoutbox) == [
        "everything@example.org",
        "online@example.org",
        "part2@example.org",
    ]
    assert result.sent == 3


def test_release_email_lists_only_what_the_reader_follows_and_says_others_changed(
    readers, make_release, mailoutbox
):
    release = make_release(ONLINE, NEGLECT, name="July update")
    notify_release(release)
    by_reader = {message.to[0]: message for message in mailoutbox}

    chosen = by_reader["online@example.org"]
    assert "2.5 Online safety" in chosen.body
    assert "Neglect" not in chosen.body
    assert "This release also changes 1 other chapter that you do not follow." in chosen.body
    html = chosen.alternatives[0][0]
    assert "Neglect" not in html and "1 other chapter that you do not follow" in html

    whole = by_reader["everything@example.org"]
    assert "2.5 Online safety" in whole.body and "2.4 Neglect" in whole.body
    assert "that you do not follow" not in whole.body


def test_other_chapters_line_links_to_the_release_page(readers, make_release, mailoutbox):
    release = make_release(ONLINE, NEGLECT, name="July update")
    notify_release(release)
    (message,) = [m for m in mailoutbox if m.to == ["online@example.org"]]
    text = message.body
    after = text[text.index("that you do not follow") :]
    assert after.index("All amendments: ") < after.index("Change what you get")
    assert f"http://127.0.0.1:8000{release.get_absolute_url()}" in links_in(after)


def test_a_part_covers_a_chapter_added_to_it_later(readers, make_release, mailoutbox):
    notify_release(make_release(("new", "county-lines", "2.12", "County lines", "New."), name="N"))
    assert "part2@example.org" in recipients(mailoutbox)
    assert "online@example.org" not in recipients(mailoutbox)


def test_minor_corrections_email_nobody_even_those_following_the_chapter(
    readers, make_release, mailoutbox
):
    notify_release(make_release(BULLYING_TYPO, name="Typo"))
    assert mailoutbox == []


def test_each_follower_gets_the_release_email_exactly_once(readers, make_release, mailoutbox):
    release = make_release(ONLINE, REFERRALS, name="Both parts")
    with TestCase.captureOnCommitCallbacks(execute=True):
        release_published.send(sender=None, release=release)
        release_published.send(sender=None, release=release)  # a duplicate announcement
    run_jobs()
    notify_release(release)  # and a manual re-run

    assert recipients(mailoutbox) == [
        "everything@example.org",
        "online@example.org",
        "part1@example.org",
        "part2@example.org",
        "referrals@example.org",
    ]
    assert Delivery.objects.filter(release=release, status="sent").count() == 5


def test_a_changed_choice_before_sending_is_what_counts(readers, make_release, mailoutbox):
    release = make_release(NEGLECT, name="Neglect")
    save_choice(readers["referrals"], whole_manual=True)
    save_choice(
        readers["part 2"], whole_manual=False, chapters=[Chapter.objects.get(slug="referrals")]
    )
    notify_release(release)
    assert "referrals@example.org" in recipients(mailoutbox)
    assert "part2@example.org" not in recipients(mailoutbox)


def test_following_the_whole_manual_drops_the_chosen_parts_and_chapters(readers):
    reader = readers["online safety"]
    save_choice(reader, whole_manual=True, chapters=list(Chapter.objects.all()))
    reader.refresh_from_db()
    assert reader.whole_manual and not reader.chapters.exists() and not reader.parts.exists()
    assert describe(reader) == ["Every chapter in the manual"]


def test_choice_covers_a_version_by_part_or_by_chapter(readers, make_release):
    versions = listed_versions(make_release(ONLINE, NEGLECT, name="Two"))
    online, neglect = sorted(versions, key=lambda v: v.chapter.slug, reverse=True)
    by_chapter = Choice.of(readers["online safety"])
    assert by_chapter.covers(online) and not by_chapter.covers(neglect)
    by_part = Choice.of(readers["part 2"])
    assert by_part.covers(online) and by_part.covers(neglect)
    assert not Choice.of(readers["part 1"]).covers(online)
    assert Choice.of(readers["everything"]).covers(neglect)
    assert not Choice().follows_chapters


def test_readers_are_found_once_each_whatever_they_follow(readers, make_release):
    versions = listed_versions(make_release(ONLINE, NEGLECT, name="Two"))
    found = list(following_release(versions).values_list("email", flat=True))
    assert sorted(found) == ["everything@example.org", "online@example.org", "part2@example.org"]


def test_choice_in_words(readers):
    assert describe(readers["part 2"]) == ["Every chapter in part 2: Child protection"]
    assert describe(readers["online safety"]) == ["2.5 Online safety"]
    assert describe(readers["nothing chosen"]) == []
    assert Subscriber.objects.get(email="everything@example.org").whole_manual
