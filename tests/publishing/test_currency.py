"""Whether what practitioners read is current: review dates, "reviewed, no change", coming
versions, and the dates the feed and the emails give (issue: currency signals)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from procedures import review_dates, selectors
from procedures.models import Chapter, ChapterVersion
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = datetime.date.today()
NEXT_YEAR = TODAY + datetime.timedelta(days=365)


def text_of(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def manager(db):
    user = User.objects.create_user("mo", "mo@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    return user


def test_version_with_a_passed_review_date_cannot_be_published(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("bullying", by=editor, review_date=TODAY - datetime.timedelta(days=1))
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert "review_date_past" in refused.value.codes
    assert any("next review date" in line for line in refused.value.lines())
    assert Chapter.objects.get(slug="bullying").versions.count() == 1

    draft.review_date = NEXT_YEAR
    draft.save()
    (version,) = publish(by=publisher, draft=draft)
    assert version.review_date == NEXT_YEAR


def test_history_with_passed_review_dates_still_loads(sample_manual):
    # Every sample chapter is past its review date; history cannot be re-dated.
    version = selectors.current_version(Chapter.objects.get(slug="referrals"))
    assert version.review_date == datetime.date(2025, 6, 21)


def test_next_version_draft_does_not_inherit_a_passed_review_date(client, sample_manual, manager):
    client.force_login(manager)
    chapter = Chapter.objects.get(slug="referrals")
    assert selectors.latest_version(chapter).review_date < TODAY
    response = client.get(f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    form = response.context["adminform"].form
    assert form.initial["title"].startswith("Referrals")
    assert form.initial.get("review_date") is None


def test_overdue_review_is_stated_in_neutral_words(client, sample_manual):
    words = "Review due since June 2025: this is still the version in force."
    assert words in text_of(client.get("/chapters/referrals/"))
    assert words in text_of(client.get("/v/referrals/2/"))
    # A superseded version's page and printout check say "superseded" instead.
    assert "Review due since" not in text_of(client.get("/chapters/referrals/versions/1/"))
    assert "Review due since" not in text_of(client.get("/v/referrals/1/"))


def test_reviewed_no_change_sets_next_review_and_shows_in_history(
    client, sample_manual, manager, editor
):
    version = selectors.current_version(Chapter.objects.get(slug="referrals"))
    versions_before = ChapterVersion.objects.filter(chapter=version.chapter).count()
    with pytest.raises(review_dates.ReviewError):
        review_dates.record_review(version=version, by=editor, next_review=NEXT_YEAR)
    with pytest.raises(review_dates.ReviewError):
        review_dates.record_review(version=version, by=manager, next_review=TODAY)
    old = ChapterVersion.objects.get(chapter=version.chapter, number=1)
    with pytest.raises(review_dates.ReviewError):
        review_dates.record_review(version=old, by=manager, next_review=NEXT_YEAR)

    review = review_dates.record_review(version=version, by=manager, next_review=NEXT_YEAR)
    assert review.reviewed_by == manager
    page = text_of(client.get("/chapters/referrals/"))
    assert "Review due since" not in page
    assert f"Next review {NEXT_YEAR:%B %Y}" in page
    assert (
        f"Version 2 reviewed on {TODAY.day} {TODAY:%B %Y}: no change. "
        f"Next review {NEXT_YEAR:%B %Y}." in page
    )
    assert "Review due since" not in text_of(client.get("/v/referrals/2/"))
    # No new version: a review is not an amendment.
    assert ChapterVersion.objects.filter(chapter=version.chapter).count() == versions_before


def test_due_for_review_list_puts_overdue_first_and_records_a_review(
    client, sample_manual, manager
):
    client.force_login(manager)
    listing = text_of(client.get("/admin/procedures/dueforreview/"))
    assert "Overdue since 21 June 2024" in listing
    # Overdue since 2024 comes before overdue since 2025.
    assert listing.index("21 June 2024") < listing.index("21 June 2025")
    version = selectors.current_version(Chapter.objects.get(slug="referrals"))
    assert f"/admin/procedures/review/add/?version={version.pk}" in listing

    response = client.post(
        "/admin/procedures/review/add/",
        {"version": version.pk, "next_review": NEXT_YEAR.isoformat(), "note": "Checked."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert review_dates.due_for_review().get(pk=version.pk).next_review == NEXT_YEAR
    listing = text_of(client.get("/admin/procedures/dueforreview/"))
    assert listing.rindex("1.1 Referrals (version 2)") > listing.rindex("21 June 2025")

    refused = client.post(
        "/admin/procedures/review/add/",
        {"version": version.pk, "next_review": "2020-01-01"},
    )
    assert refused.status_code == 200 and "Choose a day after today." in refused.content.decode()


def test_editors_do_not_record_reviews(client, sample_manual, editor):
    client.force_login(editor)
    assert client.get("/admin/procedures/review/add/").status_code == 403


def test_scheduled_version_is_announced_near_the_top(
    client, small_manual, draft_of, editor, publisher
):
    coming = TODAY + datetime.timedelta(days=30)
    draft = draft_of(
        "bullying",
        by=editor,
        effective_date=coming,
        review_date=NEXT_YEAR,
        summary="Adds a section on bullying in sport.",
    )
    publish(by=publisher, draft=draft)
    page = text_of(client.get("/chapters/bullying/"))
    announcement = f"Version 2 takes effect on {coming.day} {coming:%B %Y}."
    assert announcement in page
    assert page.index(announcement) < page.index("Show amendments")
    assert 'href="/chapters/bullying/versions/1...2/"' in page


def test_feed_dates_loaded_history_by_effective_date_and_gives_effective_dates(
    client, sample_manual
):
    feed = ET.fromstring(client.get("/amendments/feed/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        title = entry.find(f"{ATOM}title").text
        updated = entry.find(f"{ATOM}updated").text
        when = re.search(r"(effective|takes effect) (\d{1,2} \w+ \d{4})", title)
        assert when, title
        if when.group(1) == "effective":
            # Dated by the day it took effect, not by the day the manual was loaded (which
            # is also the effective day of a version that takes effect today).
            day = datetime.datetime.strptime(when.group(2), "%d %B %Y").date()
            assert updated.startswith(day.isoformat()), (title, updated)
    (entry,) = [
        e
        for e in entries
        if e.find(f"{ATOM}title").text.startswith("2.5 Online safety")
        and "21 June 2024" in e.find(f"{ATOM}title").text
    ]
    assert "effective 21 June 2024" in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}updated").text.startswith("2024-06-21")


def test_feed_dates_a_published_amendment_by_its_publication(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of("bullying", by=editor, review_date=NEXT_YEAR, summary="Sport added.")
    (version,) = publish(by=publisher, draft=draft)
    feed = ET.fromstring(client.get("/amendments/feed/").content)
    (entry,) = [
        e
        for e in feed.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}title").text.startswith("2.1 Bullying (")
    ]
    assert entry.find(f"{ATOM}updated").text.startswith(timezone.localdate().isoformat())
    assert "effective" in entry.find(f"{ATOM}title").text
    assert "In effect from" in entry.find(f"{ATOM}summary").text


def test_reconstructed_online_safety_history_says_so(client, sample_manual):
    page = text_of(client.get("/chapters/online-safety/versions/1/"))
    assert "reconstructed for the sample manual, not real history" in page
    # The seed's own version keeps its text word for word.
    current = text_of(client.get("/chapters/online-safety/"))
    assert "Section on victim blaming added" in current
