"""A partnership's PDF names, on every page, the partnership, the chapter version, its local
information and contacts versions and a check address under /p/<partnership>/; the check page
says whether any of them changed since. PDFs made before a scheduled date say what is coming
and when a review is overdue, and are made again when that changes."""

import dataclasses
import datetime
import re

import pytest

from partnerships.models import Partnership
from partnerships.records import ContactRecord
from partnerships.selectors import newest_contacts
from partnerships.versions import store_contacts
from pdfs import building, documents
from pdfs.models import PdfFile
from procedures.models import ChapterVersion
from tests.pdfs.conftest import pages_of

pytestmark = pytest.mark.django_db

NORTHMOOR = "Northmoor Safeguarding Children Partnership (fictional)"
# Online safety version 2 is in force, due for review on 21 June 2025 (overdue after it);
# version 5 takes effect on 7 December 2026 (3 and 4 were never in force) and Northmoor's
# local information version 2 on 4 January 2027.
JULY_2025 = datetime.date(2025, 7, 1)
# Online safety version 5 is in force from 7 December 2026. The sample contacts' first
# version takes effect on the day they are loaded, so a new one comes after that.
CHANGED = max(datetime.date(2027, 1, 12), datetime.date.today() + datetime.timedelta(days=1))
BEFORE = CHANGED - datetime.timedelta(days=1)


