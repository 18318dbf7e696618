"""The editing desk in a real browser (issue 19): an editor amends Online safety and a
publisher publishes it in five clicks after signing in; the same by keyboard alone; the
problems in view while typing, broken links marked, errors summed up at the top; nothing
typed is lost (autosave, an expired sign-in, two editors on one draft merging); a draft sent
back with a comment; and axe-core, best-practice rules included, on every admin page a
procedures manager uses."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice
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
HOME = "Drafts, releases and the manual"


@pytest.fixture
def site(live_server, manual_as_it_stands_today, editor_and_publisher):
    return live_server.url


@pytest.fixture
def lee(editor_and_publisher):
    """A second editor, Lee."""
    user = User.objects.create_user("lee", "lee@example.org", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    device = StaticDevice.objects.create(user=user, name="Backup codes")
    for _ in range(5):
        device.token_set.create(token="lee-backup-code")
    return user


def sign_in(page, site, username, path="/admin/"):
    page.goto(site + path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_label("Authentication code").fill(f"{username}-backup-code")
    page.get_by_role("button", name="Log in").click()


def log_in(browser, site, username, *, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, site, username)
    expect(page.get_by_role("heading", name=HOME)).to_be_visible()
    return page


class Clicks:
    """Counts the clicks of a journey (signing in and typing are not clicks)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def box(locator):
    found = locator.bounding_box()
    assert found is not None
    return found


def draft_of_online_safety(**changes):
    chapter = Chapter.objects.get(slug="online-safety")
    latest = chapter.versions.newest().get()
    fields = dict(
        chapter=chapter,
        based_on=latest.number,
        chapter_number=latest.chapter_number,
        title=latest.title,
        part=latest.part,
        # The text as it stands has dead ends (issue 21), which the editor would put right.
        body=without_dead_ends(latest.source),
        summary="Changed.",
        review_date=datetime.date.today() + datetime.timedelta(days=365),
        created_by=User.objects.get(username="edna"),
    )
    fields.update(changes)
    draft = Draft.objects.create(**fields)
    draft.authors.add(fields["created_by"])
    return draft


def body_of(draft):
    return Draft.objects.get(pk=draft.pk).body


# --- amend and publish ----------------------------------------------------------------------


def test_an_editor_amends_and_a_publisher_publishes_in_five_clicks_after_signing_in(
    site, browser, axe_check, console_errors
):
    click = Clicks()
    editor = log_in(browser, site, "edna")
    editor.on("pageerror", lambda error: console_errors.append(str(error)))
    click(editor.get_by_role("link", name="Chapters", exact=True))
    editor.get_by_role("textbox", name="Search").fill("online-safety")
    editor.keyboard.press("Enter")
    click(editor.get_by_role("link", name="Draft the next version"))

    # Text and preview side by side, each scrolling within the window.
    body = editor.locator("#id_body")
    preview = editor.locator(".markdownx-preview")
    expect(preview).to_contain_text("Types of online abuse")
    # A dead end typed is a problem at once; put right, the list says so.
    problems = editor.locator("[data-app-desk-problems]")
    text = without_dead_ends(body.input_value())
    body.fill(text + "\n\nIf you are worried, speak to your safeguarding lead or email\n")
    expect(problems).to_contain_text("A dead end")
    body.fill(text)
    expect(problems).to_contain_text("No problems in the text")
    text_box, preview_box = box(body), box(preview)
    assert preview_box["x"] >= text_box["x"] + text_box["width"]
    assert abs(preview_box["y"] - text_box["y"]) < 80
    assert text_box["height"] <= 900 and preview_box["height"] <= 900
    # The preview wears the public page's styles (GOV.UK's heading size, not the admin's).
    style = "e => [getComputedStyle(e).fontSize, getComputedStyle(e).listStyleType]"
    assert preview.locator("h2").first.evaluate(style)[0] == "24px"
    assert preview.locator("li").first.evaluate(style) == ["19px", "disc"]

    body.fill(body.input_value().replace(OLD, NEW))
    editor.get_by_label("Amendment summary").fill(SUMMARY)
    editor.get_by_label("Next review").fill(NEXT_YEAR)
    click(editor.get_by_role("button", name="Save and send for review"))
    expect(editor.locator(".messagelist")).to_contain_text("sent '2.5 Online safety")
    expect(editor.get_by_role("button", name=re.compile("Publish"))).to_have_count(0)

    # The publisher finds it waiting on their admin home page, and publishes it.
    publisher = log_in(browser, site, "pat", width=1920)
    waiting = publisher.locator(".app-waiting")
    expect(waiting).to_contain_text("sent for review by edna")
    click(waiting.get_by_role("link", name=re.compile("^Review 2.5 Online safety")))
    expect(publisher.locator(".app-desk-status")).to_contain_text("Sent for review by edna")
    expect(publisher.locator(".app-diff ins", has_text="group chats")).to_be_visible()
    publish = publisher.get_by_role("button", name=re.compile(r"^Publish version \d+ now$"))
    click(publish)
    expect(publisher.locator(".messagelist")).to_contain_text("Published")

    version = ChapterVersion.objects.filter(chapter__slug="online-safety").newest().get()
    assert version.summary == SUMMARY and NEW in version.source
    print(f"\nclicks after signing in, amend to publish: {click.count}")
    assert click.count == 5
    assert console_errors == []


