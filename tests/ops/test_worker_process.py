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
