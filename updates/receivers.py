"""The updates app's answers to what the manual announces."""

from django.dispatch import receiver

from procedures.signals import release_published
from updates.tasks import send_release_emails


@receiver(release_published, dispatch_uid="updates.notify_release")
def email_subscribers(sender, release, **kwargs):
    # The signal is sent once the release is committed; the worker sends the emails, so the
    # publisher's request never waits for the mail server.
    send_release_emails.enqueue(release_id=release.pk)
