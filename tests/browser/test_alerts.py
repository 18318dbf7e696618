"""Alerts by choice in a real browser: signing up for chosen chapters and changing the choice
from an email's link, by keyboard, with and without JavaScript, axe-core on every page."""

import pytest
from playwright.sync_api import expect

from procedures.models import Chapter, Part
from tests.conftest import run_jobs
from tests.updates.conftest import link_to, path_of
from updates.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONLINE_SAFETY = "2.5 Online safety: Children exposed to abuse through digital media"


def tab_to(page, label, *, limit=80):
    """Press Tab until the element labelled `label` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return (el.labels && el.labels[0] ? el.labels[0].textContent"
            " : el.textContent || '').trim(); }"
        )
        if focused == label:
            return
    raise AssertionError(f"never reached {label!r} by Tab")


def test_sign_up_for_chosen_chapters_and_change_them_by_keyboard(
    live_server, page, axe_check, console_errors, mailoutbox, manual_as_it_stands_today
):
    site = live_server.url
    page.goto(site + "/updates/")
    axe_check(page, "subscribe with choices")

    page.get_by_label("Email address").focus()
    page.keyboard.type("reader@example.org")
    page.keyboard.press("Tab")  # into the radios
    page.keyboard.press("ArrowDown")  # "Only the parts or chapters I choose"
    expect(page.get_by_label("Only the parts or chapters I choose")).to_be_checked()
    tab_to(page, ONLINE_SAFETY)
    page.keyboard.press("Space")
    tab_to(page, "All of part 3, including chapters added later")
    page.keyboard.press("Space")
    tab_to(page, "No local information")  # Tab enters a radio group at its selected radio
    page.keyboard.press("ArrowUp")  # Westhaven
    page.keyboard.press("ArrowUp")  # Northmoor
    expect(
        page.get_by_label("Northmoor Safeguarding Children Partnership (fictional)")
    ).to_be_checked()
    tab_to(page, "Subscribe")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    run_jobs()

    reader = Subscriber.objects.get()
    assert [c.slug for c in reader.chapters.all()] == ["online-safety"]
    assert [p.number for p in reader.parts.all()] == [3]
    assert reader.partnership.slug == "northmoor"

    (confirmation,) = mailoutbox
    page.goto(site + path_of(link_to(confirmation.body, "/updates/confirm/")))
    expect(page.locator("main")).to_contain_text(ONLINE_SAFETY)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")

    page.goto(site + path_of(link_to(confirmation.body, "/updates/change/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change what you get")
    expect(page.get_by_label(ONLINE_SAFETY)).to_be_checked()
    axe_check(page, "change what you get")
    page.get_by_label(ONLINE_SAFETY).focus()
    page.keyboard.press("Space")  # no longer online safety
    tab_to(page, "1.1 Referrals")
    page.keyboard.press("Space")
    tab_to(page, "Save changes")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your choice is saved")).to_be_visible()
    expect(page.get_by_label("1.1 Referrals")).to_be_checked()
    axe_check(page, "choice saved")
    assert [c.slug for c in reader.chapters.all()] == ["referrals"]

    ticked = page.locator("#parts-and-chapters input:checked")
    while ticked.count():
        ticked.first.focus()
        page.keyboard.press("Space")
    page.get_by_label("No local information").focus()
    page.keyboard.press("Space")
    tab_to(page, "Save changes")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose at least one part or chapter")
    axe_check(page, "change what you get with an error")
    assert console_errors == []


def test_sign_up_and_change_without_javascript(
    live_server, browser, mailoutbox, manual_as_it_stands_today
):
    # No axe-core here: it runs as JavaScript. The same pages are checked in the test above.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    site = live_server.url
    page.goto(site + "/updates/")
    expect(page.get_by_label(ONLINE_SAFETY)).to_be_visible()  # shown without JavaScript
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Only the parts or chapters I choose").check()
    page.get_by_label("All of part 1, including chapters added later").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    run_jobs()
    reader = Subscriber.objects.get()
    assert list(reader.parts.all()) == [Part.objects.get(number=1)]

    page.goto(site + path_of(link_to(mailoutbox[0].body, "/updates/change/")))
    page.get_by_label("All of part 1, including chapters added later").uncheck()
    page.get_by_label(ONLINE_SAFETY).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your choice is saved")).to_be_visible()
    assert list(reader.chapters.all()) == [Chapter.objects.get(slug="online-safety")]
    assert not reader.parts.exists()

    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    assert not Subscriber.objects.exists()

    page.goto(site + path_of(link_to(mailoutbox[0].body, "/updates/change/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    context.close()
