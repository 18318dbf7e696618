"""Issue 20, in the moment of need, as a social worker, a school DSL and a police officer
would try it on a phone (375 px) and at a desk (1280 px): Contacts from every page, a
partnership's numbers first on its contents page, What to do now that is each chapter's own,
the first number on the first screen of a phone, search that knows the words for a contact,
and a problem report that reaches whoever looks after the text. Each page axe-clean."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from procedures import selectors
from procedures.models import Chapter, Draft
from tests.conftest import run_jobs
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [375, 1280]
NORTHMOOR = "Northmoor Safeguarding Children Partnership (fictional)"
# The fold a phone shows first (375x812): the first number must be within it.
FIRST_SCREEN = 700


def top(page, selector):
    return page.evaluate(
        "s => Math.round(document.querySelector(s).getBoundingClientRect().top + scrollY)",
        selector,
    )


def schedule(slug, *, days, topic, editor, publisher):
    """A version of the chapter taking effect in `days` days: a coming-change notice."""
    chapter = Chapter.objects.get(slug=slug)
    latest = selectors.latest_version(chapter)
    draft = Draft.objects.create(
        chapter=chapter,
        based_on=latest.number,
        chapter_number=latest.chapter_number,
        title=latest.title,
        part=latest.part,
        body=latest.source + f"\n\n## Abuse in {topic} {{#{topic}}}\n\nCoaches report it.\n",
        summary=f"Adds a section on abuse in {topic}: what coaches and clubs must do.",
        effective_date=datetime.date.today() + datetime.timedelta(days=days),
        review_date=datetime.date.today() + datetime.timedelta(days=400),
        created_by=editor,
    )
    draft.authors.add(editor)
    publish(by=publisher, draft=draft)


@pytest.fixture
def coming_versions(sample_manual):
    """Online safety with two versions still to come, as it was on 6 December 2026."""
    editor = User.objects.create_user("edna", "e@example.org", "pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher = User.objects.create_user("pat", "p@example.org", "pw", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    for days, topic in [(30, "sport"), (60, "music")]:
        schedule("online-safety", days=days, topic=topic, editor=editor, publisher=publisher)


@pytest.mark.parametrize("width", WIDTHS)
def test_numbers_one_tap_from_everywhere(live_server, browser, axe_check, coming_versions, width):
    context = browser.new_context(viewport={"width": width, "height": 812})
    context.set_default_timeout(15000)
    page = context.new_page()
    site = live_server.url

    # 1. Contacts from the header and the footer of any page, the partnership's when chosen.
    page.goto(site + "/glossary/")
    header_link = page.locator("header").get_by_role("link", name="Contacts", exact=True)
    expect(header_link).to_have_attribute("href", "/contacts/")
    expect(page.locator("footer").get_by_role("link", name="Contacts")).to_be_visible()
    page.goto(site + "/p/northmoor/glossary/")
    header_link.click()
    expect(page).to_have_url(site + "/p/northmoor/contacts/")
    expect(page.locator("main")).to_contain_text("Northmoor LADO")
    axe_check(page, f"contacts at {width} px")

    # 2. A partnership's contents page starts with 999, its front door, out of hours, LADO.
    page.goto(site + "/p/northmoor/")
    numbers = page.locator(".app-key-numbers")
    tels = numbers.locator('a[href^="tel:"]')
    expect(tels).to_have_count(4)
    assert [tels.nth(i).get_attribute("href") for i in range(4)] == [
        "tel:999",
        "tel:01632960001",
        "tel:01632960002",
        "tel:01632960004",
    ]
    assert top(page, ".app-key-numbers") < top(page, "#part-1")
    if width == 375:
        assert top(page, ".app-key-numbers a[href^='tel:']") < FIRST_SCREEN
    axe_check(page, f"Northmoor contents at {width} px")

    # 3. What to do now is each chapter's own: the LADO for allegations, with what it is for.
    page.goto(site + "/p/northmoor/chapters/allegations-against-staff-or-volunteers/")
    what = page.locator(".app-what-to-do-now")
    lado = what.locator(".app-route", has_text="Northmoor LADO")
    expect(lado.locator('a[href="tel:01632960004"]')).to_be_visible()
    expect(lado).to_contain_text("Not for a worry about a child's own family")
    if width == 375:
        assert top(page, "main a[href^='tel:']") < FIRST_SCREEN
    page.goto(site + "/p/northmoor/chapters/radicalisation/")
    routes = what.locator(".app-route")
    expect(routes).to_have_count(3)
    expect(routes.nth(0)).to_contain_text("Northmoor Prevent team")
    expect(routes.nth(1)).to_contain_text("Action Counters Terrorism")
    expect(routes.nth(1)).to_contain_text("Report suspected terrorist activity")
    if width == 375:
        assert top(page, "main a[href^='tel:']") < FIRST_SCREEN
    axe_check(page, f"Radicalisation with Northmoor at {width} px")

    # 4. On a phone the first number is on the first screen, coming versions folded.
    page.goto(site + "/p/northmoor/chapters/online-safety/")
    fold = page.locator(".app-partnership-choice__fold")
    expect(fold.locator("summary")).to_contain_text(f"Partnership: {NORTHMOOR}")
    expect(page.locator("#partnership-choice")).to_be_hidden()
    # The two coming chapter versions and Northmoor's coming local information.
    coming = page.locator(".app-coming-change details")
    expect(coming).to_have_count(3)
    expect(coming.nth(0).locator("summary")).to_have_text(
        re.compile(r"Version 6 takes effect on \d{1,2} \w+ \d{4}\.")
    )
    expect(coming.nth(0).get_by_role("link", name="See what changes in version 6")).to_be_hidden()
    first_tel = top(page, "main a[href^='tel:']")
    if width == 375:
        assert first_tel < FIRST_SCREEN, f"the first number is at {first_tel} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    coming.nth(0).locator("summary").click()
    expect(coming.nth(0).get_by_role("link", name="See what changes in version 6")).to_be_visible()
    axe_check(page, f"Online safety with Northmoor and coming versions at {width} px")

    # 5. Search knows the words for a contact, and never says "No results" above its card.
    page.locator("#site-search").fill("EDT")
    page.locator("#site-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/p/northmoor/search/\?q=EDT$"))
    card = page.locator(".app-contacts dt").first
    expect(card).to_contain_text("Northmoor Emergency Duty Team")
    expect(page.locator("main")).not_to_contain_text("No results")
    axe_check(page, f"search for EDT with Northmoor at {width} px")
    page.goto(site + "/search/?q=out+of+hours")
    elsewhere = page.locator(".app-contacts-elsewhere")
    for name in ("Eastbrook", "Northmoor", "Westhaven"):
        expect(elsewhere).to_contain_text(f"{name} Emergency Duty Team")
    axe_check(page, f"search for out of hours with no partnership at {width} px")
    page.get_by_role("link", name="Choose Westhaven Safeguarding Children Partnership").click()
    expect(page).to_have_url(site + "/p/westhaven/search/?q=out+of+hours")
    expect(page.locator(".app-contacts dt").first).to_contain_text("Westhaven Emergency Duty Team")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_problem_goes_to_whoever_looks_after_that_text(
    live_server, browser, axe_check, sample_manual, mailoutbox, settings, width
):
    settings.FEEDBACK_REGIONAL_EMAIL = "region@x.org"
    context = browser.new_context(viewport={"width": width, "height": 812})
    context.set_default_timeout(15000)
    page = context.new_page()
    for about, label, went_to, address in [
        ("regional", "The regional procedure", "the regional procedures team", "region@x.org"),
        (
            "local",
            "local information or contacts",
            f"the {NORTHMOOR} business unit",
            "procedures@northmoor.example",
        ),
    ]:
        page.goto(live_server.url + "/p/northmoor/chapters/online-safety/")
        page.get_by_role("link", name="Report a problem with this page").click()
        page.get_by_label(label).check()
        page.get_by_label("What is wrong?").fill(f"A problem in the {about} text.")
        axe_check(page, f"report a problem at {width} px")
        page.get_by_role("button", name="Send report").click()
        expect(page.locator(".app-sent-to")).to_contain_text(f"It went to {went_to}")
        axe_check(page, f"thank you at {width} px")
        run_jobs()
        assert mailoutbox[-1].to == [address]
    context.close()


def test_the_folds_open_by_keyboard_without_javascript(live_server, browser, coming_versions):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(live_server.url + "/p/northmoor/chapters/online-safety/")
    summary = page.locator(".app-partnership-choice__fold summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("node => node === document.activeElement"):
            break
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#partnership-choice")).to_be_visible()
    page.locator("#partnership-choice").select_option(label="None (regional procedures only)")
    page.get_by_role("button", name="Change").click()
    expect(page).to_have_url(live_server.url + "/chapters/online-safety/")
    # With no partnership chosen the choice stays open, and so does 999.
    expect(page.locator("#partnership-choice")).to_be_visible()
    expect(page.locator(".app-what-to-do-now a[href='tel:999']")).to_be_visible()
    notice = page.locator(".app-coming-change details").first
    notice.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(notice.get_by_role("link", name="See what changes in version 6")).to_be_visible()
    context.close()