def tab_to(page, locator, *, most=40):
    """Press Tab until `locator` has the focus; returns how many presses it took."""
    handle = locator.element_handle()
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("element => document.activeElement === element", handle):
            return presses
    raise AssertionError(f"{locator} was not reached within {most} Tabs")


def sign_in_by_keyboard(page, site, username):
    page.goto(site + "/admin/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Tab")
    page.keyboard.type(f"{username}-backup-code")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=HOME)).to_be_visible()


def test_amend_review_and_publish_by_keyboard_alone(site, browser):
    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_by_keyboard(editor, site, "edna")
    tab_to(editor, editor.get_by_role("link", name="Chapters", exact=True))
    editor.keyboard.press("Enter")
    tab_to(editor, editor.get_by_role("textbox", name="Search"))
    # Bullying as it stands: no dead ends, a next review date to keep.
    editor.keyboard.type("bullying")
    editor.keyboard.press("Enter")
    tab_to(editor, editor.get_by_role("link", name="Draft the next version"))
    editor.keyboard.press("Enter")

    body = editor.locator("#id_body")
    expect(editor.locator(".markdownx-preview")).to_contain_text("What bullying is")
    # The skip links lead past the first fields to the text.
    tab_to(editor, editor.get_by_role("link", name="The chapter text"))
    editor.keyboard.press("Enter")
    expect(body).to_be_focused()
    editor.keyboard.press("Control+End")
    editor.keyboard.type("\n\nGroup chats are where most bullying now happens.")
    # Tab leaves the text box (no keyboard trap), past the preview as one stop, to the
    # summary: its 30 and more links are not in the way.
    text_before = body.input_value()
    editor.keyboard.press("Tab")
    expect(body).not_to_be_focused()
    assert body.input_value() == text_before  # Tab inserted nothing
    summary = editor.get_by_label("Amendment summary")
    assert tab_to(editor, summary, most=3) <= 2
    editor.keyboard.type("Bullying in group chats.")
    # The stops after the summary: minor correction, effective date, next review, why no
    # review date, release, the three folded sections, then the buttons.
    presses = tab_to(editor, editor.get_by_role("button", name="Save and send for review"))
    assert presses <= 14, presses
    editor.keyboard.press("Enter")
    expect(editor.locator(".messagelist")).to_contain_text("sent '2.1 Bullying")

    publisher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_by_keyboard(publisher, site, "pat")
    tab_to(publisher, publisher.get_by_role("link", name=re.compile("^Review 2.1 Bullying")))
    publisher.keyboard.press("Enter")
    publish = publisher.get_by_role("button", name=re.compile(r"^Publish version \d+ now$"))
    tab_to(publisher, publish, most=80)
    publisher.keyboard.press("Enter")
    expect(publisher.locator(".messagelist")).to_contain_text("Published")
    version = ChapterVersion.objects.filter(chapter__slug="bullying").newest().get()
    assert "Group chats are where most bullying now happens." in version.source


# --- problems where the eye is ------------------------------------------------------------


