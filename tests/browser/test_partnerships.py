"""A practitioner chooses their partnership: its numbers in "What to do now", its local
information in Online safety, the choice kept on a shareable address and on paper; on a
320 px wide phone, without JavaScript, axe-clean."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, sample_manual):
    return live_server.url


def choose(page, name):
    fold = page.locator(".app-partnership-choice__fold")
    if fold.count() and not fold.evaluate("details => details.open"):
        # Once a partnership is chosen the choice folds behind one line that opens.
        fold.locator("summary").click()
    page.locator("#partnership-choice").select_option(label=name)
    page.locator(".app-partnership-choice").get_by_role("button").click()


def test_choosing_switching_sharing_and_printing_a_partnership(site, browser, axe_check, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(site + "/chapters/online-safety/")
    what = page.locator(".app-what-to-do-now")
    expect(what).to_contain_text("999")
    expect(what).to_contain_text("This chapter has local information from")

    choose(page, "Northmoor Safeguarding Children Partnership (fictional)")
    expect(page).to_have_url(site + "/p/northmoor/chapters/online-safety/")
    expect(what.locator('a[href="tel:01632960001"]')).to_be_visible()
    expect(what.locator('a[href="tel:01632960002"]')).to_be_visible()
    local = page.locator(".app-local-information")
    expect(local).to_contain_text("Local information: Northmoor")
    expect(local).to_contain_text("Northmoor Online Safety Hub")

    # The choice is remembered: the plain address leads back to Northmoor's.
    page.goto(site + "/chapters/referrals/")
    expect(page).to_have_url(site + "/p/northmoor/chapters/referrals/")
    page.goto(site + "/chapters/online-safety/")

    choose(page, "Eastbrook Safeguarding Children Partnership (fictional)")
    expect(page).to_have_url(site + "/p/eastbrook/chapters/online-safety/")
    expect(what.locator('a[href="tel:01134960001"]')).to_be_visible()
    expect(local).to_contain_text("Local information: Eastbrook")
    main = page.locator("main")
    expect(main).not_to_contain_text("Northmoor")
    expect(main).not_to_contain_text("01632")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px ({width} px wide)"
    context.close()

    # A partnership's website links straight in: a new reader, no cookie.
    shared = browser.new_context(java_script_enabled=False).new_page()
    shared.goto(site + "/p/westhaven/chapters/online-safety/")
    expect(shared.locator(".app-local-information")).to_contain_text("Local information: Westhaven")
    expect(shared.locator("#partnership-choice option:checked")).to_have_text(
        "Westhaven Safeguarding Children Partnership (fictional)"
    )
    shared.emulate_media(media="print")
    pdf_path = tmp_path / "printed.pdf"
    shared.pdf(path=str(pdf_path), format="A4")
    printed = " ".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    printed = re.sub(r"\s+", " ", printed)
    assert "Local information: Westhaven" in printed
    assert "With local information for Westhaven" in printed
    # The version current today (5 since 7 December 2026).
    assert re.search(r"/p/westhaven/v/online-safety/\d+/", printed.replace(" ", ""))


def test_partnership_pages_are_accessible(site, page, axe_check):
    page.goto(site + "/chapters/online-safety/")
    axe_check(page, "chapter with no partnership chosen")
    page.goto(site + "/p/northmoor/chapters/online-safety/")
    expect(page.locator(".app-local-information")).to_be_visible()
    axe_check(page, "chapter with Northmoor chosen")
    page.goto(site + "/p/eastbrook/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    axe_check(page, "contacts")
    page.goto(site + "/p/eastbrook/search/?q=zzyzx")
    expect(page.locator(".app-what-to-do-now")).to_contain_text("999")
    axe_check(page, "search with no results")
    page.goto(site + "/p/eastbrook/search/?q=childline")
    expect(page.locator("#contact-results")).to_be_visible()
    axe_check(page, "search with a contact")
