"""The editing desk in a real browser: an editor amends Online safety with a broken link, follows
the problem's link to its line, fixes it and sends the draft for review; a publisher reviews
and publishes it. Every click is counted (the issue's aim: five or fewer from the chapter list
and the drafts list). axe-core checks every admin page an editor or a publisher uses."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from procedures.models import Chapter, ChapterVersion, Draft, Release
from tests.browser.conftest import without_dead_ends

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = "[[bullying|Bullying]]"
BROKEN = "[[bulying|Bullying]]"
OLD = "It is possible for one victim to be bullied by many perpetrators."
NEW = "One child may be bullied by many others, often in group chats."
# Every version is published with its next review date.
NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
SUMMARY = "How children are harmed online: bullying in group chats."


@pytest.fixture
def site(live_server, manual_as_it_stands_today, editor_and_publisher):
    return live_server.url


def log_in(browser, site, username, *, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill(f"{username}-backup-code")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Drafts, releases and the manual")).to_be_visible()
    return page


class Clicks:
    """Counts the clicks of the journey (logging in and typing are not clicks)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def box(locator):
    found = locator.bounding_box()
    assert found is not None
    return found


def test_an_editor_fixes_a_problem_at_its_line_and_a_publisher_publishes(
    site, browser, axe_check, console_errors
):
    click = Clicks()
    editor = log_in(browser, site, "edna")
    editor.on("pageerror", lambda error: console_errors.append(str(error)))
    editor.goto(site + "/admin/procedures/chapter/?q=online-safety")
    click(editor.get_by_role("link", name="Draft the next version"))

    # Text and preview side by side, each scrolling within the window.
    body = editor.locator("#id_body")
    preview = editor.locator(".markdownx-preview")
    expect(preview).to_contain_text("Types of online abuse")
    # The current text's dead ends are problems; the editor puts them right first.
    expect(preview.locator(".app-problems")).to_contain_text("A dead end")
    body.fill(without_dead_ends(body.input_value()))
    expect(preview.locator(".app-problems")).to_have_count(0)
    text_box, preview_box = box(body), box(preview)
    assert preview_box["x"] >= text_box["x"] + text_box["width"]
    assert abs(preview_box["y"] - text_box["y"]) < 60
    assert text_box["height"] <= 900 and preview_box["height"] <= 900
    # The preview wears the public page's styles (GOV.UK's heading size, not the admin's).
    style = "e => [getComputedStyle(e).fontSize, getComputedStyle(e).listStyleType]"
    assert preview.locator("h2").first.evaluate(style)[0] == "24px"
    assert preview.locator("li").first.evaluate(style) == ["19px", "disc"]
    axe_check(editor, "draft add")

    # A broken cross-link: the preview lists it with a link to its line.
    text = body.input_value()
    assert GOOD in text
    body.fill(text.replace(GOOD, BROKEN, 1))
    line = next(n for n, row in enumerate(text.split("\n"), 1) if GOOD in row)
    problem = preview.get_by_role("link", name=f"Line {line}")
    expect(problem).to_be_visible()
    expect(preview.locator(".app-problems")).to_contain_text("unknown chapter 'bulying'")
    click(problem)

    # The cursor is on that line, and the preview shows the part being edited.
    selected = body.evaluate(
        "b => [b.value.slice(0, b.selectionStart).split('\\n').length,"
        " b.value.slice(b.selectionStart, b.selectionEnd), document.activeElement === b]"
    )
    assert selected[0] == line and BROKEN in selected[1] and selected[2], selected
    section = preview.get_by_role("heading", name="How children are harmed online")
    editor.wait_for_function(
        """([p, h]) => {
            const top = h.getBoundingClientRect().top - p.getBoundingClientRect().top;
            return p.scrollTop > 0 && top < p.clientHeight && top > -p.clientHeight;
        }""",
        arg=[preview.element_handle(), section.element_handle()],
    )

    # Scrolling the text box to its end takes the preview to the chapter's end.
    editor.wait_for_timeout(400)
    body.evaluate("b => { b.scrollTop = b.scrollHeight; }")
    editor.wait_for_function(
        "p => p.scrollTop >= 0.9 * (p.scrollHeight - p.clientHeight)",
        arg=preview.element_handle(),
    )

    # Fixed, summarised and sent for review in one click; the review follows at once.
    body.fill(body.input_value().replace(BROKEN, GOOD).replace(OLD, NEW))
    expect(preview.locator(".app-problems")).to_have_count(0)
    editor.get_by_label("Amendment summary").fill(SUMMARY)
    editor.get_by_label("Next review").fill(NEXT_YEAR)
    click(editor.get_by_role("button", name="Save and send for review"))
    expect(editor.locator(".messagelist")).to_contain_text("sent '2.5 Online safety")
    expect(
        editor.get_by_role("heading", name=re.compile("^Review: 2.5 Online safety"))
    ).to_be_visible()
    expect(editor.get_by_role("button", name=re.compile("Publish"))).to_have_count(0)
    axe_check(editor, "draft review (editor)")

    # The publisher sees it waiting, who wrote it, and publishes it.
    publisher = log_in(browser, site, "pat", width=1920)
    publisher.goto(site + "/admin/procedures/draft/")
    row = publisher.locator("#result_list tbody tr").first
    expect(row.locator(".field-sent_for_review")).to_contain_text("by edna")
    axe_check(publisher, "drafts list")
    click(row.get_by_role("link", name=re.compile("^Review 2.5 Online safety")))
    expect(publisher.locator(".app-desk-status")).to_contain_text("Sent for review by edna")
    expect(publisher.locator(".app-desk-status")).to_contain_text("not looked at this draft before")
    expect(publisher.locator(".app-diff ins", has_text="group chats")).to_be_visible()
    axe_check(publisher, "draft review (publisher)")
    click(publisher.get_by_role("button", name="Publish version 3 now"))
    expect(publisher.locator(".messagelist")).to_contain_text("Published")

    version = ChapterVersion.objects.get(chapter__slug="online-safety", number=3)
    assert version.summary == SUMMARY and NEW in version.source
    assert GOOD in version.source and BROKEN not in version.source
    assert click.count == 5
    assert console_errors == []