@pytest.fixture
def today(monkeypatch):
    """Call today(day): the manual's 'today' is that day."""

    def on(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
        return day

    return on


def day(value):
    return f"{value.day} {value:%B %Y}"


def northmoor():
    return Partnership.objects.get(slug="northmoor")


def online_safety(number):
    return ChapterVersion.objects.get(chapter__slug="online-safety", number=number)


def chapter_pdf_pages(version, partnership):
    assert building.build(kind="chapter", version_id=version.pk, partnership_id=partnership.pk) in (
        "built",
        "up to date",
    )
    pdf = PdfFile.objects.filter(status="ready").order_by("-built_at").first()
    return pages_of(bytes(pdf.content))


def flat(text):
    return re.sub(r"\s", "", text)


def change_front_door(partnership, phone, *, effective):
    """A new contacts version in which the front door has another number."""
    records = [
        ContactRecord(
            slug=c.slug, kind=c.kind, name=c.name, phone=phone if c.kind == "front-door" else
            c.phone, hours=c.hours, email=c.email, web=c.web, notes=c.notes, order=c.order,
        )
        for c in newest_contacts(partnership)
    ]  # fmt: skip
    return store_contacts(
        partnership=partnership,
        name=partnership.name,
        area=partnership.area,
        contacts=records,
        summary="The front door has a new number.",
        effective_date=effective,
        review_date=effective + datetime.timedelta(days=365),
    )


def test_every_page_of_a_partnerships_chapter_pdf_names_its_versions_and_check_address(
    sample_manual, today
):
    today(JULY_2025)
    pages = chapter_pdf_pages(online_safety(2), northmoor())
    contacts = northmoor().versions.get(valid_until__isnull=True).number
    check = f"http://127.0.0.1:8000/p/northmoor/v/online-safety/2/?local=1&contacts={contacts}"
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"Version 2, effective 21 June 2024 (review overdue). {NORTHMOOR}" in text.replace(
            "With local information for ", ""
        ), number
        assert f"local information version 1, contacts version {contacts}" in text, number
        assert check in flat(text), number
        # The regional check address is printed nowhere.
        assert "8000/v/" not in flat(text), number
    first = pages[0]
    assert "Review overdue: this version was due for review in June 2025" in first
    assert "Version 5 takes effect on 7 December 2026." in first
    assert "Local information version 2 takes effect on 4 January 2027." in first


def test_the_regional_pdf_keeps_the_regional_check_address(sample_manual, today):
    today(JULY_2025)
    assert building.build(kind="chapter", version_id=online_safety(2).pk) == "built"
    pages = pages_of(bytes(PdfFile.objects.get(status="ready").content))
    for text in pages:
        assert "http://127.0.0.1:8000/v/online-safety/2/" in flat(text)
        assert "/p/" not in flat(text) and "local information version" not in text


def test_a_contacts_change_makes_a_new_pdf_that_says_so(sample_manual, today):
    today(BEFORE)
    before = documents.chapter(version=online_safety(5), partnership=northmoor(), with_text=False)
    change_front_door(northmoor(), "01632 960099", effective=CHANGED)
    today(CHANGED)
    after = documents.chapter(version=online_safety(5), partnership=northmoor(), with_text=False)
    assert before.fingerprint() != after.fingerprint()
    pages = chapter_pdf_pages(online_safety(5), northmoor())
    new = northmoor().versions.get(valid_until__isnull=True).number
    assert all(f"contacts version {new}" in text for text in pages)
    assert "01632 960099" in pages[0]


def test_the_check_page_says_a_contact_changed_since_the_printout(client, sample_manual, today):
    from partnerships.printouts import check_path

    today(BEFORE)
    url = check_path(online_safety(5), northmoor())  # as the printout made that day says
    assert url.startswith("/p/northmoor/v/online-safety/5/?local=")
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "is the version to act on today" in page
    assert page.count("Unchanged: still the one in force today") == 2

    change_front_door(northmoor(), "01632 960099", effective=CHANGED)
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert f"Coming: Contacts version 2 takes effect on {day(CHANGED)}" in page
    today(CHANGED)
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "is the version to act on today" not in page
    assert "Something this printout shows has changed since" in page
    assert f"Contacts for {NORTHMOOR} changed on {day(CHANGED)}:" in page
    assert (
        "Northmoor Children&#x27;s Front Door (MASH): number now 01632 960099 "
        "(was 01632 960001)" in page
    )
    assert 'href="/p/northmoor/contacts/"' in page


def test_the_check_page_says_the_local_information_changed(client, sample_manual, today):
    printed = northmoor().versions.get(valid_until__isnull=True).number
    url = f"/p/northmoor/v/online-safety/5/?local=1&contacts={printed}"
    today(datetime.date(2026, 12, 20))
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "is the version to act on today" in page
    assert "Coming: Local information version 2 takes effect on 4 January 2027" in page

    today(datetime.date(2027, 1, 5))
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "is the version to act on today" not in page
    assert f"Local information for {NORTHMOOR} changed on 4 January 2027:" in page
    assert "Version 2, effective 4 January 2027: The Northmoor Online Safety Hub" in page
    assert 'href="/p/northmoor/chapters/online-safety/local/"' in page


@pytest.mark.parametrize("query", ["", "?local=abc&contacts=", "?local=99999999999&contacts=-1"])
def test_a_check_address_without_the_versions_asks_the_reader_to_compare(
    client, sample_manual, query
):
    response = client.get(f"/p/northmoor/v/online-safety/5/{query}")
    assert response.status_code == 200
    assert response.content.decode().count("does not say which version it showed") == 2


def test_a_pdf_is_made_again_when_a_scheduled_version_takes_effect_or_a_review_falls_due(
    sample_manual, today
):
    def key(day):
        today(day)
        return documents.chapter(
            version=online_safety(2), partnership=northmoor(), with_text=False
        ).fingerprint()

    # The same all along until the review falls due on 21 June 2025 ...
    assert key(datetime.date(2025, 6, 1)) == key(datetime.date(2025, 6, 21))
    assert key(datetime.date(2025, 6, 21)) != key(datetime.date(2025, 6, 22))
    # ... and again when a scheduled version (the text, local information) takes effect.
    today(datetime.date(2025, 6, 22))
    regional = documents.manual(with_text=False)
    assert ["online-safety", ["Version 5 takes effect on 7 December 2026."], "2025-06-21"] in (
        regional.manifest()["notices"]
    )


def test_the_next_day_the_pdfs_change_by_themselves(sample_manual, today):
    from pdfs.tasks import next_change_day

    # Online safety version 2 is due for review on 21 June 2025: overdue from the 22nd.
    assert next_change_day(today(datetime.date(2025, 6, 2))) == datetime.date(2025, 6, 22)
    # Northmoor's local information version 2 takes effect on 4 January 2027.
    assert next_change_day(today(datetime.date(2026, 12, 20))) <= datetime.date(2027, 1, 4)


def test_shown_footer_says_when_a_chapter_has_no_local_information(sample_manual):
    from partnerships import printouts
    from procedures.models import Chapter

    shown = printouts.shown(northmoor(), Chapter.objects.get(slug="bullying"))
    assert dataclasses.asdict(shown)["local"] is None
    assert shown.footer().endswith("no local information in this chapter, contacts version 1")
