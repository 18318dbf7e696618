"""A practitioner prints a chapter for a meeting pack: any one page, taken alone, says what it
is, which version, when it was printed, where to check it and which page of how many."""

import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, sample_manual):
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
