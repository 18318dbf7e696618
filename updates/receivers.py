"""The updates app's answers to what the manual announces."""

from django.dispatch import receiver

from partnerships.signals import contacts_published, local_information_published
from procedures.signals import release_published
from updates.tasks import (
    send_contacts_emails,
    send_local_information_emails,
    send_release_emails,
)


@receiver(release_published, dispatch_uid="updates.notify_release")
def email_subscribers(sender, release, **kwargs):
    # The signal is sent once the release is committed; the worker sends the emails, so the
    # publisher's request never waits for the mail server.
    send_release_emails.enqueue(release_id=release.pk)


@receiver(local_information_published, dispatch_uid="updates.notify_local_information")
def email_local_information_followers(sender, partnership, versions, **kwargs):
    version_ids = sorted(version.pk for version in versions)
    if version_ids:
        send_local_information_emails.enqueue(
            partnership_id=partnership.pk, version_ids=version_ids
        )


@receiver(contacts_published, dispatch_uid="updates.notify_contacts")
def email_contacts_followers(sender, partnership, version, **kwargs):
    send_contacts_emails.enqueue(contacts_version_id=version.pk)
