"""A practitioner meets an abbreviation in a chapter on a 320 px phone, without JavaScript:
its expansion is in the text, and the keyboard follows its link to the glossary entry. The
glossary page and the chapter are axe-clean, and the glossary prints cleanly."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)

CHAPTER = "/chapters/allegations-against-staff-or-volunteers/"


@pytest.fixture
def site(live_server, sample_manual):
    return live_server.url


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px ({width} px wide)"


def test_marked_chapter_and_glossary_are_accessible_at_320_px(site, browser, axe_check):
    # axe-core runs as a script, so this page has JavaScript; the next test has none.
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(site + "/chapters/online-safety/")
    term = page.locator('.app-chapter-body a[href="/glossary/#ict"]')
    expect(term).to_have_text("ICT (information and communication technology)")
    expect(term.locator("abbr")).to_have_text("ICT")
    axe_check(page, "a chapter with marked terms")
    no_sideways_scroll(page)
    page.goto(site + "/glossary/")
    axe_check(page, "the glossary page")
    no_sideways_scroll(page)
    context.close()


def test_abbreviation_in_a_chapter_leads_by_keyboard_to_its_entry(site, browser, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(site + CHAPTER)
    link = page.locator('.app-chapter-body a[href="/glossary/#lado"]')
    expect(link).to_have_count(1)
    expect(link.locator("abbr")).to_have_text("LADO")
    for _ in range(300):  # Tab through the page, as a keyboard user does, to the term's link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/glossary/#lado":
            break
    else:
        pytest.fail("the glossary link is not reachable with the Tab key")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/glossary/#lado")
    entry = page.locator("#lado")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("LADO (local authority designated officer)")
    expect(entry).to_contain_text("manages and oversees allegations")
    no_sideways_scroll(page)

    page.locator(".app-glossary-letters").get_by_role("link", name="Terms starting with S").click()
    expect(page).to_have_url(site + "/glossary/#letter-s")
    expect(page.locator("#letter-s")).to_be_in_viewport()

    page.emulate_media(media="print")
    pdf_path = tmp_path / "glossary.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    printed = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf_path).pages))
    assert "LADO (local authority designated officer)" in printed
    assert "Terms starting with" not in printed and "Back to top" not in printed
    context.close()
