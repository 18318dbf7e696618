"""The updates app's answers to what the manual announces."""

import logging

from django.dispatch import receiver

from procedures.signals import release_published
from updates.notifications import notify_release

logger = logging.getLogger(__name__)


@receiver(release_published, dispatch_uid="updates.notify_release")
def email_subscribers(sender, release, **kwargs):
    notify_release(release)
