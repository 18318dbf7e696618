"""A release email says when the change takes effect, so nobody acts on it early."""

import datetime

import pytest

from procedures.models import Release
from updates.notifications import notify_release

pytestmark = pytest.mark.django_db

CHANGE = ("updated", "online-safety", "2.5", "Online safety", "Adds a section on AI images.")


def test_email_for_a_scheduled_release_says_when_it_takes_effect(
    make_release, subscriber, mailoutbox
):
    subscriber()
    release = make_release(CHANGE, name="Spring update")
    coming = datetime.date.today() + datetime.timedelta(days=40)
    Release.objects.filter(pk=release.pk).update(effective_date=coming)
    release.refresh_from_db()
    notify_release(release)

    (message,) = mailoutbox
    when = f"{coming.day} {coming:%B %Y}"
    assert f"taking effect on {when}: until then, follow the current versions" in message.body
    html, _ = message.alternatives[0]
    assert f"<strong>taking effect on {when}</strong>" in html
    assert "in effect from" not in message.body
