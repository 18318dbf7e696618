"""Choosing what to get when signing up, and changing it from the link in every email."""

import re

import pytest
from django.test import TestCase

from partnerships.models import Partnership
from procedures.models import Chapter, Part
from tests.conftest import run_jobs
from tests.updates.conftest import link_to, path_of
from updates.choices import save_choice
from updates.models import Subscriber
from updates.notifications import notify_release
from updates.tokens import manage_token, unsubscribe_token

pytestmark = pytest.mark.django_db

ONLINE = ("updated", "online-safety", "2.5", "Online safety", "Adds a section on AI images.")
NEGLECT = ("new", "neglect", "2.4", "Neglect", "New chapter on neglect.")
REFERRALS = ("new", "referrals", "1.2", "Referrals", "New referral form.")


@pytest.fixture
def chapters(make_release):
    """A manual with three chapters in two parts, and a partnership."""
    make_release(ONLINE, NEGLECT, REFERRALS, name="Earlier")
    Partnership.objects.create(slug="northmoor", name="Northmoor", area="Northmoor area")
    return {chapter.slug: chapter for chapter in Chapter.objects.all()}


def subscribe(client, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/updates/", data)
    run_jobs()
    return response


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_sign_up_form_offers_parts_chapters_and_local_information_grouped_by_part(client, chapters):
    page = client.get("/updates/").content.decode()
    assert page.index("Part 1: Working together") < page.index("1.2 Referrals")
    assert page.index("1.2 Referrals") < page.index("Part 2: Child protection")
    assert page.index("2.4 Neglect") < page.index("2.5 Online safety")
    assert f'name="chapters" type="checkbox" value="{chapters["neglect"].pk}"' in page
    assert 'name="parts" type="checkbox"' in page
    assert 'name="partnership" type="radio" value="northmoor"' in page
    assert page.count(" checked") == 1  # nothing chosen for the reader but "No local information"
    assert 'value="" checked>' in page


def test_sign_up_with_chosen_chapters_and_local_information(client, chapters, mailoutbox):
    response = subscribe(
        client,
        {
            "email": "reader@example.org",
            "follow": "chosen",
            "chapters": [chapters["online-safety"].pk],
            "parts": [Part.objects.get(number=1).pk],
            "partnership": "northmoor",
        },
    )
    assert response.status_code == 302
    reader = Subscriber.objects.get()
    assert not reader.whole_manual
    assert list(reader.chapters.all()) == [chapters["online-safety"]]
    assert [part.number for part in reader.parts.all()] == [1]
    assert reader.partnership.slug == "northmoor"

    (confirmation,) = mailoutbox
    assert "- Every chapter in part 1: Working together" in confirmation.body
    assert "- 2.5 Online safety" in confirmation.body
    assert "- Local information from Northmoor" in confirmation.body
    confirm_page = client.get(path_of(link_to(confirmation.body, "/updates/confirm/")))
    assert "2.5 Online safety" in text_of(confirm_page)


@pytest.mark.parametrize(
    ("ticked", "whole_manual", "followed"),
    [
        ({}, True, []),  # nothing chosen: the whole manual, as before there was a choice
        ({"chapters": "neglect"}, False, ["neglect"]),  # ticks without the radio say it
        ({"follow": "all", "chapters": "neglect"}, True, []),  # the whole manual includes it
    ],
)
def test_what_was_ticked_decides_when_the_radio_does_not(
    client, chapters, ticked, whole_manual, followed
):
    data = {"email": "reader@example.org", **ticked}
    if "chapters" in data:
        data["chapters"] = chapters[data["chapters"]].pk
    assert subscribe(client, data).status_code == 302
    reader = Subscriber.objects.get()
    assert reader.whole_manual is whole_manual
    assert [chapter.slug for chapter in reader.chapters.all()] == followed


def test_a_partnership_address_offers_its_own_local_information_first(client, chapters):
    page = client.get("/p/northmoor/updates/").content.decode()
    assert 'type="radio" value="northmoor" checked' in page


def test_choosing_parts_and_chapters_but_ticking_none_is_a_clear_error(client, chapters):
    response = subscribe(client, {"email": "reader@example.org", "follow": "chosen"})
    assert response.status_code == 200
    message = "Choose at least one part or chapter, or a partnership&#x27;s local information"
    page = response.content.decode()
    assert f'<a href="#choose">{message}</a>' in page
    assert 'id="choose"' in page and 'id="choose-error"' in page
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("chapters", "999999", "Choose chapters from the list: one you sent is not in it"),
        ("chapters", "<script>", "Choose chapters from the list: one you sent is not in it"),
        ("parts", "abc", "Choose parts from the list: one you sent is not in it"),
        ("partnership", "nowhere", "Choose a partnership from the list: one you sent is not in it"),
        ("follow", "some", "Choose the whole manual or the parts and chapters you want"),
    ],
)
def test_a_forged_choice_gets_a_clear_message_not_an_error_page(
    client, chapters, mailoutbox, field, value, message
):
    data = {"email": "reader@example.org", "follow": "chosen", "chapters": [], field: value}
    if field != "chapters":
        data["chapters"] = [chapters["neglect"].pk]
    response = subscribe(client, data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in text_of(response)
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_sign_up_form_cannot_change_a_confirmed_readers_choice(client, chapters, mailoutbox):
    reader = Subscriber.objects.create(email="reader@example.org", confirmed_at="2024-01-01T00:00Z")
    save_choice(reader, whole_manual=False, chapters=[chapters["neglect"]])
    subscribe(client, {"email": "reader@example.org", "follow": "all"})
    assert list(reader.chapters.all()) == [chapters["neglect"]]
    assert not Subscriber.objects.get().whole_manual
    (message,) = mailoutbox
    assert "already subscribed" in message.subject
    assert link_to(message.body, "/updates/change/")  # the way to change it


def test_every_email_has_a_link_to_change_what_you_get(
    client, chapters, subscriber, make_release, mailoutbox
):
    subscribe(client, {"email": "new@example.org", "follow": "all"})
    subscriber("old@example.org")
    subscribe(client, {"email": "old@example.org", "follow": "all"})  # already subscribed
    notify_release(make_release(ONLINE, name="July update"))
    kinds = {}
    for message in mailoutbox:
        url = link_to(message.body, "/updates/change/")
        assert url in message.alternatives[0][0]
        kinds[message.subject.split(":")[0].split(" ")[0]] = path_of(url)
        assert client.get(path_of(url)).status_code == 200
    assert sorted(kinds) == ["Confirm", "July", "You"]


def test_change_page_shows_the_choice_and_saves_a_new_one(client, chapters):
    reader = Subscriber.objects.create(
        email="reader@example.org", confirmed_at="2024-01-01T00:00Z", whole_manual=True
    )
    url = f"/updates/change/{manage_token(reader)}/"
    page = client.get(url)
    assert "Every chapter in the manual" in text_of(page)
    assert 'value="all" aria-describedby="follow-all-hint" checked' in page.content.decode()
    assert "reader@example.org" in text_of(page)

    response = client.post(
        url,
        {"follow": "chosen", "chapters": [chapters["referrals"].pk], "partnership": "northmoor"},
    )
    assert response.status_code == 302 and response["Location"] == url + "?saved=1"
    page = client.get(response["Location"])
    assert "Your choice is saved" in text_of(page)
    assert "1.2 Referrals" in text_of(page) and "Local information from Northmoor" in text_of(page)
    html = page.content.decode()
    assert f'value="{chapters["referrals"].pk}" checked' in html
    assert 'value="chosen" aria-describedby="follow-chosen-hint" checked' in html
    reader.refresh_from_db()
    assert not reader.whole_manual and reader.partnership.slug == "northmoor"
    assert "Your choice is saved" not in text_of(client.get(url))


def test_change_page_rejects_a_forged_chapter_and_keeps_the_old_choice(client, chapters):
    reader = Subscriber.objects.create(email="reader@example.org", whole_manual=True)
    url = f"/updates/change/{manage_token(reader)}/"
    response = client.post(url, {"follow": "chosen", "chapters": ["424242"]})
    assert response.status_code == 200
    assert "Choose chapters from the list" in text_of(response)
    reader.refresh_from_db()
    assert reader.whole_manual


def test_change_page_can_unsubscribe(client, chapters):
    reader = Subscriber.objects.create(email="reader@example.org", whole_manual=True)
    page = client.get(f"/updates/change/{manage_token(reader)}/").content.decode()
    unsubscribe = f"/updates/unsubscribe/{unsubscribe_token(reader)}/"
    assert f'<form method="post" action="{unsubscribe}">' in page
    assert "You have unsubscribed" in text_of(client.post(unsubscribe))
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "make_token",
    [
        lambda reader: manage_token(reader)[:-1] + "x",  # tampered signature
        lambda reader: manage_token(reader).replace(reader.token[:4], "AAAA", 1),
        lambda reader: unsubscribe_token(reader),  # a different kind of link
        lambda reader: "not-a-token",
    ],
)
def test_a_tampered_change_link_gets_a_friendly_page(client, chapters, make_token):
    reader = Subscriber.objects.create(email="reader@example.org", whole_manual=True)
    url = f"/updates/change/{make_token(reader)}/"
    for response in [client.get(url), client.post(url, {"follow": "chosen"})]:
        assert response.status_code == 400
        assert "This link does not work" in text_of(response)
        assert "use the link in the most recent email" in text_of(response)
    reader.refresh_from_db()
    assert reader.whole_manual


def test_a_change_link_stops_working_once_unsubscribed(client, chapters):
    reader = Subscriber.objects.create(email="reader@example.org", whole_manual=True)
    url = f"/updates/change/{manage_token(reader)}/"
    reader.delete()
    assert client.get(url).status_code == 400
