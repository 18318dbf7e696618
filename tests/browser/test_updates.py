"""Registering for updates in a real browser: the whole journey, with JavaScript and without,
and axe-core on every page of it. Uses the browser tests' fixtures (Chromium, axe)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import run_jobs
from tests.updates.conftest import link_to, path_of
from updates.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_confirm_and_unsubscribe_are_accessible(
    live_server, page, axe_check, console_errors, mailoutbox
):
    site = live_server.url
    page.goto(site + "/updates/")
    axe_check(page, "subscribe")

    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Subscribe").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    axe_check(page, "subscribe with an error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(page, "check your email")
    run_jobs()  # the worker sends the confirmation email

    page.goto(site + path_of(link_to(mailoutbox[0].body, "/updates/confirm/")))
    axe_check(page, "confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    axe_check(page, "subscribed")
    assert Subscriber.objects.get().is_confirmed

    page.goto(site + path_of(link_to(mailoutbox[0].body, "/updates/unsubscribe/")))
    axe_check(page, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    axe_check(page, "unsubscribed")
    assert not Subscriber.objects.exists()
    assert console_errors == []

    page.goto(site + "/updates/confirm/tampered/")  # answered with status 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    axe_check(page, "bad link")


def test_subscribing_works_without_javascript(live_server, browser, mailoutbox):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/updates/")
    page.get_by_label("Email address").fill("")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Enter your email address")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    run_jobs()
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]
    context.close()