def test_the_problems_stay_in_view_while_typing_and_broken_links_look_broken(site, browser):
    editor = log_in(browser, site, "edna", height=800)
    chapter = Chapter.objects.get(slug="online-safety")
    editor.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    body, preview = editor.locator("#id_body"), editor.locator(".markdownx-preview")
    expect(preview).to_contain_text("Types of online abuse")
    problems = editor.locator("[data-app-desk-problems]")
    # The text as it stands has dead ends (issue 21): put right first.
    body.fill(without_dead_ends(body.input_value()))
    expect(problems).to_contain_text("No problems in the text")

    text = body.input_value()
    line = next(n for n, row in enumerate(text.split("\n"), 1) if GOOD in row)
    body.fill(text.replace(GOOD, BROKEN, 1))
    link = problems.get_by_role("link", name=f"Line {line}")
    expect(link).to_be_visible()
    expect(problems).to_contain_text("did you mean [[bullying]]?")
    # In the preview the link is marked in words, not only by colour, and leads nowhere.
    broken = preview.locator(".app-cross-link--missing")
    expect(broken).to_contain_text("Bullying (broken link)")
    assert broken.evaluate("e => e.closest('a')") is None

    # Typing far down the text, with the page scrolled to the desk: the list is in view.
    desk_top = box(editor.locator("[data-app-desk]"))["y"]
    editor.evaluate("y => window.scrollBy(0, y + 150)", desk_top)
    body.evaluate("b => { b.focus(); b.setSelectionRange(b.value.length, b.value.length); }")
    editor.keyboard.type(" More words at the end.")
    panel = box(problems)
    assert 0 <= panel["y"] <= 5 and panel["y"] + panel["height"] <= 800, panel
    expect(link).to_be_in_viewport()
    link.click()
    selected = body.evaluate(
        "b => [b.value.slice(0, b.selectionStart).split('\\n').length,"
        " document.activeElement === b]"
    )
    assert selected == [line, True]