def test_the_desk_stacks_on_narrow_screens_and_keeps_unsaved_text(site, browser):
    editor = log_in(browser, site, "edna", width=900)
    chapter = Chapter.objects.get(slug="bullying")
    editor.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    body, preview = editor.locator("#id_body"), editor.locator(".markdownx-preview")
    expect(preview).to_contain_text("Bullying")
    assert box(preview)["y"] >= box(body)["y"] + box(body)["height"]

    # A dropped file is refused with a message; nothing is sent anywhere.
    posted = []
    editor.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    body.evaluate(
        """b => {
            const data = new DataTransfer();
            data.items.add(new File(["GIF89a"], "picture.gif", {type: "image/gif"}));
            const drop = {dataTransfer: data, bubbles: true, cancelable: true};
            b.dispatchEvent(new DragEvent("drop", drop));
        }"""
    )
    expect(editor.get_by_text("Images are not uploaded here")).to_be_visible()
    editor.wait_for_timeout(700)
    assert not [url for url in posted if "markdownify" not in url]

    # Leaving with unsaved changes asks first; staying keeps the text.
    body.press("End")
    body.type(" Unsaved words.")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    editor.on("dialog", stay)
    editor.get_by_role("link", name="Drafts").first.click(no_wait_after=True)
    editor.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "Unsaved words." in body.input_value()


def broken_draft():
    chapter = Chapter.objects.get(slug="online-safety")
    latest = chapter.versions.newest().get()
    return Draft.objects.create(
        chapter=chapter,
        based_on=latest.number,
        chapter_number=latest.chapter_number,
        title=latest.title,
        part=latest.part,
        body=latest.source.replace(GOOD, BROKEN),
        summary="Changed.",
        review_date=datetime.date.today() + datetime.timedelta(days=365),
        created_by=User.objects.get(username="edna"),
    )


def test_a_problem_on_the_review_links_to_its_line_in_the_editor(site, browser):
    draft = broken_draft()
    line = next(n for n, row in enumerate(draft.body.split("\n"), 1) if BROKEN in row)
    editor = log_in(browser, site, "edna")
    editor.goto(site + f"/admin/procedures/draft/{draft.pk}/review/")
    expect(editor.get_by_role("button", name="Send for review")).to_have_count(0)
    editor.locator(".app-problems").get_by_role("link", name=f"Line {line}").click()
    expect(editor).to_have_url(re.compile(f"/change/#body-line-{line}$"))
    body = editor.locator("#id_body")
    expect(body).to_be_focused()
    assert body.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)").count(BROKEN)


