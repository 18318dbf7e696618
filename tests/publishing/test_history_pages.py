"""What practitioners see of amendments: releases, the feed, diffs, the manual on a past
date, and the check behind a printout's short address."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from procedures.models import Release
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
ATOM = "{http://www.w3.org/2005/Atom}"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def june_release(small_manual, draft_of, new_chapter_draft, editor, publisher):
    """A published release: online safety updated, a new chapter, referrals withdrawn."""
    release = Release.objects.create(
        name="June 2024 update",
        effective_date=datetime.date(2024, 6, 21),
        introduction="Sexting guidance renamed.",
    )
    draft_of(
        "online-safety",
        by=editor,
        release=release,
        summary="Sexting section renamed to sharing nudes.",
        replace={
            "## Sexting {#sexting}": "## Sharing nudes {#sexting}",
            "Sexting incidents are recorded, not reported.": "Incidents of sharing nudes "
            "are recorded, not reported, and the DSL is told.",
        },
    )
    new_chapter_draft("county-lines", by=editor, release=release, title="County lines")
    draft_of(
        "referrals",
        by=editor,
        release=release,
        withdraw=True,
        withdrawn_reason="Covered by the front door procedure.",
        summary="Withdrawn.",
    )
    publish(by=publisher, release=release)
    release.refresh_from_db()
    return release


def test_amendments_lists_releases_newest_first_with_changes_and_links(
    client, june_release, draft_of, editor, other_publisher
):
    later = Release.objects.create(
        name="December 2024 update", effective_date=datetime.date(2024, 12, 1)
    )
    draft_of("bullying", by=editor, release=later, summary="Responding expanded.",
             replace={"say.": "say and act."})  # fmt: skip
    publish(by=other_publisher, release=later)
    html = page(client, "/amendments/")
    assert html.index("December 2024 update") < html.index("June 2024 update")
    june = html[html.index("June 2024 update") :]
    for heading in ("New chapters", "Updated chapters", "Withdrawn chapters"):
        assert heading in june
    assert "Sexting section renamed to sharing nudes." in june
    assert 'href="/chapters/online-safety/"' in june
    assert 'href="/chapters/online-safety/versions/1...2/"' in june
    assert 'href="/chapters/county-lines/"' in june
    assert f'href="/amendments/{june_release.pk}/"' in html
    assert 'type="application/atom+xml"' in html


def test_a_scheduled_release_shows_as_the_next_update(
    client, small_manual, draft_of, editor, publisher
):
    soon = TODAY + datetime.timedelta(days=40)
    release = Release.objects.create(name="Spring update", effective_date=soon)
    draft_of("bullying", by=editor, release=release, summary="New guidance on group chats.")
    publish(by=publisher, release=release)
    html = page(client, "/amendments/")
    assert "Next update: " in html and "Spring update" in html
    assert f"takes effect on {soon.day} {soon:%B %Y}" in html
    assert "New guidance on group chats." in html


def test_unpublished_releases_stay_private(client, small_manual, draft_of, editor, release):
    draft_of("bullying", by=editor, release=release, summary="Secret plans.")
    assert "Secret plans" not in page(client, "/amendments/")
    assert "June 2025 update" not in page(client, "/amendments/feed/")
    page(client, f"/amendments/{release.pk}/", status=404)


def test_release_page_shows_every_change_with_its_diff(client, june_release):
    html = page(client, june_release.get_absolute_url())
    assert "<h1" in html and "June 2024 update" in html and "Sexting guidance renamed." in html
    assert "<del" in html and "Sexting" in html and "<ins" in html and "Sharing nudes" in html


def test_contents_flags_chapters_new_or_updated_in_the_latest_release(client, june_release):
    html = page(client, "/")

    def tag_after(title):
        rest = html[html.index(title) :]
        return rest[: rest.index("</li>")]

    assert "Updated" in tag_after("2.5 Online safety")
    assert ">New<" in tag_after("2.9 County lines")
    assert "Updated" not in tag_after("2.1 Bullying") and ">New<" not in tag_after("2.1 Bullying")
    assert "Withdrawn" in tag_after("1.1 Referrals")


def test_amendments_feed_is_atom_with_one_entry_per_release(client, june_release):
    response = client.get("/amendments/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert "June 2024 update (effective 21 June 2024)" in titles
    entry = entries[titles.index("June 2024 update (effective 21 June 2024)")]
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/amendments/{june_release.pk}/")
    assert "Sexting section renamed" in entry.find(f"{ATOM}summary").text


def test_diff_between_versions_marks_added_and_removed_words_accessibly(client, june_release):
    html = page(client, "/chapters/online-safety/versions/1...2/")
    assert "What changed from version 1 to version 2" in html
    assert (
        '<del class="app-diff__del"><span class="govuk-visually-hidden">Removed: </span>Sexting'
        in html
    )
    assert (
        '<ins class="app-diff__ins"><span class="govuk-visually-hidden">Added: </span>Sharing nudes'
        in html
    )
    assert (
        "Added words are <ins>underlined</ins>, removed words are <del>struck through</del>" in html
    )
    assert "Sections with no changes" in html and "Live streaming" in html
    assert "Sexting section renamed to sharing nudes." in html  # the amendment summary


def test_bad_version_numbers_get_a_friendly_404_or_redirect(client, june_release):
    page(client, "/chapters/online-safety/versions/1...9/", status=404)
    page(client, "/chapters/online-safety/versions/0...2/", status=404)
    page(client, "/chapters/online-safety/versions/99999999999999999999999/", status=404)
    page(client, "/chapters/online-safety/versions/1...99999999999999999999/", status=404)
    page(client, "/v/online-safety/99999999999999999999/", status=404)
    page(client, "/v/no-such-chapter/1/", status=404)
    page(client, "/v/online-safety/0/", status=404)
    page(client, "/amendments/99999999999999999999999/", status=404)
    huge = "/chapters/online-safety/compare/?from=99999999999999999999999&to=1"
    assert client.get(huge, follow=True).status_code == 404
    assert client.get("/chapters/online-safety/versions/2...1/")["Location"] == (
        "/chapters/online-safety/versions/1...2/"
    )
    assert client.get("/chapters/online-safety/versions/2...2/")["Location"] == (
        "/chapters/online-safety/versions/2/"
    )
    assert client.get("/chapters/online-safety/compare/?from=x&to=2")["Location"] == (
        "/chapters/online-safety/versions/"
    )
    assert client.get("/chapters/online-safety/compare/?from=2&to=1")["Location"] == (
        "/chapters/online-safety/versions/1...2/"
    )


def test_versions_page_links_each_version_to_what_changed_and_compares_any_two(
    client, june_release
):
    html = page(client, "/chapters/online-safety/versions/")
    assert 'href="/chapters/online-safety/versions/1...2/"' in html
    assert 'action="/chapters/online-safety/compare/"' in html


def test_the_manual_as_it_stood_on_a_date_is_clearly_bannered(client, june_release):
    html = page(client, "/as-of/2024-03-01/")
    assert "The manual as it stood on 1 March 2024" in html
    assert 'href="/as-of/2024-03-01/chapters/online-safety/"' in html
    assert "County lines" not in html  # it was not published until June
    chapter = page(client, "/as-of/2024-03-01/chapters/online-safety/")
    assert "The manual as it stood on 1 March 2024" in chapter
    assert "It is not the current version: do not act on it." in chapter
    assert "Sexting incidents are recorded" in chapter and "Sharing nudes" not in chapter
    # Cross-links stay in the past too.
    assert 'href="/as-of/2024-03-01/chapters/bullying/#cyberbullying"' in chapter
    today = page(client, f"/as-of/{TODAY.isoformat()}/chapters/online-safety/")
    assert "Sharing nudes" in today and "It is still the current version." in today


def test_as_of_explains_bad_dates_and_unknown_chapters(client, june_release):
    for bad in ["2024-02-30", "2024-13-01", "yesterday", "20240301", "0000-01-01"]:
        html = page(client, f"/as-of/{bad}/", status=400)
        assert "is not a date" in html and "YYYY-MM-DD" in html
        page(client, f"/as-of/{bad}/chapters/online-safety/", status=400)
    assert "Enter a real date" in page(client, "/as-of/?date=31/12/2024", status=400)
    assert client.get("/as-of/?date=2024-03-01")["Location"] == "/as-of/2024-03-01/"
    page(client, "/as-of/", status=200)
    page(client, "/as-of/2024-03-01/chapters/county-lines/", status=404)
    page(client, "/as-of/2024-03-01/chapters/no-such-chapter/", status=404)
    page(client, "/as-of/1900-01-01/", status=200)


def test_every_printed_page_carries_its_version_and_a_short_check_address(client, june_release):
    html = page(client, "/chapters/online-safety/")
    footer = html[html.index('class="app-print-footer"') :]
    assert "Version 2, effective 21 June 2024." in footer
    assert "Check this printout is still current: http://testserver/v/online-safety/2/" in footer


def test_printout_check_says_current(client, june_release):
    html = page(client, "/v/online-safety/2/")
    assert "This is the current version" in html


def test_printout_check_says_what_changed_since_and_since_when(
    client, june_release, draft_of, editor, other_publisher
):
    html = page(client, "/v/online-safety/1/")
    assert "This printout is out of date: do not act on it" in html
    assert "stopped being current on 21 June 2024" in html
    assert "Sexting section renamed to sharing nudes." in html
    assert 'href="/chapters/online-safety/versions/1...2/"' in html


def test_printout_check_after_only_minor_corrections_says_nothing_to_reread(
    client, june_release, draft_of, editor, other_publisher
):
    draft = draft_of("online-safety", by=editor, minor=True, summary="Typo fixed.",
                     replace={"grooming risks": "grooming risks."})  # fmt: skip
    publish(by=other_publisher, draft=draft)
    html = page(client, "/v/online-safety/2/")
    assert "Still current, with minor corrections" in html and "Typo fixed." in html


def test_printout_check_of_a_withdrawn_chapter_says_so(client, june_release):
    html = page(client, "/v/referrals/1/")
    assert "out of date" in html and "The chapter was withdrawn on 21 June 2024" in html
    assert "Covered by the front door procedure." in html
