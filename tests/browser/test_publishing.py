"""An amendment from draft to reader, in real browsers: an editor drafts a change to Online
safety and checks the preview; a publisher reviews the diff and publishes it in a release; a
reader in another browser context sees the new version, its amendment, the release, and search
finds the new words and not the removed ones. axe-core checks every public page on the way."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procedures.models import ChapterVersion
from tests.browser.conftest import without_dead_ends

pytestmark = pytest.mark.django_db(transaction=True)

REMOVED = "children and young people tend to become less inhibited"
ADDED = "children and young people can feel emboldened by anonymity and sextortionists exploit it"
# Every version is published with its next review date.
NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
SUMMARY = "Types of online abuse: how anonymity emboldens children and is exploited."


@pytest.fixture
def site(live_server, manual_as_it_stands_today, editor_and_publisher):
    return live_server.url


def log_in(browser, site, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill(f"{username}-backup-code")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name=re.compile("Drafts, releases and the manual"))
    ).to_be_visible()
    return page


def test_an_amendment_goes_from_draft_to_reader(site, browser, axe_check):
    today = timezone.localdate()
    before = ChapterVersion.objects.filter(chapter__slug="online-safety").count()
    new = before + 1
    publisher = log_in(browser, site, "pat")
    # The publisher plans a release, taking effect today.
    publisher.goto(site + "/admin/procedures/release/add/")
    publisher.get_by_label("Name").fill("Autumn 2026 update")
    publisher.get_by_label("Effective date").fill(today.isoformat())
    publisher.get_by_label("Introduction").fill("Online safety: anonymity and sextortion.")
    publisher.get_by_role("button", name="Save", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("was added successfully")

    # The editor drafts the amendment, starting from the current text.
    editor = log_in(browser, site, "edna")
    editor.goto(site + "/admin/procedures/chapter/?q=online-safety")
    editor.get_by_role("link", name="Draft the next version").click()
    body = editor.locator("#id_body")
    text = body.input_value()
    assert REMOVED in text
    preview = editor.locator(".markdownx-preview")
    body.fill(without_dead_ends(text).replace(REMOVED, ADDED))
    expect(preview).to_contain_text("emboldened by anonymity")  # the live preview, rendered
    expect(preview).not_to_contain_text("cannot be published")
    editor.get_by_label("Amendment summary").fill(SUMMARY)
    editor.get_by_label("Next review").fill(NEXT_YEAR)
    editor.get_by_label("Release").select_option(label="Autumn 2026 update")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    expect(editor.locator(".messagelist")).not_to_contain_text("blocked")

    # The full preview is the public page, marked as a draft.
    editor.get_by_role("link", name="Preview as practitioners will see it").click()
    expect(editor.locator(".app-superseded-banner")).to_contain_text(
        "Preview of a draft: not published"
    )
    expect(editor.locator(".app-chapter-body")).to_contain_text("emboldened by anonymity")
    axe_check(editor, "draft preview")

    # The publisher reviews the release's diff and publishes it.
    publisher.goto(site + "/admin/procedures/release/")
    publisher.get_by_role("link", name="Autumn 2026 update").click()
    publisher.get_by_role("link", name="Review and publish").click()
    diff = publisher.locator(".app-diff").first
    expect(diff.locator("ins", has_text="emboldened")).to_be_visible()
    expect(diff.locator("del", has_text="inhibited")).to_be_visible()
    expect(diff.locator("ins.app-diff__ins").first).to_contain_text("Added:")  # screen readers
    publisher.get_by_role("button", name="Publish the release").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published the release")

    # A reader, in a browser that never logged in, sees the new version at once.
    reader = browser.new_context().new_page()
    reader.goto(site + "/chapters/online-safety/")
    expect(reader.locator(".app-chapter-body")).to_contain_text("emboldened by anonymity")
    expect(reader.locator(".app-chapter-body")).not_to_contain_text("less inhibited")
    expect(reader.locator(".app-version-line")).to_contain_text(
        f"Version {new}, effective {today.day} {today:%B %Y}"
    )
    amendments = reader.locator("details.app-amendments")
    reader.get_by_text("Show amendments").click()
    expect(amendments.get_by_text(SUMMARY)).to_be_visible()
    axe_check(reader, "chapter after publishing")

    reader.get_by_role("link", name="Amendments", exact=True).click()
    expect(reader.get_by_role("heading", name="Autumn 2026 update")).to_be_visible()
    expect(reader.get_by_text(SUMMARY)).to_be_visible()
    axe_check(reader, "amendments")

    reader.get_by_role(
        "link", name=re.compile(f"what changed in version {new} of 2.5 Online safety")
    ).click()
    expect(reader).to_have_url(site + f"/chapters/online-safety/versions/{before}...{new}/")
    expect(reader.locator("ins", has_text="emboldened")).to_be_visible()
    axe_check(reader, "diff")

    reader.goto(site + "/amendments/")
    reader.get_by_role("link", name="Autumn 2026 update").click()
    axe_check(reader, "release")

    reader.goto(site + f"/v/online-safety/{before}/")
    expect(reader.get_by_role("heading", name=re.compile("out of date"))).to_be_visible()
    expect(reader.get_by_text(SUMMARY)).to_be_visible()
    axe_check(reader, "printout check")

    reader.goto(site + "/as-of/2025-01-01/chapters/online-safety/")
    expect(reader.locator(".app-chapter-body")).to_contain_text("less inhibited")
    axe_check(reader, "as of a date")

    # Search knows the new words and has forgotten the removed ones.
    reader.goto(site + "/search/?q=emboldened")
    expect(reader.get_by_role("link", name=re.compile("Online safety")).first).to_be_visible()
    reader.goto(site + "/search/?q=inhibited")
    expect(reader.locator("main")).not_to_contain_text("Online safety")
    axe_check(reader, "search")
