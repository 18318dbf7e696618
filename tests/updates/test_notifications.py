"""Release emails: what they list, who gets them, and that nobody gets one twice."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from procedures.models import ChapterVersion
from tests.updates.backends import RefusingBackend
from tests.updates.conftest import link_to, links_in
from updates.models import Delivery
from updates.notifications import notify_release

pytestmark = pytest.mark.django_db

CHANGES = [
    ("updated", "online-safety", "2.5", "Online safety", "Adds a section on AI images."),
    ("new", "county-lines", "2.12", "County lines", "New chapter on county lines."),
    ("withdrawn", "old-guidance", "2.3", "Old guidance", "Replaced by county lines."),
    ("minor", "bullying", "2.6", "Bullying", "Fixed a broken link."),
    ("new", "neglect", "2.4", "Neglect", "New chapter on neglect."),
]


def test_release_email_lists_new_updated_and_withdrawn_chapters_but_not_minor_ones(
    make_release, subscriber, mailoutbox, settings
):
    settings.PORTAL_BASE_URL = "https://procedures.example.org"
    subscriber()
    release = make_release(*CHANGES, name="June 2024 update", introduction="Twice-yearly.")
    result = notify_release(release)

    assert (result.sent, result.failed) == (1, 0)
    (message,) = mailoutbox
    assert message.subject == (
        "June 2024 update: amendments to the Safeguarding Children Procedures"
    )
    text = message.body
    assert text.index("New chapters") < text.index("Updated chapters")
    assert text.index("Updated chapters") < text.index("Withdrawn chapters")
    assert text.index("2.4 Neglect") < text.index("2.12 County lines")  # by chapter number
    assert "Adds a section on AI images." in text and "Replaced by county lines." in text
    assert "Details: http://127.0.0.1:8000/chapters/old-guidance/" not in text
    assert "Details: https://procedures.example.org/chapters/old-guidance/" in text
    assert "Twice-yearly." in text and "in effect from 2 June 2024" in text
    assert "Bullying" not in text and "Fixed a broken link." not in text
    assert "https://procedures.example.org/chapters/online-safety/" in links_in(text)
    assert all(link.startswith("https://procedures.example.org/") for link in links_in(text))
    assert "&amp;" not in text and "&#x27;" not in text

    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert 'href="https://procedures.example.org/chapters/county-lines/"' in html
    assert "Bullying" not in html
    assert link_to(text, "/updates/unsubscribe/") in html


def test_diff_and_amendments_links_are_included_when_the_portal_has_those_pages(
    make_release, subscriber, mailoutbox, settings, monkeypatch
):
    subscriber()
    release = make_release(*CHANGES)

    settings.ROOT_URLCONF = "tests.updates.urls_minimal"
    notify_release(release)
    text = mailoutbox[0].body
    assert "What changed" not in text and "All amendments" not in text
    assert "Read it: http://127.0.0.1:8000/chapters/online-safety/" in text

    settings.ROOT_URLCONF = "tests.updates.urls"
    Delivery.objects.all().delete()
    mailoutbox.clear()
    notify_release(release)
    text = mailoutbox[0].body
    assert "What changed: http://127.0.0.1:8000/chapters/online-safety/versions/1...2/" in text
    assert text.count("What changed") == 1  # new and withdrawn chapters have no diff
    assert "All amendments: http://127.0.0.1:8000/amendments/" in text

    # A model method naming the diff page wins over the documented path.
    def get_diff_url(version):
        return f"/chapters/{version.chapter.slug}/versions/1...{version.number + 5}/"

    monkeypatch.setattr(ChapterVersion, "get_diff_url", get_diff_url, raising=False)
    Delivery.objects.all().delete()
    mailoutbox.clear()
    notify_release(release)
    assert "/chapters/online-safety/versions/1...7/" in mailoutbox[0].body


def test_release_with_only_minor_corrections_sends_nothing(make_release, subscriber, mailoutbox):
    subscriber()
    release = make_release(("minor", "bullying", "2.6", "Bullying", "Typo."))
    result = notify_release(release)
    assert mailoutbox == [] and not Delivery.objects.exists()
    assert "only minor corrections" in str(result)


def test_unpublished_release_sends_nothing(make_release, subscriber, mailoutbox):
    subscriber()
    result = notify_release(make_release(*CHANGES, published=False))
    assert mailoutbox == [] and "not published" in result.reason


def test_every_confirmed_subscriber_gets_exactly_one_email_even_on_retry(
    make_release, subscriber, mailoutbox
):
    for n in range(3):
        subscriber(f"reader{n}@example.org")
    subscriber("pending@example.org", confirmed=False)
    release = make_release(*CHANGES)

    first = notify_release(release)
    second = notify_release(release)

    assert sorted(m.to[0] for m in mailoutbox) == [f"reader{n}@example.org" for n in range(3)]
    assert (first.sent, second.sent, second.already_sent) == (3, 0, 3)
    assert Delivery.objects.filter(status="sent").count() == 3
    # A subscriber who joins later gets the release when it is sent again, and only they do.
    subscriber("late@example.org")
    mailoutbox.clear()
    assert notify_release(release).sent == 1
    assert [m.to for m in mailoutbox] == [["late@example.org"]]


def test_a_delivery_claimed_by_another_run_is_not_sent_again(make_release, subscriber, mailoutbox):
    reader = subscriber()
    release = make_release(*CHANGES)
    Delivery.objects.create(release=release, subscriber=reader, status="sending")
    assert notify_release(release).sent == 0 and mailoutbox == []


def test_one_bad_address_does_not_stop_the_rest_and_is_retried(
    make_release, subscriber, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.updates.backends.RefusingBackend"
    subscriber("a@example.org")
    bouncing = subscriber("bounce@example.org")
    subscriber("z@example.org")
    release = make_release(*CHANGES)

    result = notify_release(release)

    assert (result.sent, result.failed) == (2, 1)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "z@example.org"]
    failed = Delivery.objects.get(subscriber=bouncing)
    assert failed.status == "failed" and "SMTPRecipientsRefused" in failed.last_error

    # Retrying tries only the failed one (here the server now accepts it).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailoutbox.clear()
    retry = notify_release(release)
    assert (retry.sent, retry.already_sent) == (1, 2)
    assert [m.to for m in mailoutbox] == [["bounce@example.org"]]
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 2 and failed.last_error == ""


def test_messages_are_sent_in_batches_over_one_connection_each(
    make_release, subscriber, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.updates.backends.RefusingBackend"
    settings.UPDATES_BATCH_SIZE = 2
    RefusingBackend.opened = 0
    for n in range(5):
        subscriber(f"reader{n}@example.org")
    assert notify_release(make_release(*CHANGES)).sent == 5
    assert RefusingBackend.opened == 3


def test_unreachable_mail_server_stops_without_claiming_anything(
    make_release, subscriber, settings
):
    settings.EMAIL_BACKEND = "tests.updates.backends.UnreachableBackend"
    subscriber()
    result = notify_release(make_release(*CHANGES))
    assert result.interrupted and result.sent == 0
    assert not Delivery.objects.exists()


def test_publishing_can_send_after_its_transaction_commits(
    make_release, subscriber, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        release = make_release(*CHANGES)
        transaction.on_commit(lambda: notify_release(release))
        assert mailoutbox == []
    assert len(mailoutbox) == 1


def test_send_release_emails_command(make_release, subscriber, mailoutbox):
    subscriber()
    make_release(*CHANGES, name="June 2024 update")
    make_release(*CHANGES[:1], name="Draft", published=False)

    call_command("send_release_emails", "June 2024 update", stdout=(out := _Output()))
    assert "Sent 1" in out.text and len(mailoutbox) == 1
    call_command("send_release_emails", "June 2024 update", stdout=(out := _Output()))
    assert "Sent 0" in out.text and "already sent 1" in out.text and len(mailoutbox) == 1

    with pytest.raises(CommandError, match="no release named"):
        call_command("send_release_emails", "No such release")
    with pytest.raises(CommandError, match="not published"):
        call_command("send_release_emails", "Draft")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_two_runs_at_once_send_each_email_once(make_release, subscriber, mailoutbox):
    for n in range(20):
        subscriber(f"reader{n}@example.org")
    release = make_release(*CHANGES)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(notify_release(release))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"reader{n}@example.org" for n in range(20)
    )
    assert sum(r.sent for r in results) == 20


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
