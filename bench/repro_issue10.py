"""Reproduce two figures from issue 10 in-process, on a throwaway PostgreSQL database:

1. sign-up flood: one client posts the subscribe form with fresh addresses for FLOOD_SECONDS;
   how many were accepted (a subscriber row each) and how many emails went out or were queued.
2. release emails and a slow mail server: SUBSCRIBERS confirmed subscribers, SMTP taking DELAY
   seconds a message; how long the publisher waits once the release is committed.

Run from the repository root: .venv/bin/python bench/repro_issue10.py
(works on this commit and on earlier ones, to compare before and after).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
os.environ["EMAIL_BACKEND_DELAY"] = os.environ.get("EMAIL_BACKEND_DELAY", "0.2")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.mail.backends.locmem import EmailBackend  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

SECONDS = float(os.environ.get("FLOOD_SECONDS", "10"))
SUBSCRIBERS = int(os.environ.get("SUBSCRIBERS", "50"))
DELAY = float(os.environ["EMAIL_BACKEND_DELAY"])


class SlowBackend(EmailBackend):
    """locmem, but each message takes DELAY seconds, like a slow SMTP server."""

    def send_messages(self, messages):
        time.sleep(DELAY * len(messages))
        return super().send_messages(messages)


def queued_jobs():
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def flood():
    from updates.models import Subscriber

    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = {}
    end = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < end:
        n += 1
        response = client.post("/updates/", {"email": f"victim{n}@example.net"})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    print(
        f"sign-up flood: {n} posts in {SECONDS:.0f} s from one client; statuses {statuses}; "
        f"subscriber rows {Subscriber.objects.count()}; emails sent {len(mail.outbox)}; "
        f"jobs queued {queued_jobs()}"
    )


def slow_publish():
    from procedures.models import Release
    from procedures.signals import release_published
    from updates.models import Subscriber

    sys.path.insert(0, ".")
    from tests.updates.conftest import ReleaseBuilder

    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{i}@example.org",
            email_key=f"reader{i}@example.org",
            token=f"token-{i}",
            confirmed_at=timezone.now(),
        )
        for i in range(SUBSCRIBERS)
    )
    release = ReleaseBuilder()(("new", "county-lines", "2.12", "County lines", "New."))
    mail.outbox = []
    with override_settings(EMAIL_BACKEND="__main__.SlowBackend"):
        started = time.monotonic()
        # What procedures.publishing does once the release is committed.
        release_published.send_robust(sender=Release, release=release)
        waited = time.monotonic() - started
    print(
        f"slow mail server: {SUBSCRIBERS} subscribers at {DELAY} s a message: the publisher "
        f"waited {waited:.2f} s; emails sent during the request {len(mail.outbox)}; "
        f"jobs queued {queued_jobs()}"
    )


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        flood()
        slow_publish()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
