"""A real worker process (`manage.py run_worker`) sends what publishing queued, against the
test database: each confirmed subscriber gets the release email once, and the worker's
heartbeat reaches /healthz/."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from portal import jobs
from tests.publishing.helpers import publish
from updates.models import Delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def run_worker(mail_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
        "WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
        "WORKER_MAIL_DIR": str(mail_dir),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def recipients(mail_dir):
    found = []
    for path in sorted(mail_dir.iterdir()):
        found += [
            line[4:].strip() for line in path.read_text().splitlines() if line.startswith("To: ")
        ]
    return sorted(found)


def test_a_real_worker_sends_each_subscriber_the_release_once(
    small_manual, draft_of, editor, publisher, subscriber, tmp_path, client, settings
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    readers = sorted(subscriber(f"reader{i}@example.org").email for i in range(4))
    subscriber("pending@example.org", confirmed=False)
    draft = draft_of(
        "online-safety",
        by=editor,
        replace={"Live streaming carries grooming risks.": "Live streaming can expose children."},
    )
    publish(by=publisher, draft=draft)  # commits; the emails are queued, not sent
    assert not Delivery.objects.exists()

    settings.HEALTH_CHECK_WORKER = True
    assert b"worker: no heartbeat" in client.get("/healthz/").content

    first = run_worker(mail_dir)
    assert first.returncode == 0, first.stdout + first.stderr
    assert recipients(mail_dir) == readers
    # Running the worker again sends nothing more.
    second = run_worker(mail_dir)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recipients(mail_dir) == readers
    assert Delivery.objects.filter(status="sent").count() == len(readers)

    assert jobs.heartbeat_age() is not None
    response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_a_real_worker_tells_a_partnerships_followers_its_new_number_once(
    two_partnerships, subscriber, tmp_path
):
    """Contacts published in the admin reach the partnership's followers through the same
    worker and the same delivery path as release emails."""
    import datetime

    from django.test import TestCase

    from partnerships import publishing as partnership_publishing
    from partnerships.models import ContactsVersion, Partnership, PartnershipDraft
    from tests.partnerships.conftest import person
    from updates.choices import save_choice

    two_partnerships.load()
    northmoor = Partnership.objects.get(slug="northmoor")
    for address, slug in [("north@example.org", "northmoor"), ("east@example.org", "eastbrook")]:
        reader = subscriber(address, whole_manual=False)
        save_choice(reader, whole_manual=False, partnership=Partnership.objects.get(slug=slug))
    draft = partnership_publishing.save_draft(
        by=person("nora", "Partnership editor", "northmoor"),
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.CONTACTS,
            partnership=northmoor,
            name=northmoor.name,
            area=northmoor.area,
            body=ContactsVersion.objects.get(partnership=northmoor).contacts.replace(
                "01632 960001", "01632 960077"
            ),
            summary="The front door has a new number.",
            review_date=datetime.date.today() + datetime.timedelta(days=365),
        ),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        partnership_publishing.publish(
            by=person("nick", "Partnership publisher", "northmoor"),
            draft=draft,
            approved=partnership_publishing.approval_fingerprint(draft),
        )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    for _ in range(2):  # a second run sends nothing more
        finished = run_worker(mail_dir)
        assert finished.returncode == 0, finished.stdout + finished.stderr
    assert recipients(mail_dir) == ["north@example.org"]
    text = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "phone 01632 960001 is now 01632 960077" in text
    assert Delivery.objects.get().message_id in text
