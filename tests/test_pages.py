"""What a practitioner sees when reading the manual."""

import datetime

import pytest
from django.core.management import call_command

from procedures.models import ChapterVersion

pytestmark = pytest.mark.django_db


def test_contents_lists_parts_and_chapters_in_number_order(client, sample_manual):
    page = client.get("/").content.decode()
    assert "2 Child protection concerns" in page
    assert page.index("2.5 Online safety") > page.index("2 Child protection concerns")
    assert 'href="/chapters/online-safety/"' in page
    assert 'action="/search/"' in page


def current_online_safety():
    """The number of the Online safety version in effect today: the sample manual schedules
    version 3 for 7 December 2026, so these tests hold on either side of that day."""
    return ChapterVersion.objects.current().get(chapter__slug="online-safety").number


def test_chapter_page_shows_current_version_with_amendments_and_cross_links(client, sample_manual):
    current = current_online_safety()
    response = client.get("/chapters/online-safety/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "2.5</span> Online safety" in page
    assert "<details" in page and "Show amendments" in page
    assert page.index(f"Version {current}</a>") < page.index("Version 1</a>")  # newest first
    assert 'id="victim-blaming"' in page
    assert 'href="/chapters/bullying/"' in page
    assert "Related chapters" in page and "Chapters that link here" in page
    assert "This page is correct as printed on" in page
    assert f"http://testserver/chapters/online-safety/versions/{current}/" in page
    assert "superseded" not in page


def test_cross_linked_chapter_lists_the_chapter_linking_to_it(client, sample_manual):
    page = client.get("/chapters/bullying/").content.decode()
    linking = page[page.index("Chapters that link here") :]
    assert 'href="/chapters/online-safety/"' in linking


def test_superseded_version_shows_banner_linking_to_current(client, sample_manual):
    page = client.get("/chapters/online-safety/versions/1/").content.decode()
    assert "This version has been superseded: do not act on it" in page
    assert f"Read the current version (version {current_online_safety()}" in page
    assert 'id="victim-blaming"' not in page


def test_versions_page_lists_every_version_newest_first(client, sample_manual):
    page = client.get("/chapters/online-safety/versions/").content.decode()
    assert page.index("Version 2") < page.index("Version 1")
    assert "Current" in page


def test_unknown_chapter_gets_a_helpful_404(client, db):
    response = client.get("/chapters/no-such-chapter/")
    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()


def test_unknown_version_is_404(client, sample_manual):
    assert client.get("/chapters/online-safety/versions/99/").status_code == 404


def test_scheduled_version_is_not_current_until_its_day(client, manual):
    manual.chapter("bullying", "Now in force.\n", effective=datetime.date(2024, 1, 1))
    manual.chapter(
        "bullying",
        "Coming soon.\n",
        version=2,
        effective=datetime.date.today() + datetime.timedelta(days=30),
        summary="Future change.",
    )
    call_command("load_content", str(manual.root), verbosity=0)
    page = client.get("/chapters/bullying/").content.decode()
    assert "Now in force." in page and "Coming soon." not in page
    assert "Scheduled:" in page
    future = client.get("/chapters/bullying/versions/2/").content.decode()
    assert "This version is not in effect yet" in future


def test_chapter_html_is_stored_not_rendered_per_request(
    client, sample_manual, django_assert_max_num_queries, no_page_cache
):
    ChapterVersion.objects.filter(chapter__slug="bullying").update(html="<p>Stored HTML</p>")
    with django_assert_max_num_queries(12):
        page = client.get("/chapters/bullying/").content.decode()
    assert "Stored HTML" in page


def test_chapter_page_queries_do_not_grow_with_sections_or_versions(
    client, sample_manual, django_assert_max_num_queries, no_page_cache
):
    # Online safety has 20 sections and 2 versions; a query per section or per version
    # (as a lazy attribute in a template would cause) breaks this bound. Six for the chapter:
    # the address, the version, its reviews, its history with what is scheduled, the related
    # chapters with those linking here, and its sections; two for the partnerships: the
    # selector's list and those with local information in the chapter; one for the contacts
    # the chapter's routes name (Online safety has had routes since 7 December 2026); one for
    # the glossary terms whose first use is marked (a page build only: a cached hit reads none).
    with django_assert_max_num_queries(10):
        assert client.get("/chapters/online-safety/").status_code == 200


def test_healthz(client, db):
    assert client.get("/healthz/").content == b"ok"