def test_form_errors_are_summed_up_at_the_top_of_the_desk_and_take_the_focus(site, browser):
    editor = log_in(browser, site, "edna")
    chapter = Chapter.objects.get(slug="bullying")
    editor.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    expect(editor.locator(".markdownx-preview")).to_contain_text("Bullying")
    editor.locator("#id_body").press("End")
    editor.locator("#id_body").type(" Typed before the mistake.")
    editor.get_by_label("Effective date").fill("31/02/2026")
    editor.get_by_role("button", name="Save and review").click()
    summary = editor.locator("[data-app-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert box(summary)["y"] < 400  # at the top, not 1,585 px below the desk
    summary.get_by_role("link", name=re.compile("Effective date")).click()
    expect(editor.get_by_label("Effective date")).to_be_focused()
    assert "Typed before the mistake." in editor.locator("#id_body").input_value()


# --- nothing typed is lost ----------------------------------------------------------------


def test_autosave_keeps_the_text_on_the_server_while_typing(site, browser):
    draft = draft_of_online_safety()
    editor = log_in(browser, site, "edna")
    editor.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
    body = editor.locator("#id_body")
    expect(editor.locator(".markdownx-preview")).to_contain_text("Types of online abuse")
    body.press("Control+End")
    body.type(" Saved without pressing a button.")
    expect(editor.locator("[data-app-desk-saved]")).to_contain_text("Saved automatically at")
    assert "Saved without pressing a button." in body_of(draft)
    assert draft.revisions.filter(kind="autosave").exists()


def test_a_new_draft_is_created_by_its_first_autosave(site, browser):
    editor = log_in(browser, site, "edna")
    chapter = Chapter.objects.get(slug="bullying")
    editor.goto(site + f"/admin/procedures/draft/add/?chapter={chapter.pk}")
    expect(editor.locator(".markdownx-preview")).to_contain_text("Bullying")
    editor.locator("#id_body").press("End")
    editor.locator("#id_body").type(" Never saved by hand.")
    expect(editor.locator("[data-app-desk-saved]")).to_contain_text("Saved automatically at")
    draft = Draft.objects.get()
    assert "Never saved by hand." in draft.body
    expect(editor).to_have_url(re.compile(f"/draft/{draft.pk}/change/$"))
    # The buttons now save that draft, not a second one.
    editor.get_by_label("Amendment summary").fill("A sentence added.")
    editor.get_by_role("button", name="Save and review").click()
    expect(editor.locator(".messagelist")).to_contain_text("Saved")
    assert Draft.objects.count() == 1


def test_a_save_after_the_session_ended_keeps_the_text_and_goes_through_after_signing_in(
    site, browser
):
    draft = draft_of_online_safety()
    editor = log_in(browser, site, "edna")
    editor.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
    body = editor.locator("#id_body")
    expect(editor.locator(".markdownx-preview")).to_contain_text("Types of online abuse")
    editor.context.clear_cookies(name="sessionid")  # the session ends
    body.press("Control+End")
    body.type(" Words typed after the session ended.")
    expect(editor.locator("[data-app-desk-saved]")).to_contain_text("You have been signed out")
    editor.get_by_role("button", name="Save and continue editing").click()

    # The sign-in page says the text is kept; after signing in it is back in the desk.
    expect(editor.locator(".messagelist")).to_contain_text("Your text is kept")
    assert "Words typed after the session ended." not in body_of(draft)
    editor.get_by_label("Username").fill("edna")
    editor.get_by_label("Password").fill("a-long-test-password")
    editor.get_by_label("Authentication code").fill("edna-backup-code")
    editor.get_by_role("button", name="Log in").click()
    expect(editor.locator(".messagelist")).to_contain_text("back in the form below")
    expect(body).to_have_value(re.compile("Words typed after the session ended."))
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("changed successfully")
    assert "Words typed after the session ended." in body_of(draft)


def test_two_editors_are_told_of_each_other_and_merge_instead_of_overwriting(
    site, browser, lee, axe_check_everything
):
    draft = draft_of_online_safety()
    edna = log_in(browser, site, "edna")
    other = log_in(browser, site, "lee")
    for page in (edna, other):
        page.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
        expect(page.locator(".markdownx-preview")).to_contain_text("Types of online abuse")
    expect(other.locator("[data-app-desk-others]")).to_contain_text("edna also has this draft")

    # Edna changes one paragraph; her autosave tells her Lee has the draft open too.
    text = edna.locator("#id_body").input_value()
    edna.locator("#id_body").fill(text.replace(OLD, NEW))
    expect(edna.locator("[data-app-desk-saved]")).to_contain_text("Saved automatically")
    expect(edna.locator("[data-app-desk-others]")).to_contain_text("lee also has this draft")

    # Lee, on the text as it was, changes another: his autosave is refused, and says why.
    lee_body = other.locator("#id_body")
    lee_body.press("Control+End")
    lee_body.type(" Added by Lee at the end.")
    status = other.locator("[data-app-desk-saved]")
    expect(status).to_contain_text("edna saved this draft at")
    assert "Added by Lee" not in body_of(draft)

    # Saving shows both texts; the changes do not overlap, so they are put together.
    other.get_by_role("button", name="Save and continue editing").click()
    expect(
        other.get_by_role("heading", name="edna saved this draft after you opened it")
    ).to_be_visible()
    expect(other.get_by_label("Your text")).to_have_value(re.compile("Added by Lee"))
    expect(other.get_by_label(re.compile("Their text"))).to_have_value(re.compile("group chats"))
    axe_check_everything(other, "conflict")
    other.get_by_role("button", name="Put the merged text in the desk").click()
    expect(other.locator(".messagelist")).to_contain_text("merged in the form below")
    merged = other.locator("#id_body").input_value()
    assert NEW in merged and "Added by Lee at the end." in merged
    other.get_by_role("button", name="Save and continue editing").click()
    expect(other.locator(".messagelist")).to_contain_text("changed successfully")
    saved = body_of(draft)
    assert NEW in saved and "Added by Lee at the end." in saved


def test_a_save_that_finds_the_database_locked_keeps_the_text_on_a_page_that_tries_again(
    site, browser, monkeypatch, axe_check_everything
):
    """The page a person sees when another process held the database longer than a save
    may wait (tests/ops/test_sqlite_writers.py makes that happen for real)."""
    from django.db import OperationalError

    from procedures.admin.drafts import DraftAdmin

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    draft = draft_of_online_safety()
    editor = log_in(browser, site, "edna")
    editor.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
    body = editor.locator("#id_body")
    expect(editor.locator(".markdownx-preview")).to_contain_text("Types of online abuse")
    body.press("Control+End")
    body.type(" Typed while the database was busy.")
    monkeypatch.setattr(DraftAdmin, "save_model", locked)
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.get_by_role("heading", name=re.compile("The portal is busy"))).to_be_visible()
    kept = editor.get_by_label(re.compile(r"Your text \(body\)"))
    expect(kept).to_have_value(re.compile("Typed while the database was busy."))
    axe_check_everything(editor, "busy")
    monkeypatch.undo()
    editor.get_by_role("button", name="Try again").click()
    expect(editor.locator(".messagelist")).to_contain_text("changed successfully")
    assert "Typed while the database was busy." in body_of(draft)


def test_the_desk_stacks_on_narrow_screens_and_refuses_files(site, browser):
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


