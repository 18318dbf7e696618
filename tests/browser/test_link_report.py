"""A manager signs in and reads the link report in a real browser: the links to put right,
chapter by chapter, checked with axe-core; the editing desk's preview marks the same links
in words. The checks were made against a local server (tests/links), never the internet."""

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import expect

from links.checking import record
from links.fetching import Answer

pytestmark = pytest.mark.django_db(transaction=True)

LOST = "https://www.gov.uk/government/publications/covid-19-safeguarding-in-schools-colleges-and-other-providers"
OLD = "https://reportharmfulcontent.com/"
WITHDRAWN = "https://www.gov.uk/guidance/safeguarding-and-remote-education"


@pytest.fixture
def site(live_server, manual_as_it_stands_today):
    for name, group in [("mo", "Manager"), ("edna", "Editor")]:
        user = User.objects.create_user(
            name, f"{name}@example.org", "a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        device = StaticDevice.objects.create(user=user, name="Backup codes")
        device.token_set.create(token=f"{name}-backup-code")
    # What a check found (tests/links checks a local server; the browser only reads).
    record(LOST, Answer("broken", 404, problem="404 Not Found"))
    record(OLD, Answer("moved", 200, redirect_to="https://reportharmfulcontent.com/en/"))
    record(
        WITHDRAWN,
        Answer(
            "withdrawn", 200, withdrawn_notice="This guidance was withdrawn on 1 September 2025"
        ),
    )
    return live_server.url


def log_in(browser, site, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill(f"{username}-backup-code")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Drafts, releases and the manual")).to_be_visible()
    return page


def test_a_manager_reads_the_link_report_chapter_by_chapter(site, browser, axe_check):
    manager = log_in(browser, site, "mo")
    manager.get_by_role("link", name="External links").click()
    expect(manager.get_by_role("heading", name="Links to check")).to_be_visible()
    online_safety = manager.get_by_role("table", name="2.5 Online safety")
    expect(online_safety).to_be_visible()
    expect(online_safety.get_by_role("row").filter(has_text=OLD)).to_contain_text(
        "now at https://reportharmfulcontent.com/en/"
    )
    expect(manager.locator("#content-main")).to_contain_text(
        "This guidance was withdrawn on 1 September 2025"
    )
    axe_check(manager, "link report")
    manager.context.close()


def test_an_editor_does_not_see_the_link_report(site, browser):
    editor = log_in(browser, site, "edna")
    expect(editor.get_by_role("link", name="External links")).to_have_count(0)
    response = editor.goto(site + "/admin/links/externallink/")
    assert response.status == 403
    editor.context.close()
