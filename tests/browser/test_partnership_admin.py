"""A partnership's own people amend its local information in a real browser: Northmoor's editor
drafts the next version of its text in Online safety, Northmoor's publisher (another person:
four-eyes) reviews the diff and the box practitioners will see, and publishes; the public
chapter under /p/northmoor/ shows it at once, axe-clean, and so does its amendments page."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import expect

from partnerships.models import LocalInformation, Partnership, PartnershipEditor

pytestmark = pytest.mark.django_db(transaction=True)

NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
ADDED = "From January the hub also answers on Saturday mornings."
SUMMARY = "The Online Safety Hub now opens on Saturday mornings."


@pytest.fixture
def site(live_server, manual_as_it_stands_today):
    northmoor = Partnership.objects.get(slug="northmoor")
    for name, group in [("nora", "Partnership editor"), ("nick", "Partnership publisher")]:
        user = User.objects.create_user(
            name, f"{name}@example.org", "a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        PartnershipEditor.objects.create(user=user, partnership=northmoor)
        device = StaticDevice.objects.create(user=user, name="Backup codes")
        device.token_set.create(token=f"{name}-backup-code")
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


def test_a_partnership_editor_drafts_and_its_publisher_publishes_local_information(
    site, browser, page, axe_check
):
    editor = log_in(browser, site, "nora")
    editor.goto(site + "/admin/partnerships/localinformation/")
    rows = editor.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    expect(editor.locator("#result_list")).not_to_contain_text("Eastbrook")
    axe_check(editor, "local information list")
    rows.filter(has_text="online-safety").get_by_role("link", name="Draft the next version").click()
    body = editor.locator("#id_body")
    axe_check(editor, "local information draft form")
    current = body.input_value()
    assert "Northmoor Online Safety Hub" in current
    body.fill(current.rstrip("\n") + "\n\n" + ADDED + "\n")
    editor.locator("#id_summary").fill(SUMMARY)
    editor.get_by_label("Next review").fill(NEXT_YEAR)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.get_by_role("heading", name="Review: Northmoor")).to_be_visible()
    expect(editor.locator(".app-publish-form")).not_to_contain_text("Publish version")
    axe_check(editor, "partnership draft review, as its editor")
    editor.context.close()

    publisher = log_in(browser, site, "nick")
    publisher.goto(site + "/admin/partnerships/partnershipdraft/")
    axe_check(publisher, "partnership drafts list")
    publisher.get_by_role("link", name="Review Northmoor").click()
    expect(publisher.locator(".app-diff ins")).to_contain_text("Saturday mornings")
    expect(publisher.locator(".app-local-information")).to_contain_text(
        "Local information: Northmoor"
    )
    expect(publisher.locator(".app-local-information")).to_contain_text(ADDED)
    axe_check(publisher, "partnership draft review, as its publisher")
    publisher.get_by_role("button", name="Publish version").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published")
    publisher.context.close()

    version = LocalInformation.objects.filter(
        partnership__slug="northmoor", chapter__slug="online-safety"
    ).latest("number")
    assert version.summary == SUMMARY and version.published_by.username == "nick"

    reader = page  # axe-core runs as a script in the page
    reader.goto(site + "/p/northmoor/chapters/online-safety/")
    local = reader.locator(".app-local-information")
    expect(local).to_contain_text(ADDED)
    expect(local).to_contain_text(f"Local information version {version.number}")
    axe_check(reader, "chapter with the new local information")
    local.get_by_role("link", name="Show amendments").click()
    expect(reader.locator("main")).to_contain_text(SUMMARY)
    expect(reader.locator("main ins").first).to_contain_text("Saturday")
    axe_check(reader, "local information amendments")


def test_a_partnership_editors_pages_for_details_and_contacts_pass_axe(site, browser, axe_check):
    editor = log_in(browser, site, "nora")
    editor.goto(site + "/admin/partnerships/partnership/")
    expect(editor.locator("#result_list")).to_contain_text("Northmoor")
    expect(editor.locator("#result_list")).not_to_contain_text("Eastbrook")
    axe_check(editor, "partnerships list")
    editor.get_by_role("link", name="Change details and contacts").click()
    expect(editor.locator("#partnershipdraft_form")).to_contain_text("01632 960")
    axe_check(editor, "details and contacts draft form")
    editor.goto(site + "/admin/partnerships/contactsversion/")
    axe_check(editor, "contacts versions list")
