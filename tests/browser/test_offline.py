"""A practitioner reads the manual with no signal: the service worker's saved copy serves the
chapter, saying it is a saved copy, when it was saved and its version. Back online, a chapter
published meanwhile is flagged and shown in its new version. Nothing behind sign-in is saved."""

import contextlib
import datetime
import os
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from pypdf import PdfReader

from procedures import selectors
from procedures.models import Chapter, Draft
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db(transaction=True)

SAVED_COPY = """async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith('offline-copy-'));
  for (const name of names) {
    const saved = await (await caches.open(name)).match('/offline/saved-copy');
    if (saved) return await saved.json();
  }
  return null;
}"""
STORED = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


@pytest.fixture
def site(live_server, manual_as_it_stands_today, editor_and_publisher):
    return live_server.url


def wait_for_saved_copy(page, *, edition=None, partnership=None, timeout=30):
    """The saved copy once the worker has saved it in full (a different one than `edition`;
    for `partnership` when given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        saved = page.evaluate(SAVED_COPY)
        if (
            saved
            and saved.get("edition") != edition
            and (partnership is None or (saved["partnership"] or {}).get("slug") == partnership)
        ):
            return saved
        page.wait_for_timeout(200)
    raise AssertionError("the service worker did not save a copy of the manual")


def publish_next_version(slug, *, users, days=0):
    chapter = Chapter.objects.get(slug=slug)
    latest = selectors.latest_version(chapter)
    draft = Draft.objects.create(
        chapter=chapter,
        based_on=latest.number,
        chapter_number=latest.chapter_number,
        title=latest.title,
        part=latest.part,
        body=latest.source + "\n\n## Bullying in sport {#sport}\n\nCoaches report it.\n",
        summary="Adds a section on bullying in sport.",
        effective_date=timezone.localdate() + datetime.timedelta(days=days),
        review_date=timezone.localdate() + datetime.timedelta(days=400),
        created_by=users["edna"],
    )
    draft.authors.add(users["edna"])
    publish(by=users["pat"], draft=draft)
    return latest.number + 1


def test_a_chapter_reads_offline_and_a_newer_version_shows_on_reconnecting(
    site, browser, axe_check, editor_and_publisher
):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    address = site + "/p/northmoor/chapters/bullying/"
    page.goto(address)
    saved = wait_for_saved_copy(page)
    assert saved["partnership"]["name"].startswith("Northmoor")
    version = next(c["version"] for c in saved["chapters"] if c["slug"] == "bullying")

    context.set_offline(True)
    page.reload()
    notice = page.locator(".app-offline-notice")
    expect(notice).to_contain_text("You are reading a saved copy, saved on")
    expect(notice).to_contain_text(f"This chapter is version {version}, effective")
    expect(page.locator("h1")).to_contain_text("Bullying")
    axe_check(page, "chapter read from the saved copy")
    notice.get_by_text("Versions in this saved copy").click()
    expect(notice.get_by_role("listitem").first).to_contain_text(re.compile(r"version \d+"))
    # The contacts page is in the copy too, with the partnership's local contacts.
    page.goto(site + "/p/northmoor/contacts/")
    expect(page.locator(".app-offline-notice")).to_contain_text("saved copy")
    page.goto(address)
    # Read from the copy: offline, no check can get through, so what follows comes from
    # reconnecting.
    expect(page.locator(".app-offline-version")).to_contain_text(f"version {version}")

    newer = publish_next_version("bullying", users=editor_and_publisher)
    context.set_offline(False)
    expect(page.locator(".app-version-line")).to_contain_text(
        f"Version {newer}, effective", timeout=10_000
    )
    changed = page.locator(".app-offline-notice")
    expect(changed).to_contain_text("This chapter has changed since your copy was saved.")
    expect(changed).to_contain_text(f"Your saved copy had version {version}")
    expect(page.get_by_role("heading", name="Bullying in sport")).to_be_visible()
    axe_check(page, "chapter changed since the saved copy")

    # The copy itself now holds the new version: offline again, the new version is read.
    wait_for_saved_copy(page, edition=saved["edition"])
    context.set_offline(True)
    page.reload()
    expect(page.locator(".app-offline-notice")).to_contain_text(f"This chapter is version {newer}")
    assert errors == []
    context.close()


def test_admin_and_signed_in_pages_are_never_saved(site, browser, editor_and_publisher):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/chapters/bullying/")
    saved = wait_for_saved_copy(page)
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill("pat-backup-code")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("Drafts, releases"))).to_be_visible()
    page.goto(site + "/admin/procedures/chapter/")
    page.goto(site + "/updates/")
    # Something is published while signed in: the copy is saved again, with the session
    # cookie in the browser.
    publish_next_version("bullying", users=editor_and_publisher)
    page.goto(site + "/chapters/bullying/")
    wait_for_saved_copy(page, edition=saved["edition"])

    stored = page.evaluate(STORED)
    assert any(url.endswith("/chapters/bullying/") for url in stored)
    assert [url for url in stored if "/admin/" in url or "/updates/" in url] == []
    context.set_offline(True)
    for address in ("/admin/", "/admin/procedures/chapter/", "/updates/"):
        with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
            page.goto(site + address)
    context.close()


def test_installable_and_offline_the_home_screen_and_unsaved_pages_answer_from_the_copy(
    site, browser, axe_check
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/offline/")
    axe_check(page, "reading offline page")
    page.goto(site + "/p/northmoor/")
    # Choosing a partnership replaces the copy (of the manual alone) with the partnership's.
    wait_for_saved_copy(page, partnership="northmoor")
    # Chromium would offer to install it (a test browser context is always incognito).
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    blockers = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in blockers if error["errorId"] != "in-incognito"] == []
    page.goto(site + "/p/northmoor/offline/")
    expect(page.locator("#app-offline-status")).to_contain_text(
        re.compile(r"This browser holds a saved copy, saved on .* of 14 chapters with Northmoor")
    )

    context.set_offline(True)
    # The installed app starts at the contents: the partnership's, from the copy.
    page.goto(site + "/")
    notice = page.locator(".app-offline-notice")
    expect(notice).to_contain_text("You are reading a saved copy")
    expect(notice).to_contain_text("Local information is for Northmoor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding children procedures")
    axe_check(page, "contents read from the saved copy")
    page.get_by_role("link", name=re.compile("Domestic abuse", re.I)).click()
    expect(page.locator(".app-offline-version")).to_contain_text("This chapter is version")
    page.goto(site + "/p/northmoor/amendments/")
    expect(notice).to_contain_text("You are offline and this page is not in the saved copy.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading offline")
    # Back online, the page asked for is read at once.
    context.set_offline(False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Amendments", timeout=10_000)
    context.close()


def test_offline_a_version_replaced_since_by_a_scheduled_one_is_not_relied_on(
    site, browser, editor_and_publisher
):
    publish_next_version("bullying", users=editor_and_publisher, days=30)
    takes_effect = timezone.localdate() + datetime.timedelta(days=30)
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/chapters/bullying/")
    saved = wait_for_saved_copy(page)
    bullying = next(c for c in saved["chapters"] if c["slug"] == "bullying")
    assert bullying["replaced_on"] == takes_effect.isoformat()

    context.set_offline(True)
    page.reload()
    version = page.locator(".app-offline-version")
    # Bullying version 2 took effect on 6 December 2026.
    expect(version).to_have_text("This chapter is version 2, effective 6 December 2026.")
    page.clock.set_fixed_time(datetime.datetime.combine(takes_effect, datetime.time(9)))
    page.reload()
    expect(version).to_contain_text(
        f"A newer version took effect on {takes_effect.day} {takes_effect:%B %Y} and is not in "
        "the saved copy: do not rely on this one."
    )
    context.close()


COPIES = """async () => {
  const copies = [];
  for (const name of (await caches.keys()).filter((name) => name.startsWith('offline-copy-'))) {
    const saved = await (await caches.open(name)).match('/offline/saved-copy');
    const list = saved ? await saved.json() : null;
    copies.push({ name, complete: !!list, partnership: list && list.partnership });
  }
  return copies;
}"""
# The manual changed since the copy was saved (as if it had been saved yesterday): the next
# page read saves it again in full.
SAVED_BEFORE_A_CHANGE = """async () => {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const saved = await cache.match('/offline/saved-copy');
    if (saved) {
      const list = await saved.json();
      list.edition = 'before a change';
      await cache.put('/offline/saved-copy', new Response(JSON.stringify(list)));
    }
  }
}"""
TRIALS = int(os.environ.get("OFFLINE_CHOICE_TRIALS", "2"))


def settled_copy(page, under_way, timeout=30):
    """The saved copy once no save is under way: every request a worker made has ended and
    every copy in the browser is complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not under_way:
            copies = page.evaluate(COPIES)
            if copies and all(copy["complete"] for copy in copies):
                return page.evaluate(SAVED_COPY)
        page.wait_for_timeout(100)
    return page.evaluate(SAVED_COPY)


