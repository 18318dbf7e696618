"""Reporting a problem with a chapter in a real browser: the link on the chapter, the form,
its error state and the thank-you page, checked with axe-core, by keyboard and without
JavaScript."""

import pytest
from playwright.sync_api import expect

from feedback.models import Feedback
from tests.conftest import run_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAPTER = "/p/northmoor/chapters/online-safety/"


def test_reporting_a_problem_is_accessible_and_reaches_the_business_unit(
    live_server, page, axe_check, console_errors, manual_as_it_stands_today, mailoutbox
):
    page.goto(live_server.url + CHAPTER)
    page.get_by_role("link", name="Report a problem with this page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem with this page")
    expect(
        page.get_by_text("Goes to the Northmoor Safeguarding Children Partnership")
    ).to_be_visible()
    axe_check(page, "report a problem")

    page.get_by_label("Your email address (optional)").fill("not an email")
    page.get_by_role("button", name="Send report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("Enter what is wrong with this page")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(summary).to_contain_text("Select which part of the page is wrong")
    assert page.title().startswith("Error: ")
    axe_check(page, "report a problem with errors")
    summary.get_by_role("link", name="Enter what is wrong with this page").click()
    expect(page.get_by_label("What is wrong?")).to_be_focused()

    page.get_by_label("What is wrong?").fill("The LADO number in local information is old.")
    page.get_by_label("local information or contacts").check()
    page.get_by_label("Your email address (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    axe_check(page, "thank you")
    assert console_errors == []

    run_jobs()  # the worker sends the report
    assert [m.to for m in mailoutbox] == [["procedures@northmoor.example"]]
    assert Feedback.objects.get().partnership.slug == "northmoor"
    page.get_by_role("link", name="Back to").click()
    expect(page).to_have_url(live_server.url + CHAPTER)


def test_reporting_a_problem_by_keyboard_alone(live_server, page, manual_as_it_stands_today):
    page.goto(live_server.url + "/chapters/online-safety/feedback/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "what-is-wrong":
            break
    expect(page.get_by_label("What is wrong?")).to_be_focused()
    page.keyboard.type("A broken link under Reporting routes.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your email address (optional)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send report")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert Feedback.objects.get().what_is_wrong == "A broken link under Reporting routes."


def test_reporting_a_problem_works_without_javascript(
    live_server, browser, manual_as_it_stands_today, mailoutbox
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/chapters/online-safety/")
    page.get_by_role("link", name="Report a problem with this page").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-error-message")).to_contain_text(
        "Enter what is wrong with this page"
    )
    page.get_by_label("What is wrong?").fill("Typo in the first section.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("It went to the regional procedures team")).to_be_visible()
    run_jobs()
    assert len(mailoutbox) == 1
    context.close()
