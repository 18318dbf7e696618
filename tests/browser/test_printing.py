"""A practitioner prints a chapter for a meeting pack: any one page, taken alone, says what it
is, which version, when it was printed, where to check it and which page of how many."""

import datetime
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)


# Online safety version 2 is in force that day, due for review on 21 June 2025; version 5
# takes effect on 7 December 2026, Northmoor's local information version 2 on 4 January 2027.
A_DAY = datetime.date(2025, 6, 2)


@pytest.fixture
def site(live_server, sample_manual, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: A_DAY)
    return live_server.url


def printed_pages(page, url, tmp_path):
    page.goto(url)
    # page.pdf() does not fire beforeprint; a reader's browser does (print-margins.js).
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf_path = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(pdf_path).pages]


def test_every_printed_page_carries_chapter_version_time_check_address_and_page_number(
    site, page, tmp_path, axe_check
):
    pages = printed_pages(page, site + "/chapters/online-safety/", tmp_path)
    assert len(pages) >= 3, "the test needs a chapter that prints on several pages"
    for number, text in enumerate(pages, start=1):
        assert "2.5 Online safety" in text, f"page {number}"
        assert "Version 2, effective 21 June 2024" in text, f"page {number}"
        assert re.search(r"Printed on \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d\d[ap]m", text), (
            f"page {number}: {text[-300:]}"
        )
        # The address may wrap at the margin: compare without white space.
        assert site + "/v/online-safety/2/" in re.sub(r"\s", "", text), f"page {number}"
        assert f"Page {number} of {len(pages)}" in text, f"page {number}"
        assert "Superseded" not in text
    everything = " ".join(pages)
    # Cross-links print the full address, never a bare path.
    assert f"({site}/chapters/bullying/" in re.sub(r"\s", "", everything).replace("Bullying(", "(")
    assert "(/chapters/" not in everything
    page.emulate_media(media="screen")
    axe_check(page, "chapter with print stylesheet")


def test_printed_superseded_version_says_so_on_every_page(site, page, tmp_path):
    pages = printed_pages(page, site + "/chapters/online-safety/versions/1/", tmp_path)
    for number, text in enumerate(pages, start=1):
        assert "Superseded: do not act on it" in text, f"page {number}"
        assert site + "/v/online-safety/1/" in re.sub(r"\s", "", text), f"page {number}"


def test_long_addresses_wrap_instead_of_running_off_the_page(site, browser):
    # A4 less the page margins is about 680 CSS pixels wide.
    context = browser.new_context(viewport={"width": 680, "height": 900})
    page = context.new_page()
    page.goto(site + "/chapters/online-safety/")
    page.emulate_media(media="print")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main *, .app-print-footer *')]
            .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
            .map(el => el.tagName + ' ' + el.textContent.slice(0, 60))"""
    )
    assert overflowing == [], overflowing
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    context.close()


def test_a_partnerships_printed_pages_name_its_versions_and_its_check_address(site, page, tmp_path):
    pages = printed_pages(page, site + "/p/northmoor/chapters/online-safety/", tmp_path)
    check = site + "/p/northmoor/v/online-safety/2/?local=1&contacts=1"
    names = (
        "With local information for Northmoor Safeguarding Children Partnership (fictional): "
        "local information version 1, contacts version 1"
    )
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        squeezed = re.sub(r"\s", "", text)
        assert "Version 2, effective 21 June 2024" in text, f"page {number}"
        assert re.sub(r"\s", "", names) in squeezed, f"page {number}"
        assert check in squeezed, f"page {number}"
        # The regional check address is printed nowhere.
        assert squeezed.count("/v/online-safety/") == squeezed.count("/p/northmoor/v/"), number
    everything = " ".join(pages)
    # Printed before the scheduled dates, it says what is coming.
    assert "Version 5 takes effect on 7 December 2026" in everything
    assert "local information version 2 takes effect on 4 January 2027" in everything


def test_the_check_page_of_a_partnerships_printout(site, page, axe_check):
    page.goto(site + "/p/northmoor/v/online-safety/2/?local=1&contacts=1")
    expect(page.get_by_role("heading", name="This is the current version")).to_be_visible()
    checks = page.locator(".app-printout-checks")
    expect(checks).to_contain_text("Unchanged: still the one in force today")
    expect(checks).to_contain_text("Coming: Local information version 2 takes effect on 4 January")
    axe_check(page, "check page of a partnership's printout")