def choose_northmoor_in_a_fresh_browser(browser, site):
    """The partnership of the copy saved when Northmoor is chosen while the regional copy's
    worker is starting to save that copy again."""
    context = browser.new_context()
    page = context.new_page()
    under_way = set()

    def started(request):
        if request.service_worker:
            under_way.add(request)

    def ended(request):
        under_way.discard(request)

    context.on("request", started)
    context.on("requestfinished", ended)
    context.on("requestfailed", ended)
    page.goto(site + "/offline/")
    wait_for_saved_copy(page)
    page.evaluate(SAVED_BEFORE_A_CHANGE)
    page.goto(site + "/p/northmoor/offline/")
    # Northmoor's copy is saved; then whatever else was under way ends.
    with contextlib.suppress(AssertionError):
        wait_for_saved_copy(page, partnership="northmoor")
    saved = settled_copy(page, under_way)
    chosen = ((saved or {}).get("partnership") or {}).get("slug")
    if chosen == "northmoor":
        # What a practitioner sees with no signal.
        context.set_offline(True)
        page.goto(site + "/")
        expect(page.locator(".app-offline-notice")).to_contain_text(
            "Local information is for Northmoor"
        )
    context.close()
    return chosen


def test_the_latest_choice_wins_over_an_older_save_under_way(site, browser):
    """From fresh browsers, every time (OFFLINE_CHOICE_TRIALS of them)."""
    outcomes = [choose_northmoor_in_a_fresh_browser(browser, site) for _ in range(TRIALS)]
    assert outcomes == ["northmoor"] * TRIALS, f"copies saved, by partnership: {outcomes}"