def test_without_javascript_the_text_box_takes_the_whole_width(site, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill("edna-backup-code")
    page.get_by_role("button", name="Log in").click()
    chapter = Chapter.objects.get(slug="bullying")
    page.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    expect(page.locator(".markdownx-preview")).to_be_hidden()
    assert box(page.locator("#id_body"))["width"] > 800


def test_signed_out_while_editing_the_text_is_kept_until_signed_in_again(site, browser):
    editor = log_in(browser, site, "edna")
    chapter = Chapter.objects.get(slug="bullying")
    editor.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    body, preview = editor.locator("#id_body"), editor.locator(".markdownx-preview")
    expect(preview).to_contain_text("Bullying")
    editor.context.clear_cookies(name="sessionid")  # the session ends
    body.press("End")
    body.type(" Words typed after the session ended.")
    expect(preview).to_contain_text("You have been signed out")
    alerts = []
    editor.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    editor.get_by_role("button", name="Save and review").click()
    expect(body).to_have_value(re.compile("Words typed after the session ended."))
    assert "signed out" in alerts[0] and not Draft.objects.exists()

    # Signed in again in another tab, the editor types on and saves.
    other = editor.context.new_page()
    other.goto(site + "/admin/login/")
    other.get_by_label("Username").fill("edna")
    other.get_by_label("Password").fill("a-long-test-password")
    other.get_by_label("Authentication code").fill("edna-backup-code")
    other.get_by_role("button", name="Log in").click()
    body.type(" More.")
    expect(preview).not_to_contain_text("signed out")
    editor.get_by_label("Amendment summary").fill("Words added.")
    editor.get_by_label("Next review").fill(NEXT_YEAR)
    editor.get_by_role("button", name="Save and review").click()
    expect(editor.locator(".messagelist")).to_contain_text("Saved")
    assert "Words typed after the session ended. More." in Draft.objects.get().body


ADMIN_PAGES = [
    ("login", "/admin/login/", None),
    ("index", "/admin/", "edna"),
    ("drafts list", "/admin/procedures/draft/", "edna"),
    ("draft add", "/admin/procedures/draft/add/", "edna"),
    ("draft change", "/admin/procedures/draft/{draft}/change/", "edna"),
    ("draft review", "/admin/procedures/draft/{draft}/review/", "pat"),
    ("draft preview", "/admin/procedures/draft/{draft}/preview/", "edna"),
    ("releases list", "/admin/procedures/release/", "pat"),
    ("release change", "/admin/procedures/release/{release}/change/", "pat"),
    ("release add", "/admin/procedures/release/add/", "pat"),
    ("release review", "/admin/procedures/release/{release}/review/", "pat"),
    ("chapters list", "/admin/procedures/chapter/", "edna"),
    ("chapter change", "/admin/procedures/chapter/{chapter}/change/", "edna"),
    ("versions list", "/admin/procedures/chapterversion/", "pat"),
    ("version change", "/admin/procedures/chapterversion/{version}/change/", "pat"),
]


def test_every_admin_page_of_the_desk_passes_axe(site, browser, axe_check):
    chapter = Chapter.objects.get(slug="online-safety")
    release = Release.objects.create(name="Spring update", effective_date="2026-04-01")
    latest = chapter.versions.newest().get()
    draft = broken_draft()
    Draft.objects.filter(pk=draft.pk).update(release=release)
    ids = {"draft": draft.pk, "release": release.pk, "chapter": chapter.pk, "version": latest.pk}
    pages = {"edna": log_in(browser, site, "edna"), "pat": log_in(browser, site, "pat")}
    anonymous = browser.new_context().new_page()
    failures = []
    for label, address, who in ADMIN_PAGES:
        page = pages[who] if who else anonymous
        response = page.goto(site + address.format(**ids))
        assert response.status == 200, label
        if "markdownx-preview" in page.content():
            expect(page.locator(".markdownx-preview")).not_to_be_empty()
        try:
            axe_check(page, label)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)
