"""A practitioner reads the manual in a real browser: contents, chapter, amendments,
cross-links, the way back, accessibility on each page type, keyboard use and printing."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from procedures.models import ChapterVersion

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, sample_manual):
    return live_server.url


def test_reader_follows_online_safety_to_bullying_and_back(site, page, axe_check, console_errors):
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding children procedures")
    axe_check(page, "contents")

    page.get_by_role("link", name=re.compile(r"^2\.5 Online safety")).click()
    expect(page).to_have_url(site + "/chapters/online-safety/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Online safety")
    axe_check(page, "chapter")

    amendments = page.locator("details.app-amendments")
    expect(amendments.get_by_text("Section on victim blaming added")).to_be_hidden()
    page.get_by_text("Show amendments").click()
    expect(amendments.get_by_text("Section on victim blaming added", exact=False)).to_be_visible()
    axe_check(page, "chapter with amendments open")

    body = page.locator(".app-chapter-body")
    body.get_by_role("link", name="Bullying", exact=True).first.click()
    expect(page).to_have_url(site + "/chapters/bullying/")
    axe_check(page, "cross-linked chapter")

    page.locator(".app-related").get_by_role("link", name=re.compile("Online safety")).last.click()
    expect(page).to_have_url(site + "/chapters/online-safety/")
    assert console_errors == []


def test_superseded_version_and_history_pages_are_accessible(site, page, axe_check):
    page.goto(site + "/chapters/online-safety/versions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("All versions")
    axe_check(page, "versions list")

    page.get_by_role("link", name="Version 1").click()
    banner = page.locator(".app-superseded-banner")
    expect(banner).to_contain_text("superseded")
    axe_check(page, "superseded version")
    banner.get_by_role("link", name=re.compile("current version")).click()
    expect(page).to_have_url(site + "/chapters/online-safety/")


def test_not_found_page_helps_and_is_accessible(site, page, axe_check):
    response = page.goto(site + "/chapters/no-such-chapter/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name=re.compile("contents", re.I)).first).to_be_visible()
    axe_check(page, "404")


def test_keyboard_user_skips_to_content_and_opens_amendments(site, page):
    page.goto(site + "/chapters/online-safety/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    summary = page.locator("details.app-amendments summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.app-amendments")).to_have_attribute("open", "")


def test_chapter_reads_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/chapters/online-safety/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Online safety")
    page.get_by_text("Show amendments").click()
    expect(page.get_by_text("Section on victim blaming added", exact=False)).to_be_visible()
    page.locator("a[href='#grooming-and-the-law']").click()
    expect(page).to_have_url(re.compile("#grooming-and-the-law$"))
    context.close()


def test_phone_width_has_no_sideways_scrolling(site, browser, axe_check):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/chapters/online-safety/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    axe_check(page, "chapter at 320px")
    context.close()


def test_printed_chapter_carries_the_footer_with_version_and_url(site, page, tmp_path):
    page.goto(site + "/chapters/online-safety/")
    page.emulate_media(media="print")
    expect(page.locator(".app-print-footer")).to_be_visible()
    expect(page.locator("#site-search")).to_be_hidden()
    pdf_path = tmp_path / "chapter.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    text = " ".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    text = re.sub(r"\s+", " ", text)
    # The server renders only the day (the page is cached all day); the time of day comes
    # from print-time.js in the reader's browser.
    assert re.search(r"This page is correct as printed on \w+day \d{1,2} \w+ \d{4}, \d", text)
    # Version 2 until Online safety 3 takes effect on 7 December 2026, then version 3.
    current = ChapterVersion.objects.current().get(chapter__slug="online-safety")
    day = current.effective_date
    assert f"Version {current.number}, effective {day.day} {day:%B %Y}" in text
    # A long URL may wrap across lines in the PDF, so compare without white space.
    url = site + f"/chapters/online-safety/versions/{current.number}/"
    assert url in re.sub(r"\s", "", text)
    assert "Victim blaming" in text
    assert "Skip to main content" not in text


def test_accessibility_statement_is_linked_from_every_page_and_accessible(site, page, axe_check):
    page.goto(site + "/")
    page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    axe_check(page, "accessibility statement")


def test_gov_uk_frontend_starts_from_a_static_module_under_the_policy(site, page, console_errors):
    # No inline script and no nonce: the module file is allowed by script-src 'self' alone.
    page.goto(site + "/chapters/online-safety/")
    expect(page.locator(".govuk-skip-link")).to_have_attribute("data-govuk-skip-link-init", "")
    assert console_errors == []
