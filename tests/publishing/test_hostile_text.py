"""Whatever an editor types, the live preview answers and the draft form keeps their text
(issue 8, problem 4): never a 500, never lost work."""

import pytest
from django.test import override_settings

from procedures.models import Chapter, Draft
from tests.publishing.test_admin import draft_form, login

pytestmark = pytest.mark.django_db

HOSTILE_BODIES = {
    "spaces": "See [[child protection plans]].\n",
    "two-words": "See [[a b]].\n",
    "slash": "See [[a/b]].\n",
    "triple": "See [[[referrals]]].\n",
    "empty": "See [[]] and [[|x]] and [[#]].\n",
    "quote-in-anchor": 'See [[bullying#x"onclick=alert(1)]].\n',
    "unclosed": "See [[bullying for more.\n",
    "list-1000": "".join("\t" * level + "- item\n" for level in range(1000)),
    "quote-3000": "> " * 3000 + "deep\n",
    "nul": "Text with a \x00 NUL.\n",
    "markdown-placeholders": "\x02klzzwxh:0000\x03 and \x02wzxhzdk:0\x03\n",
    "escape": "Colour \x1b[31m red.\n",
    "too-large": "A long chapter. " * 800,
}


def preview(client, body):
    return client.post("/markdownx/markdownify/", {"content": body})


@override_settings(MAX_VERSION_BYTES=10_000)
@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_the_live_preview_lists_the_problem_instead_of_failing(client, small_manual, editor, name):
    login(client, editor)
    response = preview(client, HOSTILE_BODIES[name])
    assert response.status_code == 200
    assert "cannot be published until these are fixed" in response.content.decode()


@override_settings(MAX_VERSION_BYTES=10_000)
@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_the_draft_form_keeps_the_editors_text(client, small_manual, editor, name):
    chapter = Chapter.objects.get(slug="online-safety")
    login(client, editor)
    body = HOSTILE_BODIES[name]
    response = client.post("/admin/procedures/draft/add/", draft_form(chapter, body=body))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # saved: the text is the draft's, publishing is blocked
        draft = Draft.objects.get()
        assert draft.body.strip() == body.strip()
        followed = client.get(response["Location"])
        assert "Publishing is blocked until these are fixed" in followed.content.decode()
        review = client.get(f"/admin/procedures/draft/{draft.pk}/review/")
        assert review.status_code == 200
        assert client.get(f"/admin/procedures/draft/{draft.pk}/preview/").status_code == 200
    else:  # refused by the form (a NUL cannot be stored): the text is shown again to fix
        form = response.context["adminform"].form
        assert form.errors and form.data["body"] == body
        assert not Draft.objects.exists()