def test_a_chapter_printed_from_the_saved_copy_says_on_every_page_what_it_is_and_where_to_check(
    site, browser, tmp_path, axe_check
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/p/northmoor/chapters/online-safety/")
    saved = wait_for_saved_copy(page, partnership="northmoor")
    chapter = next(c for c in saved["chapters"] if c["slug"] == "online-safety")
    context.set_offline(True)
    page.reload()
    expect(page.locator(".app-offline-notice")).to_contain_text("You are reading a saved copy")
    axe_check(page, "chapter read from the saved copy, with its print stylesheet")
    # page.pdf() does not fire beforeprint; a reader's browser does (print-margins.js).
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf_path = tmp_path / "printed-offline.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(pdf_path).pages]
    assert len(pages) >= 3, "the test needs a chapter that prints on several pages"
    version = f"Version {chapter['version']}, effective"
    check = f"{site}/p/northmoor/v/online-safety/{chapter['version']}/"
    for number, text in enumerate(pages, start=1):
        assert f"{chapter['number']} Online safety" in text, f"page {number}"
        assert version in text, f"page {number}"
        assert re.search(r"Printed on \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d\d[ap]m", text), (
            f"page {number}: {text[-300:]}"
        )
        assert check in re.sub(r"\s", "", text), f"page {number}"
        assert f"Page {number} of {len(pages)}" in text, f"page {number}"
    context.close()