def test_without_javascript_the_buttons_save_and_the_problems_show(site, browser):
    draft = draft_of_online_safety(body=draft_of_online_safety().body.replace(GOOD, BROKEN))
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    sign_in(page, site, "edna")
    page.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
    expect(page.locator(".markdownx-preview")).to_be_hidden()
    assert box(page.locator("#id_body"))["width"] > 800
    expect(page.locator("[data-app-desk-problems]")).to_contain_text("unknown chapter 'bulying'")
    body = page.locator("#id_body")
    body.fill(body.input_value().replace(BROKEN, GOOD) + "\nWithout a script.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    assert "Without a script." in body_of(draft)
    expect(page.locator("[data-app-desk-problems]")).to_contain_text("No problems")


# --- review reaches people ----------------------------------------------------------------


def test_a_publisher_sends_a_draft_back_and_the_editor_sees_it_on_the_draft(
    site, browser, axe_check_everything
):
    draft = draft_of_online_safety()
    publisher = log_in(browser, site, "pat")
    publisher.goto(site + f"/admin/procedures/draft/{draft.pk}/review/")
    publisher.get_by_label("Line of the text (optional)").fill("3")
    publisher.get_by_label("Comment", exact=True).fill("Say who to call first.")
    publisher.get_by_role("button", name="Send back to the editor with this comment").click()
    expect(publisher.locator(".messagelist")).to_contain_text("back to its editor")
    axe_check_everything(publisher, "review with a comment")

    editor = log_in(browser, site, "edna")
    waiting = editor.locator(".app-waiting")
    expect(waiting).to_contain_text("Say who to call first.")
    waiting.get_by_role("link", name=re.compile("^Change 2.5 Online safety")).click()
    sent_back = editor.locator(".app-sent-back")
    expect(sent_back).to_contain_text("Sent back to you by pat")
    axe_check_everything(editor, "desk of a draft sent back")
    sent_back.get_by_role("link", name="On line 3").click()
    line = editor.locator("#id_body").evaluate(
        "b => b.value.slice(0, b.selectionStart).split('\\n').length"
    )
    assert line == 3


# --- axe-core on every page a manager uses, best practice included ------------------------


ADMIN_PAGES = [
    ("login", "/admin/login/", None),
    ("index (editor)", "/admin/", "edna"),
    ("index (publisher)", "/admin/", "pat"),
    ("procedures app", "/admin/procedures/", "pat"),
    ("drafts list", "/admin/procedures/draft/", "edna"),
    ("draft add", "/admin/procedures/draft/add/?chapter={chapter}", "edna"),
    ("draft change", "/admin/procedures/draft/{draft}/change/", "edna"),
    ("draft history", "/admin/procedures/draft/{draft}/history/", "edna"),
    ("draft compare", "/admin/procedures/draft/{draft}/history/1...2/", "edna"),
    ("draft review (editor)", "/admin/procedures/draft/{draft}/review/", "edna"),
    ("draft review (publisher)", "/admin/procedures/draft/{draft}/review/", "pat"),
    ("draft preview", "/admin/procedures/draft/{draft}/preview/", "edna"),
    ("releases list", "/admin/procedures/release/", "pat"),
    ("release change", "/admin/procedures/release/{release}/change/", "pat"),
    ("release add", "/admin/procedures/release/add/", "pat"),
    ("release review", "/admin/procedures/release/{release}/review/", "pat"),
    ("chapters list", "/admin/procedures/chapter/", "edna"),
    ("chapter change", "/admin/procedures/chapter/{chapter}/change/", "edna"),
    ("versions list", "/admin/procedures/chapterversion/", "pat"),
    ("version change", "/admin/procedures/chapterversion/{version}/change/", "pat"),
    ("due for review", "/admin/procedures/dueforreview/", "pat"),
    ("audit entries", "/admin/procedures/auditentry/", "pat"),
    ("password change", "/admin/password_change/", "edna"),
]


def test_every_admin_page_a_manager_uses_has_no_axe_result_best_practice_included(
    site, browser, axe_check_everything
):
    chapter = Chapter.objects.get(slug="online-safety")
    release = Release.objects.create(name="Spring update", effective_date="2026-04-01")
    latest = chapter.versions.newest().get()
    draft = draft_of_online_safety(body=latest.source.replace(GOOD, BROKEN), release=release)
    pages = {"edna": log_in(browser, site, "edna"), "pat": log_in(browser, site, "pat")}
    # Two revisions to compare, and a comment on a line.
    edna = pages["edna"]
    edna.goto(site + f"/admin/procedures/draft/{draft.pk}/change/")
    edna.locator("#id_body").press("Control+End")
    edna.locator("#id_body").type(" More.")
    expect(edna.locator("[data-app-desk-saved]")).to_contain_text("Saved automatically")
    ids = {"draft": draft.pk, "release": release.pk, "chapter": chapter.pk, "version": latest.pk}
    anonymous = browser.new_context().new_page()
    failures = []
    for label, address, who in ADMIN_PAGES:
        page = pages[who] if who else anonymous
        response = page.goto(site + address.format(**ids))
        assert response.status == 200, label
        if "markdownx-preview" in page.content():
            expect(page.locator(".markdownx-preview")).not_to_be_empty()
        try:
            axe_check_everything(page, label)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)
