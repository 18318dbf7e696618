"""Subscribing, confirming and unsubscribing, as a reader sees them."""

import datetime
import io
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import run_jobs
from tests.updates.conftest import link_to, path_of
from updates.models import Subscriber
from updates.notifications import notify_release
from updates.tokens import CONFIRM_SALT, confirm_token, unsubscribe_token

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def subscribe(client, email, **choice):
    """Post the form (the whole manual unless told otherwise), commit, and let the worker
    send what it queued."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/updates/", {"email": email, "follow": "all", **choice})
    run_jobs()
    return response


def test_subscribe_page_is_an_accessible_form_that_works_without_javascript(client):
    page = client.get("/updates/").content.decode()
    assert '<form method="post" action="/updates/" novalidate>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label class="govuk-label govuk-label--m" for="email">Email address</label>' in page
    assert 'type="email"' in page and 'autocomplete="email"' in page
    assert 'aria-describedby="email-hint"' in page
    assert "govuk-error-summary" not in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
        ("", "Enter your email address"),
    ],
)
def test_invalid_address_gets_a_clear_error(client, mailoutbox, value, message):
    response = subscribe(client, value)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "There is a problem" in page and f'<a href="#email">{message}</a>' in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page
    assert 'aria-describedby="email-hint email-error"' in page
    assert "govuk-input--error" in page
    assert f'value="{value}"' in page
    assert mailoutbox == [] and not Subscriber.objects.exists()


def test_whole_journey_subscribe_confirm_receive_unsubscribe(client, mailoutbox, make_release):
    response = subscribe(client, "Reader@Example.ORG")
    assert response.status_code == 302 and response["Location"] == "/updates/check-your-email/"
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page and "Reader@" not in page

    # One confirmation email, with a confirm link and an unsubscribe link.
    (confirmation,) = mailoutbox
    assert confirmation.to == ["Reader@example.org"]
    assert "Confirm" in confirmation.subject
    confirm_url = link_to(confirmation.body, "/updates/confirm/")
    assert confirm_url.startswith(BASE)
    assert link_to(confirmation.body, "/updates/unsubscribe/")
    html, mimetype = confirmation.alternatives[0]
    assert mimetype == "text/html" and confirm_url in html

    # Following the link (as a mail scanner would) confirms nothing.
    assert client.get(path_of(confirm_url)).status_code == 200
    release = make_release(("new", "online-safety", "2.5", "Online safety", "New chapter."))
    notify_release(release)
    assert len(mailoutbox) == 1

    # Pressing the button does.
    page = client.post(path_of(confirm_url)).content.decode()
    assert "You are subscribed" in page
    release = make_release(("updated", "bullying", "2.6", "Bullying", "Cyberbullying added."))
    mailoutbox.clear()
    notify_release(release)
    (update,) = mailoutbox
    assert "Bullying" in update.body and "Cyberbullying added." in update.body
    unsubscribe_url = link_to(update.body, "/updates/unsubscribe/")
    assert update.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert update.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in update.alternatives[0][0]

    # A GET only asks; the POST unsubscribes.
    page = client.get(path_of(unsubscribe_url)).content.decode()
    assert '<form method="post">' in page and Subscriber.objects.exists()
    page = client.post(path_of(unsubscribe_url)).content.decode()
    assert "You have unsubscribed" in page and not Subscriber.objects.exists()

    mailoutbox.clear()
    notify_release(make_release(("new", "neglect", "2.7", "Neglect", "New chapter.")))
    assert mailoutbox == []
    # Pressing unsubscribe again is harmless, and the old confirm link cannot bring it back.
    assert client.post(path_of(unsubscribe_url)).status_code == 200
    assert client.post(path_of(confirm_url)).status_code == 400
    assert not Subscriber.objects.exists()


def test_unconfirmed_address_gets_no_release_email(client, mailoutbox, make_release):
    subscribe(client, "pending@example.org")
    mailoutbox.clear()
    result = notify_release(make_release(("new", "neglect", "2.7", "Neglect", "New.")))
    assert mailoutbox == [] and result.sent == 0


def test_response_is_the_same_for_new_pending_and_confirmed_addresses(
    client, mailoutbox, subscriber
):
    subscriber("confirmed@example.org")
    subscriber("pending@example.org", confirmed=False)
    responses = [
        subscribe(client, address)
        for address in ["new@example.org", "pending@example.org", "confirmed@example.org"]
    ]
    assert {(r.status_code, r["Location"], r.content) for r in responses} == {
        (302, "/updates/check-your-email/", b"")
    }
    # Each address gets exactly one email; only the owner of the mailbox can tell which.
    assert [message.to for message in mailoutbox] == [
        ["new@example.org"],
        ["pending@example.org"],
        ["confirmed@example.org"],
    ]
    already = mailoutbox[2]
    assert "already subscribed" in already.subject
    assert "/updates/confirm/" not in already.body
    assert "/updates/unsubscribe/" in already.body and "List-Unsubscribe" in already.extra_headers


def test_an_address_is_emailed_at_most_once_per_window(client, mailoutbox, subscriber):
    subscriber("confirmed@example.org")
    for address in ["new@example.org", "confirmed@example.org"]:
        first, second = subscribe(client, address), subscribe(client, address.upper())
        assert first["Location"] == second["Location"] == "/updates/check-your-email/"
    assert len(mailoutbox) == 2
    # Once the window has passed, asking again sends again.
    Subscriber.objects.update(last_emailed_at=timezone.now() - datetime.timedelta(minutes=16))
    subscribe(client, "new@example.org")
    assert len(mailoutbox) == 3


def test_addresses_are_stored_normalised_and_matched_ignoring_case(client, subscriber):
    subscribe(client, "  Some.One@EXAMPLE.Org ")
    subscribe(client, "some.one@example.org")
    (stored,) = Subscriber.objects.all()
    assert stored.email == "Some.One@example.org"
    assert stored.email_key == "some.one@example.org"


def test_expired_confirmation_link_gets_a_friendly_page(client, subscriber):
    pending = subscriber("pending@example.org", confirmed=False)
    four_days_ago = signing.b62_encode(int(time.time()) - 4 * 24 * 60 * 60)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=four_days_ago):
        token = confirm_token(pending)
    for response in [
        client.get(f"/updates/confirm/{token}/"),
        client.post(f"/updates/confirm/{token}/"),
    ]:
        assert response.status_code == 400
        page = response.content.decode()
        assert "This link has expired" in page and 'href="/updates/"' in page
    pending.refresh_from_db()
    assert not pending.is_confirmed


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "abc:def:ghi",
        "a" * 500,
    ],
)
def test_tampered_links_get_a_friendly_page(client, token):
    for url in [f"/updates/confirm/{token}/", f"/updates/unsubscribe/{token}/"]:
        for response in [client.get(url), client.post(url)]:
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()


def test_a_link_signed_for_another_subscriber_or_purpose_does_not_work(client, subscriber):
    pending = subscriber("pending@example.org", confirmed=False)
    good = confirm_token(pending)
    value, stamp, signature = good.split(":")
    forged = f"{'x' * len(value)}:{stamp}:{signature}"
    assert client.post(f"/updates/confirm/{forged}/").status_code == 400
    # An unsubscribe link is not a confirmation link, nor the other way round.
    assert client.post(f"/updates/confirm/{unsubscribe_token(pending)}/").status_code == 400
    assert client.post(f"/updates/unsubscribe/{good}/").status_code == 400
    pending.refresh_from_db()
    assert not pending.is_confirmed
    other = signing.TimestampSigner(salt=CONFIRM_SALT, key="another key").sign(pending.token)
    assert client.post(f"/updates/confirm/{other}/").status_code == 400


def test_confirming_needs_the_csrf_token_but_one_click_unsubscribe_does_not(subscriber):
    pending = subscriber("pending@example.org", confirmed=False)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/updates/confirm/{confirm_token(pending)}/").status_code == 403
    assert strict.post("/updates/", {"email": "x@example.org"}).status_code == 403
    # RFC 8058: the mail provider POSTs this body, with no cookies, to the header's URL.
    response = strict.post(
        f"/updates/unsubscribe/{unsubscribe_token(pending)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and not Subscriber.objects.exists()


def test_confirm_link_for_a_confirmed_address_says_so(client, subscriber):
    confirmed = subscriber()
    page = client.get(f"/updates/confirm/{confirm_token(confirmed)}/").content.decode()
    assert "already confirmed" in page


def test_mail_server_failure_on_subscribe_shows_the_same_page_and_is_retried(
    client, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.updates.backends.RefusingBackend"
    response = subscribe(client, "bounce@example.org")
    assert response.status_code == 302 and response["Location"] == "/updates/check-your-email/"
    assert mailoutbox == []
    # The worker tries again later, once; when the mail server is back, one email arrives.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_jobs()
    run_jobs()
    assert [m.to for m in mailoutbox] == [["bounce@example.org"]]


def test_confirmation_email_says_when_the_link_stops_working(client, mailoutbox, settings):
    settings.UPDATES_CONFIRM_MAX_AGE = 2 * 24 * 60 * 60
    with mock.patch(
        "django.utils.timezone.now",
        return_value=datetime.datetime(2026, 7, 1, 17, 5, tzinfo=datetime.UTC),
    ):
        subscribe(client, "new@example.org")
    assert "The link works until 6:05pm on 3 July 2026 (UK time)." in mailoutbox[0].body
    page = client.get("/updates/check-your-email/").content.decode()
    assert "The link works for 2 days." in page


def test_unconfirmed_addresses_are_deleted_once_their_link_has_expired(subscriber):
    stale = subscriber("stale@example.org", confirmed=False)
    subscriber("fresh@example.org", confirmed=False)
    subscriber("old-but-confirmed@example.org")
    four_days_ago = timezone.now() - datetime.timedelta(days=4)
    Subscriber.objects.exclude(email__startswith="fresh").update(created_at=four_days_ago)
    call_command("purge_unconfirmed_subscribers", stdout=io.StringIO())
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org",
        "old-but-confirmed@example.org",
    ]
    assert not Subscriber.objects.filter(pk=stale.pk).exists()
