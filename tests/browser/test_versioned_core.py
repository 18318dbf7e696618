"""The promises every kind of content keeps, where a manager and a reader see them: What to do
now is edited and published like the chapter (four-eyes, the routes in what changed, never a
silent minor correction), a version says when it is next reviewed, and coming versions are
listed before they take effect, the partnership's own included."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_publishing import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, manual_as_it_stands_today, editor_and_publisher):
    return live_server.url


def test_a_manager_adds_a_route_and_the_reader_sees_it_in_what_to_do_now(site, browser, axe_check):
    next_year = timezone.localdate() + datetime.timedelta(days=365)
    editor = log_in(browser, site, "edna")
    editor.goto(site + "/admin/procedures/chapter/?q=bullying")
    editor.get_by_role("link", name="Draft the next version").click()
    # What to do now is folded away in the form (an amendment rarely changes it).
    editor.locator("summary", has_text="What to do now").click()
    editor.locator("#id_routes").get_by_label("Childline", exact=True).check()
    # A change of where to report cannot pass as a minor correction.
    editor.get_by_label("Minor correction").check()
    editor.get_by_label("Next review").fill(next_year.isoformat())
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator("main, #content").first).to_contain_text(
        "not a minor correction (adds Childline to What to do now)"
    )
    editor.get_by_label("Minor correction").uncheck()
    editor.get_by_label("Amendment summary").fill("Childline added to What to do now.")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")

    publisher = log_in(browser, site, "pat")
    publisher.goto(site + "/admin/procedures/draft/")
    publisher.get_by_role("link", name=re.compile("Review .*Bullying")).click()
    details = publisher.locator(".app-diff table")
    expect(details).to_contain_text("What to do now")
    expect(details).to_contain_text("Childline")
    axe_check(publisher, "review of a route change")
    publisher.get_by_role("button", name=re.compile("Publish")).click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published")

    reader = browser.new_context().new_page()
    reader.goto(site + "/chapters/bullying/")
    expect(reader.locator("section.app-what-to-do-now")).to_contain_text("Childline")
    axe_check(reader, "chapter with its routes")


def test_coming_versions_are_listed_before_they_take_effect(
    live_server, sample_manual, browser, axe_check
):
    """The sample manual: Online safety's next versions take effect on 7 December 2026, and
    Northmoor's next local information on 4 January 2027."""
    reader = browser.new_context().new_page()
    reader.goto(live_server.url + "/p/northmoor/amendments/")
    main = reader.locator("main")
    today = timezone.localdate()
    if today < datetime.date(2026, 12, 7):
        expect(main).to_contain_text("Coming: takes effect on 7 December 2026")
    if today < datetime.date(2027, 1, 4):
        local = reader.locator("#local-changes").locator("..")
        expect(local).to_contain_text("Coming: takes effect on 4 January 2027")
        expect(local).to_contain_text("Online Safety Hub takes calls")
    axe_check(reader, "amendments under a partnership")
