"""The admin workflow: editors draft, publishers review the diff and publish; least privilege."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import override_settings

from procedures.models import Chapter, ChapterVersion, Draft, Release
from procedures.roles import EDITOR, PUBLISHER
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def publish_from_review(client, what, pk, **kwargs):
    """Open the review page and press its publish button, as a publisher does."""
    review = text(client.get(f"/admin/procedures/{what}/{pk}/review/"))
    found = re.search(r'name="approved" value="([0-9a-f]*)"', review)
    data = {"approved": found.group(1)} if found else {}
    return client.post(f"/admin/procedures/{what}/{pk}/publish/", data, **kwargs)


# Every version says when it will next be reviewed.
NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()


def draft_form(chapter, **overrides):
    """What the add form posts after "Draft the next version" (the admin prefills it)."""
    latest = chapter.versions.newest().get()
    data = {
        "chapter": chapter.pk,
        "based_on": latest.number,
        "slug": "",
        "chapter_number": latest.chapter_number,
        "title": latest.title,
        "part": latest.part_id,
        "body": latest.source,
        "summary": "Changed.",
        "effective_date": "",
        "review_date": NEXT_YEAR,
        "related": [c.pk for c in latest.related.all()],
        "release": "",
        "withdrawn_reason": "",
        "replaced_by": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_groups_have_least_privilege():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert editor == set(EDITOR)
    assert publisher == set(PUBLISHER)
    assert "publish_draft" not in editor and "publish_draft" in publisher
    for anyone in (editor, publisher):
        assert not {"change_chapterversion", "delete_chapterversion", "add_chapterversion"} & anyone
        assert not {"add_chapter", "change_chapter", "delete_chapter"} & anyone


def test_the_admin_needs_a_staff_login(client, small_manual):
    assert client.get("/admin/procedures/draft/")["Location"].startswith("/admin/login/")
    nobody = User.objects.create_user("nobody", password="pw")
    login(client, nobody)
    assert client.get("/admin/procedures/draft/")["Location"].startswith("/admin/login/")


def test_draft_the_next_version_starts_from_the_current_text(client, small_manual, editor):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    html = text(client.get("/admin/procedures/chapter/"))
    assert f'/admin/procedures/draft/add/?chapter={chapter.pk}">Draft the next version' in html
    form = text(client.get(f"/admin/procedures/draft/add/?chapter={chapter.pk}"))
    assert "Sexting incidents are recorded, not reported." in form
    assert 'name="based_on" value="1"' in form
    assert 'class="markdownx' in form


def test_an_editor_drafts_but_the_public_page_does_not_change(client, small_manual, editor):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    body = chapter.versions.get().source.replace("Sexting incidents", "Incidents of sharing nudes")
    response = client.post("/admin/procedures/draft/add/", draft_form(chapter, body=body))
    assert response.status_code == 302, text(response)
    draft = Draft.objects.get()
    assert (draft.created_by, draft.based_on, draft.status) == (editor, 1, "draft")
    assert list(draft.authors.all()) == [editor]
    assert "Sexting incidents" in text(client.get("/chapters/online-safety/"))
    assert ChapterVersion.objects.filter(chapter=chapter).count() == 1


def test_the_draft_form_explains_what_is_missing(client, small_manual, editor):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    response = client.post(
        "/admin/procedures/draft/add/",
        draft_form(chapter, summary="", chapter_number="3.5", slug="bullying"),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    codes = {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}
    assert codes == {
        "summary": ["missing_summary"],
        "chapter_number": ["chapter_in_wrong_part"],
        "slug": ["slug_taken"],
    }
    # Each problem reads as a sentence next to its field, never as a Python list.
    html = response.content.decode()
    assert "[&#x27;" not in html and "['" not in html
    assert html.count('class="errorlist') >= 3
    assert not Draft.objects.exists()


def test_saving_a_draft_with_problems_says_what_blocks_publishing(client, small_manual, editor):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    body = "## Intro {#intro}\n\nSee [[nowhere]].\n"
    response = client.post(
        "/admin/procedures/draft/add/", draft_form(chapter, body=body), follow=True
    )
    html = text(response)
    assert "Publishing is blocked until these are fixed" in html
    assert "line 3: cross-link to unknown chapter" in html and "nowhere" in html


def test_an_editor_cannot_publish_or_manage_releases(client, small_manual, draft_of, editor):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    login(client, editor)
    review = text(client.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    # Editors are offered "Send for review", never a publish button.
    assert 'value="Send for review"' in review and 'value="Publish' not in review
    response = publish_from_review(client, "draft", draft.pk, follow=True)
    assert "Only a publisher can publish" in text(response)
    assert ChapterVersion.objects.count() == 3
    assert client.get("/admin/procedures/release/add/").status_code == 403
    assert client.post(f"/admin/procedures/draft/{draft.pk}/delete/").status_code == 403


def test_a_publisher_reviews_the_diff_and_publishes(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "online-safety",
        by=editor,
        summary="Sexting renamed.",
        replace={"Sexting incidents are recorded": "Incidents of sharing nudes are recorded"},
    )
    login(client, publisher)
    review = text(client.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    assert "Compared with version 1" in review
    assert '<span class="govuk-visually-hidden">Removed: </span>Sexting' in review
    assert '<span class="govuk-visually-hidden">Added: </span>Incidents of sharing nudes' in review
    assert 'value="Publish version 2 now"' in review
    preview = text(client.get(f"/admin/procedures/draft/{draft.pk}/preview/"))
    assert "Preview of a draft: not published" in preview
    assert "Incidents of sharing nudes are recorded" in preview
    response = publish_from_review(client, "draft", draft.pk, follow=True)
    assert "Published <a" in text(response)
    version = ChapterVersion.objects.get(chapter__slug="online-safety", number=2)
    assert version.published_by == publisher
    assert "Incidents of sharing nudes" in text(client.get("/chapters/online-safety/"))
    # A published draft is read-only and cannot be deleted.
    change = text(client.get(f"/admin/procedures/draft/{draft.pk}/change/"))
    assert 'name="_save"' not in change
    assert client.post(f"/admin/procedures/draft/{draft.pk}/delete/").status_code == 403


def test_four_eyes_in_the_admin(client, small_manual, draft_of, publisher, other_publisher):
    draft = draft_of("online-safety", by=publisher, replace={"Sexting": "Nudes"})
    login(client, publisher)
    review = text(client.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    assert "another publisher must review and publish it (four-eyes)" in review
    publish_from_review(client, "draft", draft.pk)
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 1
    with override_settings(ALLOW_SELF_PUBLISH=True):
        publish_from_review(client, "draft", draft.pk)
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 2


def test_the_loser_of_a_race_sees_the_chapter_moved_on_and_the_new_diff(
    client, small_manual, draft_of, editor, publisher, other_publisher
):
    mine = draft_of("online-safety", by=editor, replace={"Live streaming carries": "It has"})
    theirs = draft_of("online-safety", by=editor, summary="Sexting renamed.",
                      replace={"Sexting incidents": "Incidents"})  # fmt: skip
    publish(by=other_publisher, draft=theirs)
    login(client, publisher)
    response = publish_from_review(client, "draft", mine.pk, follow=True)
    html = text(response)
    assert response.redirect_chain[-1][0] == f"/admin/procedures/draft/{mine.pk}/review/"
    assert "moved on while the draft was being prepared" in html
    assert "The chapter moved on since this draft was started." in html
    assert "Version 2 (updated)" in html and "Sexting renamed." in html
    assert 'href="/chapters/online-safety/versions/1...2/"' in html
    assert "Compared with version 2" in html
    # Against version 2, the draft would undo version 2's change: it shows as removed.
    assert '<span class="govuk-visually-hidden">Removed: </span>Incidents' in html
    assert 'value="Publish' not in html
    # The editor brings the draft up to date and confirms it; then it can be published.
    mine.body = mine.body.replace("Sexting incidents", "Incidents")
    mine.save()
    login(client, editor)
    client.post(f"/admin/procedures/draft/{mine.pk}/rebase/")
    mine.refresh_from_db()
    assert mine.based_on == 2
    login(client, publisher)
    publish_from_review(client, "draft", mine.pk)
    latest = ChapterVersion.objects.get(chapter__slug="online-safety", valid_until=None)
    assert latest.number == 3 and "It has" in latest.source and "Incidents" in latest.source


def test_a_publisher_publishes_a_release_from_its_review_page(
    client, small_manual, draft_of, editor, publisher
):
    release = Release.objects.create(name="Autumn update", effective_date=datetime.date(2025, 9, 1))
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    draft_of("bullying", by=editor, release=release, replace={"hurt.": "hurt others."})
    login(client, publisher)
    review = text(client.get(f"/admin/procedures/release/{release.pk}/review/"))
    assert "2 drafts will be published together" in review
    assert review.count("Compared with version 1") == 2
    assert 'value="Publish the release"' in review
    response = publish_from_review(client, "release", release.pk, follow=True)
    assert "Published the release" in text(response)
    assert ChapterVersion.objects.filter(release=release).count() == 2
    assert client.get(f"/admin/procedures/release/{release.pk}/change/").status_code == 200
    assert client.post(f"/admin/procedures/release/{release.pk}/delete/").status_code == 403


def test_nobody_can_change_or_delete_a_published_version(client, small_manual):
    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    login(client, admin)
    version = ChapterVersion.objects.get(chapter__slug="bullying")
    url = f"/admin/procedures/chapterversion/{version.pk}/change/"
    assert client.get(url).status_code == 200  # readable
    assert client.post(url, {"title": "Edited"}).status_code == 403
    assert client.post(f"/admin/procedures/chapterversion/{version.pk}/delete/").status_code == 403
    assert client.get("/admin/procedures/chapterversion/add/").status_code == 403
    assert client.get("/admin/procedures/chapter/add/").status_code == 403
    version.refresh_from_db()
    assert version.title == "Bullying"


def test_markdownx_preview_uses_the_public_renderer_and_shows_problems(
    client, small_manual, editor
):
    login(client, editor)
    response = client.post(
        "/markdownx/markdownify/", {"content": "## Hi {#hi}\n\nSee [[bullying]] and [[nope]]."}
    )
    html = text(response)
    assert 'href="/chapters/bullying/"' in html and "Bullying</a>" in html
    assert "cannot be published until these are fixed" in html
    # A sentence with a link to its line (the editor's script puts the cursor there), not a
    # Python list.
    assert (
        '<li><a class="govuk-link" href="#id_body" data-app-line="3">Line 3</a>: '
        "Cross-link to unknown chapter &#x27;nope&#x27;" in html
    )
    assert "[&#x27;" not in html and "line 3:" not in html


def test_problem_text_in_the_preview_is_escaped(client, small_manual, editor):
    login(client, editor)
    html = text(client.post("/markdownx/markdownify/", {"content": "Hi <b onclick=1>x</b>"}))
    assert "Raw HTML &lt;b&gt; is not allowed" in html and "<b" not in html


def test_a_new_chapter_is_drafted_previewed_and_published_from_the_admin(
    client, small_manual, editor, publisher
):
    login(client, editor)
    data = {
        "slug": "county-lines",
        "chapter_number": "2.9",
        "title": "County lines",
        "part": Chapter.objects.get(slug="bullying").versions.get().part_id,
        "body": "## About {#about}\n\nSee [[bullying#cyberbullying]].\n",
        "summary": "First published.",
        "review_date": NEXT_YEAR,
        "related": [Chapter.objects.get(slug="bullying").pk],
    }
    response = client.post("/admin/procedures/draft/add/", data)
    assert response.status_code == 302, text(response)
    draft = Draft.objects.get()
    assert draft.chapter is None and draft.based_on is None
    preview = text(client.get(f"/admin/procedures/draft/{draft.pk}/preview/"))
    assert "Preview of a draft" in preview and "2.9</span> County lines" in preview
    assert 'href="/chapters/bullying/">2.1 Bullying</a>' in preview  # related, as it stands
    login(client, publisher)
    review = text(client.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    assert "A new chapter at /chapters/county-lines/" in review
    publish_from_review(client, "draft", draft.pk)
    assert text(client.get("/chapters/county-lines/")).count("County lines") >= 1


def test_a_withdrawal_is_previewed_as_the_withdrawn_page(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "referrals",
        by=editor,
        withdraw=True,
        withdrawn_reason="Covered elsewhere.",
        replaced_by=Chapter.objects.get(slug="bullying"),
    )
    login(client, publisher)
    preview = text(client.get(f"/admin/procedures/draft/{draft.pk}/preview/"))
    assert "This chapter was withdrawn on" in preview and "Covered elsewhere." in preview
    assert "Phone the front door" not in preview
    review = text(client.get(f"/admin/procedures/draft/{draft.pk}/review/"))
    assert "Withdrawal" in review and "Section removed" in review


def test_a_future_as_of_date_says_the_manual_will_stand(client, small_manual):
    later = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert "The manual as it will stand on" in text(client.get(f"/as-of/{later}/"))
    html = text(client.get(f"/as-of/{later}/chapters/bullying/"))
    assert "The manual as it will stand on" in html


@pytest.mark.parametrize("chapter", ["x", "1x", "99999", "", "%00"])
def test_a_malformed_draft_address_starts_a_blank_draft(client, small_manual, editor, chapter):
    login(client, editor)
    response = client.get("/admin/procedures/draft/add/", {"chapter": chapter})
    assert response.status_code == 200
    assert 'name="body"' in text(response)


def test_saving_goes_straight_to_the_review_and_editors_send_it_for_review(
    client, small_manual, editor
):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    form = text(client.get(f"/admin/procedures/draft/add/?chapter={chapter.pk}"))
    assert 'name="_send_for_review"' in form and 'name="_addanother"' not in form
    body = chapter.versions.get().source.replace("Sexting incidents", "Nude-sharing incidents")
    response = client.post("/admin/procedures/draft/add/", draft_form(chapter, body=body))
    draft = Draft.objects.get()
    assert response["Location"] == f"/admin/procedures/draft/{draft.pk}/review/"
    review = text(client.get(response["Location"]))
    assert "Nude-sharing" in review and 'value="Send for review"' in review
    assert "Not sent for review yet" in review

    response = client.post(
        f"/admin/procedures/draft/{draft.pk}/change/",
        draft_form(chapter, body=body, _send_for_review="1"),
    )
    assert response["Location"] == f"/admin/procedures/draft/{draft.pk}/review/"
    assert draft.review_request.by == editor
    drafts = text(client.get("/admin/procedures/draft/?sent=yes"))
    assert "by edna" in drafts and "2.5 Online safety" in drafts
    assert "2.5 Online safety" not in text(client.get("/admin/procedures/draft/?sent=no"))
    # Once sent, the review says so instead of offering the button again.
    review = text(client.get(response["Location"]))
    assert "Sent for review by edna" in review and 'value="Send for review"' not in review


def test_publishers_get_no_send_button_and_a_published_draft_cannot_be_sent(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    login(client, publisher)
    form = text(client.get(f"/admin/procedures/draft/{draft.pk}/change/"))
    assert 'name="_send_for_review"' not in form and 'value="Save and review"' in form
    assert publish_from_review(client, "draft", draft.pk).status_code == 302
    login(client, editor)
    response = client.post(f"/admin/procedures/draft/{draft.pk}/send-for-review/")
    assert response.status_code == 403
    assert not hasattr(Draft.objects.get(pk=draft.pk), "review_request")


def test_a_publisher_sees_whether_the_draft_changed_since_they_last_looked(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    login(client, publisher)
    url = f"/admin/procedures/draft/{draft.pk}/review/"
    assert "You have not looked at this draft before" in text(client.get(url))
    assert "Unchanged since you last looked at" in text(client.get(url))
    Draft.objects.filter(pk=draft.pk).update(body=draft.body.replace("Nudes", "Images"))
    assert "Changed since you last looked at" in text(client.get(url))
    assert "Unchanged since you last looked at" in text(client.get(url))
    # Each person's looks are their own.
    login(client, editor)
    assert "You have not looked at this draft before" in text(client.get(url))


def test_a_form_error_shows_the_form_again_with_the_text(client, small_manual, editor):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    body = chapter.versions.get().source + "\n\nA paragraph typed before the mistake.\n"
    response = client.post(
        "/admin/procedures/draft/add/", draft_form(chapter, body=body, part="", title="")
    )
    assert response.status_code == 200
    html = text(response)
    assert "A paragraph typed before the mistake." in html
    # The errors are summed up at the top of the desk, each a link to its field.
    summary = html[html.index('class="app-error-summary"') : html.index('id="draft_form"')]
    assert "There is a problem" in summary
    assert 'href="#id_title"' in summary and 'href="#id_part"' in summary
    assert not Draft.objects.exists()


def test_the_chapter_list_is_in_the_manuals_order_with_review_dates_and_open_drafts(
    client, manual, draft_of, editor
):
    review = "review: 2024-06-30\n"
    manual.chapter("bullying", "## A {#a}\n\nText.\n", number="2.10", title="Bullying")
    manual.chapter("neglect", "## A {#a}\n\nText.\n", number="2.9", title="Neglect", extra=review)
    manual.chapter("referrals", "## A {#a}\n\nText.\n", number="1.1", title="Referrals")
    manual.load()
    draft_of("neglect", by=editor, replace={"Text.": "New text."})
    login(client, editor)
    html = text(client.get("/admin/procedures/chapter/"))
    order = [html.index(label) for label in ("1.1 Referrals", "2.9 Neglect", "2.10 Bullying")]
    assert order == sorted(order)
    row = html[html.index("2.9 Neglect") : html.index("2.10 Bullying")]
    assert "1 January 2024" in row and "30 June 2024 (overdue)" in row
    assert "1<span" in row and "open draft of neglect" in row
    # Sorted by review date on request: the overdue one first.
    by_review = text(client.get("/admin/procedures/chapter/?o=3"))
    assert by_review.index("2.9 Neglect") < by_review.index("1.1 Referrals")
