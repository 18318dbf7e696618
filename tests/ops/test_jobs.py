"""Emails are background jobs: no request waits for the mail server, failures are retried
with a growing delay, an abandoned delivery is picked up again, and nobody gets two copies."""

import datetime
import logging

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import run_jobs
from tests.publishing.helpers import publish
from updates.models import Delivery, Subscriber
from updates.sending import message_id_for

pytestmark = pytest.mark.django_db

NEW_TEXT = {"Live streaming carries grooming risks.": "Live streaming can expose children."}


def publish_committed(*, by, draft):
    """Publish as the admin does; the release is announced once the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish(by=by, draft=draft)


def test_publishing_emails_each_confirmed_subscriber_exactly_once_after_the_worker_runs(
    small_manual, draft_of, editor, publisher, subscriber, mailoutbox
):
    readers = [subscriber(f"reader{i}@example.org") for i in range(3)]
    subscriber("pending@example.org", confirmed=False)
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    # The publisher's request sent nothing itself: the emails wait for the worker.
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_jobs()
    run_jobs()  # a second worker pass finds nothing more to send
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in readers)
    assert all("Online safety" in m.body for m in mailoutbox)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_signing_up_does_not_wait_for_the_mail_server(client, settings, mailoutbox):
    # A mail server that never answers: the page must not depend on it at all.
    settings.EMAIL_BACKEND = "tests.ops.backends.HangingBackend"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/updates/", {"email": "reader@example.org"})
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_failed_release_emails_are_retried_later_with_a_growing_delay(
    small_manual, draft_of, editor, publisher, subscriber, settings, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = "tests.updates.backends.RefusingBackend"
    settings.JOBS_MAX_ATTEMPTS = 3
    subscriber("reader@example.org")
    bounce = subscriber("bounce@example.org")
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))

    delays = []
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            started = timezone.now()
            run_jobs()
            waiting = DBTaskResult.objects.filter(status="READY")
            delays += [(job.run_after - started).total_seconds() for job in waiting]
            waiting.update(run_after=timezone.now())  # let the clock jump to the retry
    # Retried after about 30 s, then about 60 s; the third failure gives up, and says so.
    assert [round(d, -1) for d in delays] == [30, 60]
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]  # once, never again
    failed = Delivery.objects.get(subscriber=bounce)
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert "event=job_failed task=send_release_emails attempt=3" in caplog.text


def test_a_delivery_whose_lease_lapsed_is_sent_again_with_the_same_message_id_only_once(
    small_manual, draft_of, editor, publisher, subscriber, settings, mailoutbox
):
    settings.UPDATES_LEASE_SECONDS = 30
    abandoned, recent = subscriber("abandoned@example.org"), subscriber("recent@example.org")
    subscriber("fresh@example.org")
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    release_id = DBTaskResult.objects.get().args_kwargs["kwargs"]["release_id"]
    now = timezone.now()
    # A worker was killed a minute ago as it handed `abandoned` its email (the Message-ID
    # was recorded); another is sending to `recent` right now, its lease running.
    dead = Delivery.objects.create(
        release_id=release_id,
        subscriber=abandoned,
        claimed_by="dead-worker",
        lease_until=now - datetime.timedelta(seconds=30),
    )
    dead_id = message_id_for(dead)
    Delivery.objects.filter(pk=dead.pk).update(message_id=dead_id)
    Delivery.objects.create(
        release_id=release_id,
        subscriber=recent,
        claimed_by="live-worker",
        lease_until=now + datetime.timedelta(seconds=25),
    )
    run_jobs()
    assert sorted(m.to[0] for m in mailoutbox) == ["abandoned@example.org", "fresh@example.org"]
    again = next(m for m in mailoutbox if m.to == ["abandoned@example.org"])
    assert again.message()["Message-ID"] == dead_id
    assert Delivery.objects.get(subscriber=abandoned).attempts == 2
    # The job looks again just after the live worker's lease would lapse, not ten minutes on.
    (later,) = DBTaskResult.objects.filter(status="READY")
    assert now + datetime.timedelta(seconds=25) < later.run_after
    assert later.run_after < now + datetime.timedelta(seconds=40)


def test_each_release_email_carries_a_message_id_recorded_before_it_was_sent(
    small_manual, draft_of, editor, publisher, subscriber, mailoutbox
):
    subscriber("one@example.org"), subscriber("two@example.org")
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    run_jobs()
    recorded = dict(Delivery.objects.values_list("subscriber__email", "message_id"))
    sent = {m.to[0]: m.message()["Message-ID"] for m in mailoutbox}
    assert sent == recorded and len(set(sent.values())) == 2


def test_a_worker_starting_up_runs_again_the_email_jobs_a_dead_worker_left_running(
    small_manual, draft_of, editor, publisher, subscriber, mailoutbox
):
    from django_tasks_db.compat import TaskResultStatus

    from updates.tasks import resume_unfinished_deliveries

    readers = sorted(subscriber(f"reader{i}@example.org").email for i in range(3))
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    # A worker took the job and died after one email: no rows for the other two.
    job = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=job.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"]
    )
    release_id = job.args_kwargs["kwargs"]["release_id"]
    first = Subscriber.objects.get(email=readers[0])
    Delivery.objects.create(release_id=release_id, subscriber=first, status="sent")
    assert resume_unfinished_deliveries() == 1
    run_jobs()
    assert sorted(m.to[0] for m in mailoutbox) == readers[1:]


def test_a_worker_starting_up_resumes_release_emails_left_unfinished(
    small_manual, draft_of, editor, publisher, subscriber, mailoutbox
):
    from updates.tasks import resume_unfinished_deliveries

    reader = subscriber("reader@example.org")
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    release_id = DBTaskResult.objects.get().args_kwargs["kwargs"]["release_id"]
    DBTaskResult.objects.all().delete()  # the queued job was lost with the old worker
    Delivery.objects.create(
        release_id=release_id,
        subscriber=reader,
        lease_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert resume_unfinished_deliveries() == 1
    run_jobs()
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]


def test_a_confirmation_job_for_an_old_claim_sends_nothing(client, mailoutbox):
    """A retry left over from an earlier request never adds a second copy."""
    from updates.tasks import send_subscription_email

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/updates/", {"email": "reader@example.org"})
    run_jobs()
    subscriber = Subscriber.objects.get()
    old_claim = (subscriber.last_emailed_at - datetime.timedelta(minutes=20)).isoformat()
    send_subscription_email.enqueue(subscriber_id=subscriber.pk, claimed_at=old_claim)
    run_jobs()
    assert len(mailoutbox) == 1


def test_publishing_a_whole_release_emails_each_subscriber_once_and_is_logged(
    small_manual, draft_of, editor, publisher, subscriber, mailoutbox, caplog
):
    from procedures.models import Release

    readers = sorted(subscriber(f"reader{i}@example.org").email for i in range(2))
    release = Release.objects.create(name="June update", effective_date=datetime.date.today())
    for slug, old, new in [
        ("online-safety", *next(iter(NEW_TEXT.items()))),
        ("bullying", "Bullying is repeated behaviour", "Bullying is deliberate behaviour"),
    ]:
        draft = draft_of(slug, by=editor, replace={old: new})
        draft.release = release
        draft.save()
    with caplog.at_level(logging.INFO), TestCase.captureOnCommitCallbacks(execute=True):
        publish(by=publisher, release=release)
    assert f'event=release_published release_id={release.pk} release="June update"' in (caplog.text)
    run_jobs()
    assert sorted(m.to[0] for m in mailoutbox) == readers
    assert all(m.subject.startswith("June update:") for m in mailoutbox)


def test_a_job_that_crashes_is_logged_as_a_job_failure(caplog):
    from updates.tasks import send_release_emails

    send_release_emails.enqueue(release_id="not-a-number")
    with caplog.at_level(logging.ERROR):
        run_jobs()
    assert "event=job_failed task=updates.tasks.send_release_emails" in caplog.text
    assert "error=builtins.ValueError" in caplog.text


def test_emails_go_before_pdf_builds_queued_earlier(
    small_manual, draft_of, editor, publisher, subscriber
):
    from pdfs.tasks import build_pdf
    from updates.tasks import send_release_emails

    subscriber()
    for _ in range(3):
        build_pdf.enqueue(kind="manual")
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    # The job the worker takes next (django-tasks-db takes the highest priority first).
    assert DBTaskResult.objects.ready().get_locked().task_path == send_release_emails.module_path


@pytest.mark.django_db(transaction=True)
def test_a_sender_held_up_by_a_slow_mail_server_keeps_its_claim(
    small_manual, draft_of, editor, publisher, subscriber, settings
):
    """The lease is renewed while the run works, so no other run takes over a delivery whose
    message is still with the mail server."""
    from tests.ops.backends import SlowLocmemBackend
    from updates.sending import abandoned_deliveries

    settings.UPDATES_LEASE_SECONDS = 1.5
    settings.EMAIL_BACKEND = "tests.ops.backends.SlowLocmemBackend"
    SlowLocmemBackend.delay, SlowLocmemBackend.seen = 2.5, []

    def look():  # while the message is with the "mail server", longer than a lease
        SlowLocmemBackend.seen.append(abandoned_deliveries().count())

    SlowLocmemBackend.during = look
    subscriber()
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace=NEW_TEXT))
    run_jobs()
    assert SlowLocmemBackend.seen == [0]
    assert Delivery.objects.get().status == "sent"
