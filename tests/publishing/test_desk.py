"""The editing desk loses nothing, and review reaches people (issue 19), through the admin as
a browser posts it: every save kept as a revision (compared, restored), autosave, a save
after the sign-in expired, two editors on one draft (told of each other; a save over the
other's refused and merged), comments on lines, sending for review and back by email through
the worker, "Waiting for you" on the admin's home page, and a save that finds the database
locked. The same in a real browser: tests/browser/test_desk.py."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from procedures.admin.drafts import DraftAdmin
from procedures.models import Draft, DraftComment, DraftRevision, ReviewRequest
from tests.ops.served import field_value, form_fields, with_field

pytestmark = pytest.mark.django_db

TYPED = "Words typed in the desk that must not be lost."


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def change_url(draft):
    return f"/admin/procedures/draft/{draft.pk}/change/"


def open_desk(client, draft):
    """The draft's form as the desk shows it: its fields, as a browser would post them."""
    response = client.get(change_url(draft))
    assert response.status_code == 200
    return form_fields(text(response), "draft_form")


def edited(fields, old, new):
    body = field_value(fields, "body")
    assert old in body, old
    return with_field(fields, "body", body.replace(old, new))


def posted(fields):
    """Form fields (name, value) as the test client posts them."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def save(client, draft, fields, button="_continue"):
    return client.post(change_url(draft), posted([*fields, (button, "1")]))


def autosave(client, draft, fields):
    return client.post(
        f"/admin/procedures/draft/{draft.pk}/desk/", posted([*fields, ("_autosave", "1")])
    )


@pytest.fixture
def draft(small_manual, draft_of, editor):
    return draft_of("online-safety", by=editor)


@pytest.fixture
def second_editor(db):
    from django.contrib.auth.models import Group

    user = User.objects.create_user("lee", "lee@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


# --- revisions ----------------------------------------------------------------------------


def test_every_save_is_kept_as_a_revision_with_who_when_and_every_field(draft, editor):
    client = signed_in(editor)
    fields = edited(open_desk(client, draft), "Sexting incidents", "Nudes incidents")
    assert save(client, draft, fields).status_code == 302
    fields = edited(open_desk(client, draft), "Live streaming carries", "Live video carries")
    fields = with_field(fields, "summary", "Words for today's practice.")
    assert save(client, draft, fields).status_code == 302

    # The first is the draft as the desk first opened it.
    start, first, second = draft.revisions.order_by("number")
    assert (start.number, first.number, second.number) == (1, 2, 3)
    assert "Sexting incidents" in start.values["body"]
    assert first.by == editor and first.kind == DraftRevision.Kind.SAVE
    assert "Nudes incidents" in first.values["body"]
    assert "Live streaming carries" in first.values["body"]
    assert "Live video carries" in second.values["body"]
    assert second.values["summary"] == "Words for today's practice."
    assert {"title", "part", "related", "effective_date", "release"} <= set(second.values)


def test_an_earlier_revision_is_compared_word_by_word_and_restored(draft, editor):
    client = signed_in(editor)
    save(client, draft, edited(open_desk(client, draft), "Sexting incidents", "Nudes incidents"))
    save(client, draft, edited(open_desk(client, draft), "Nudes incidents", "Shared images"))

    history = text(client.get(f"/admin/procedures/draft/{draft.pk}/history/"))
    assert "Restore revision 2" in history and "3 (latest)" in history
    compare = text(client.get(f"/admin/procedures/draft/{draft.pk}/history/2...3/"))
    assert re.search(r"<del[^>]*>.*Nudes.*</del>", compare)
    assert re.search(r"<ins[^>]*>.*Shared images.*</ins>", compare)

    response = client.post(
        f"/admin/procedures/draft/{draft.pk}/history/2/restore/", {"latest": "3"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "Nudes incidents" in draft.body and "Shared images" not in draft.body
    restored = draft.revisions.order_by("-number").first()
    assert (restored.number, restored.kind, restored.restored_from) == (4, "restore", 2)
    assert draft.revisions.count() == 4  # the replaced text stays in the history


def test_restoring_is_refused_when_someone_saved_after_the_history_was_opened(
    draft, editor, second_editor
):
    client = signed_in(editor)
    save(client, draft, edited(open_desk(client, draft), "Sexting incidents", "Nudes incidents"))
    other = signed_in(second_editor)
    save(other, draft, edited(open_desk(other, draft), "Live streaming", "Video calls"))
    response = client.post(
        f"/admin/procedures/draft/{draft.pk}/history/1/restore/", {"latest": "2"}, follow=True
    )
    page = text(response)
    assert "Lee saved the draft" in page and "look at the history again" in page
    draft.refresh_from_db()
    assert "Video calls" in draft.body


# --- autosave -----------------------------------------------------------------------------


def test_autosave_keeps_the_text_even_with_problems_a_button_save_would_refuse(draft, editor):
    client = signed_in(editor)
    fields = edited(open_desk(client, draft), "Sexting incidents", TYPED)
    fields = with_field(fields, "summary", "")  # a button save refuses a missing summary
    assert save(client, draft, fields).status_code == 200
    assert TYPED not in Draft.objects.get(pk=draft.pk).body

    response = autosave(client, draft, fields)
    answer = json.loads(response.content)
    assert response.status_code == 200 and answer["saved"] is True
    assert TYPED in Draft.objects.get(pk=draft.pk).body
    revision = draft.revisions.get(number=answer["revision"])
    assert revision.kind == DraftRevision.Kind.AUTOSAVE and revision.by == editor


def test_a_run_of_autosaves_keeps_its_latest_and_a_button_save_is_kept_for_good(draft, editor):
    client = signed_in(editor)
    fields = with_field(open_desk(client, draft), "desk", "page-1")
    numbers = []
    for words in ("One.", "One. Two.", "One. Two. Three."):
        fields = with_field(fields, "body", field_value(fields, "body") + "\n" + words)
        numbers.append(json.loads(autosave(client, draft, fields).content)["revision"])
    assert numbers == [2, 3, 4]  # numbers only grow (1: the draft as first opened)...

    def kept():
        return list(draft.revisions.order_by("number").values_list("number", flat=True))

    assert kept() == [1, 4]  # ...and of the run, its latest is kept
    assert save(client, draft, with_field(fields, "revision", "4")).status_code == 302
    assert draft.revisions.get(number=4).kind == DraftRevision.Kind.SAVE
    fields = with_field(fields, "body", field_value(fields, "body") + "\nFour.")
    autosave(client, draft, with_field(fields, "revision", "4"))
    assert kept() == [1, 4, 5]


def test_the_first_autosave_of_a_new_draft_creates_it(small_manual, editor):
    client = signed_in(editor)
    chapter = small_manual and Draft._meta.get_field("chapter").related_model.objects.get(
        slug="bullying"
    )
    page = text(client.get(f"/admin/procedures/draft/add/?chapter={chapter.pk}"))
    fields = form_fields(page, "draft_form")
    fields = with_field(fields, "body", field_value(fields, "body") + "\n" + TYPED)
    response = client.post(
        "/admin/procedures/draft/desk/new/", posted([*fields, ("_autosave", "1")])
    )
    answer = json.loads(response.content)
    created = Draft.objects.get()
    assert answer["saved"] and answer["change_url"] == change_url(created)
    assert TYPED in created.body and created.created_by == editor
    assert created.chapter == chapter


def test_the_desk_answers_a_signed_out_page_with_401_not_a_redirect(draft, editor):
    client = signed_in(editor)
    fields = open_desk(client, draft)
    client.logout()
    response = autosave(client, draft, fields)
    assert response.status_code == 401 and json.loads(response.content)["signed_out"]


def test_the_desk_refuses_a_post_without_the_csrf_token(draft, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(f"/admin/procedures/draft/{draft.pk}/desk/", {"_autosave": "1"})
    assert response.status_code == 403


# --- a save after the sign-in expired -----------------------------------------------------


def test_a_save_after_the_session_ended_keeps_the_text_and_goes_through_after_signing_in(
    draft, editor
):
    device = StaticDevice.objects.create(user=editor, name="Backup codes")
    device.token_set.create(token="edna-code")
    client = signed_in(editor)
    fields = edited(open_desk(client, draft), "Sexting incidents", TYPED)
    client.cookies.pop("sessionid")  # the session ends (idle timeout, signed out elsewhere)

    response = save(client, draft, fields)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert TYPED not in Draft.objects.get(pk=draft.pk).body
    login = client.get(response["Location"])
    assert "Your text is kept" in text(login)

    signed = client.post(
        response["Location"],
        {"username": "edna", "password": "pw", "otp_token": "edna-code", "next": change_url(draft)},
    )
    assert signed.status_code == 302 and signed["Location"] == change_url(draft)
    page = text(client.get(change_url(draft)))
    assert TYPED in page and "back in the form below" in page
    again = form_fields(page, "draft_form")
    assert save(client, draft, again).status_code == 302
    assert TYPED in Draft.objects.get(pk=draft.pk).body


# --- two editors on one draft -------------------------------------------------------------


def test_two_editors_on_one_draft_are_told_of_each_other(draft, editor, second_editor):
    edna, lee = signed_in(editor), signed_in(second_editor)
    open_desk(edna, draft)
    page = text(lee.get(change_url(draft)))
    assert "edna also has this draft open" in page
    fields = form_fields(page, "draft_form")
    answer = json.loads(
        edna.post(f"/admin/procedures/draft/{draft.pk}/desk/", posted(fields)).content
    )
    assert [person["name"] for person in answer["others"]] == ["lee"]


def test_a_save_over_someone_elses_newer_save_is_refused_with_both_texts(
    draft, editor, second_editor
):
    edna, lee = signed_in(editor), signed_in(second_editor)
    theirs = edited(open_desk(edna, draft), "Sexting incidents", "Nudes incidents")
    mine = edited(open_desk(lee, draft), "Live streaming carries", "Video calls carry")
    assert save(edna, draft, theirs).status_code == 302

    refused = save(lee, draft, mine)
    assert refused.status_code == 409
    page = text(refused)
    assert "edna saved this draft" in page and "Your save was not made" in page
    assert "Video calls carry" in page and "Nudes incidents" in page  # both texts
    draft.refresh_from_db()
    assert "Nudes incidents" in draft.body and "Video calls carry" not in draft.body


def test_changes_that_do_not_overlap_are_merged_into_the_desk_then_saved(
    draft, editor, second_editor
):
    edna, lee = signed_in(editor), signed_in(second_editor)
    theirs = edited(open_desk(edna, draft), "Sexting incidents", "Nudes incidents")
    mine = edited(open_desk(lee, draft), "Live streaming carries", "Video calls carry")
    save(edna, draft, theirs)
    page = text(save(lee, draft, mine))
    assert "do not overlap" in page

    merged = lee.post(
        f"/admin/procedures/draft/{draft.pk}/merge/", posted(form_fields(page, "merge-form"))
    )
    assert merged.status_code == 302 and merged["Location"] == change_url(draft)
    desk = text(lee.get(change_url(draft)))
    assert "are merged in the form below" in desk
    fields = form_fields(desk, "draft_form")
    body = field_value(fields, "body")
    assert "Nudes incidents" in body and "Video calls carry" in body
    assert save(lee, draft, fields).status_code == 302
    draft.refresh_from_db()
    assert "Nudes incidents" in draft.body and "Video calls carry" in draft.body


@pytest.mark.parametrize(
    ("choice", "kept", "dropped"),
    [
        ("theirs", ["Nudes"], ["Images"]),
        ("mine", ["Images"], ["Nudes"]),
        ("both", ["Nudes", "Images"], []),
    ],
)
def test_lines_both_changed_are_settled_by_the_editors_choice(
    draft, editor, second_editor, choice, kept, dropped
):
    edna, lee = signed_in(editor), signed_in(second_editor)
    theirs = edited(open_desk(edna, draft), "Sexting incidents", "Nudes incidents")
    mine = edited(open_desk(lee, draft), "Sexting incidents", "Images incidents")
    save(edna, draft, theirs)
    page = text(save(lee, draft, mine))
    assert "Where you both changed the same thing" in page
    fields = with_field(form_fields(page, "merge-form"), "choice-body-1", choice)
    lee.post(f"/admin/procedures/draft/{draft.pk}/merge/", posted(fields))
    body = field_value(form_fields(text(lee.get(change_url(draft))), "draft_form"), "body")
    for words in kept:
        assert f"{words} incidents" in body
    for words in dropped:
        assert f"{words} incidents" not in body


def test_the_pages_own_autosaves_never_count_as_someone_elses_save(draft, editor):
    client = signed_in(editor)
    fields = with_field(open_desk(client, draft), "desk", "this-page")
    fields = edited(fields, "Sexting incidents", "Nudes incidents")
    autosave(client, draft, fields)  # the page's revision field is now behind
    fields = edited(fields, "Live streaming carries", "Video calls carry")
    assert save(client, draft, fields).status_code == 302


def test_an_autosave_over_someone_elses_newer_save_is_refused(draft, editor, second_editor):
    edna, lee = signed_in(editor), signed_in(second_editor)
    theirs = edited(open_desk(edna, draft), "Sexting incidents", "Nudes incidents")
    mine = with_field(open_desk(lee, draft), "desk", "lee-page")
    save(edna, draft, theirs)
    response = autosave(lee, draft, edited(mine, "Live streaming", "Video calls"))
    answer = json.loads(response.content)
    assert response.status_code == 409 and answer["newer"]["by"] == "edna"
    assert "Video calls" not in Draft.objects.get(pk=draft.pk).body


# --- review reaches people ----------------------------------------------------------------


def test_sending_for_review_emails_the_publishers_through_the_worker(
    draft, editor, publisher, other_publisher, jobs, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = save(client, draft, open_desk(client, draft), button="_send_for_review")
    assert response.status_code == 302
    assert mailoutbox == []  # not in the request: the worker sends it
    jobs()
    (email,) = mailoutbox
    assert sorted(email.to) == ["pat@example.org", "quinn@example.org"]
    assert email.subject == f"Ready for review: {draft}"
    assert f"/admin/procedures/draft/{draft.pk}/review/" in email.body
    jobs()
    assert len(mailoutbox) == 1  # once


def test_the_author_of_a_draft_is_not_asked_to_publish_it(
    small_manual, draft_of, publisher, other_publisher, jobs, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    draft = draft_of("online-safety", by=publisher)
    client = signed_in(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/procedures/draft/{draft.pk}/send-for-review/")
    jobs()
    (email,) = mailoutbox
    assert email.to == ["quinn@example.org"]
    assert "Review 2.5 Online safety" not in text(client.get("/admin/"))
    assert "Review 2.5 Online safety" in text(signed_in(other_publisher).get("/admin/"))


def test_waiting_for_you_on_the_admin_home_page(draft, editor, publisher):
    signed_in(editor).post(f"/admin/procedures/draft/{draft.pk}/send-for-review/")
    home = text(signed_in(publisher).get("/admin/"))
    panel = home[home.index("Waiting for you") :]
    review = f'href="/admin/procedures/draft/{draft.pk}/review/"'
    assert review in panel and "sent for review by edna" in panel
    assert "Nothing is waiting for you" in text(signed_in(editor).get("/admin/"))


def test_a_publisher_sends_a_draft_back_with_a_comment_the_editor_sees_and_gets_by_email(
    draft, editor, publisher, jobs, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(editor).post(f"/admin/procedures/draft/{draft.pk}/send-for-review/")
    pat = signed_in(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = pat.post(
            f"/admin/procedures/draft/{draft.pk}/comment/",
            {"line": "7", "text": "Say who records it.", "_send_back": "1"},
        )
    assert response.status_code == 302
    assert not ReviewRequest.objects.filter(draft=draft).exists()  # no longer waiting
    assert f"/draft/{draft.pk}/review/" not in text(pat.get("/admin/"))

    edna = signed_in(editor)
    desk = text(edna.get(change_url(draft)))
    assert "Sent back to you by pat" in desk and "Say who records it." in desk
    assert "Say who records it." in text(edna.get("/admin/"))
    mailoutbox.clear()
    jobs()
    (email,) = [m for m in mailoutbox if m.subject.startswith("Sent back")]
    assert email.to == ["edna@example.org"]
    assert "On line 7" in email.body and "Say who records it." in email.body


def test_only_a_publisher_sends_a_draft_back(draft, editor):
    response = signed_in(editor).post(
        f"/admin/procedures/draft/{draft.pk}/comment/", {"text": "Back.", "_send_back": "1"}
    )
    assert response.status_code == 403
    assert not DraftComment.objects.exists()


def test_a_comment_on_a_line_is_kept_with_its_revision_in_the_history(draft, editor, publisher):
    edna, pat = signed_in(editor), signed_in(publisher)
    save(edna, draft, edited(open_desk(edna, draft), "Sexting incidents", "Nudes incidents"))
    line = draft.body.split("\n").index("Sexting incidents are recorded, not reported.") + 1
    pat.post(
        f"/admin/procedures/draft/{draft.pk}/comment/", {"line": str(line), "text": "Cite the law."}
    )
    comment = DraftComment.objects.get()
    assert comment.revision.number == 2 and comment.line == line
    assert comment.quote == "Nudes incidents are recorded, not reported."
    save(edna, draft, edited(open_desk(edna, draft), "Live streaming", "Video calls"))
    history = text(edna.get(f"/admin/procedures/draft/{draft.pk}/history/"))
    row = history[history.index('id="revision-2"') :]
    assert "Cite the law." in row and f"on line {line}" in row
    assert "Cite the law." in text(edna.get(change_url(draft)))


def test_a_comment_refused_for_its_line_number_keeps_its_text(draft, publisher):
    pat = signed_in(publisher)
    pat.post(
        f"/admin/procedures/draft/{draft.pk}/comment/", {"line": "999", "text": "Long thought."}
    )
    review = text(pat.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    assert "line 999 is not one of them" in review
    assert ">Long thought.</textarea>" in review
    assert not DraftComment.objects.exists()


# --- a database that stays locked ---------------------------------------------------------


def test_a_save_that_finds_the_database_locked_answers_a_page_keeping_the_text(
    draft, editor, monkeypatch
):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    client = signed_in(editor)
    fields = edited(open_desk(client, draft), "Sexting incidents", TYPED)
    monkeypatch.setattr(DraftAdmin, "save_model", locked)
    client.raise_request_exception = False
    response = save(client, draft, fields)
    assert response.status_code == 503 and response["Retry-After"]
    page = text(response)
    assert "nothing was saved yet" in page and TYPED in page
    again = form_fields(page, "busy-form")
    assert field_value(again, "body") == field_value(fields, "body")
    monkeypatch.undo()
    assert client.post(change_url(draft), posted(again)).status_code == 302
    assert TYPED in Draft.objects.get(pk=draft.pk).body


def test_the_desk_lists_the_texts_problems_above_it_even_without_javascript(draft, editor):
    Draft.objects.filter(pk=draft.pk).update(
        body=draft.body.replace("[[bullying#cyberbullying|cyberbullying]]", "[[bulying]]")
    )
    page = text(signed_in(editor).get(change_url(draft)))
    panel = page[page.index("data-app-desk-problems") : page.index("<textarea")]
    assert "1 problem in the text would stop publishing" in panel
    assert "Line 3</a>" in panel and "did you mean [[bullying]]?" in panel
