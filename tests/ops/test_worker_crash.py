"""A worker killed (kill -9) in the middle of a release and started again at once, as a
supervisor would: every subscriber still gets the release email exactly once, within two
minutes, with no operator."""

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.publishing.helpers import publish
from updates.models import Subscriber, email_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

SUBSCRIBERS = 300
DEADLINE = 120  # seconds from the restart: the promise of issue 18


def start_worker(mail_dir, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
        "WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
        "WORKER_MAIL_DIR": str(mail_dir),
        "WORKER_MAIL_DELAY": "0.01",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def messages_in(mail_dir):
    """(recipient, Message-ID) of every message the file backend wrote, in any file."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        to = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                to = line[4:].strip()
            elif line.startswith("Message-ID: ") and to is not None:
                found.append((to, line[len("Message-ID: ") :].strip()))
                to = None
    return found


def wait_until(condition, *, deadline, every=0.2):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return condition()


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_worker_killed_mid_release_and_restarted_sends_everyone_exactly_once(
    small_manual, draft_of, editor, publisher, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    addresses = [f"reader{i:03}@example.org" for i in range(SUBSCRIBERS)]
    Subscriber.objects.bulk_create(
        Subscriber(
            email=address,
            email_key=email_key(address),
            token=f"token-{address}",
            confirmed_at=timezone.now(),
            whole_manual=True,
        )
        for address in addresses
    )
    draft = draft_of(
        "online-safety",
        by=editor,
        replace={"Live streaming carries grooming risks.": "Live streaming can expose children."},
    )
    publish(by=publisher, draft=draft)  # commits; the emails are queued

    log = (tmp_path / "worker.log").open("ab")
    first = start_worker(mail_dir, log)
    try:
        assert wait_until(lambda: len(messages_in(mail_dir)) >= 20, deadline=60), (
            "the worker sent nothing"
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        stop(first)
    sent_before_the_crash = len(messages_in(mail_dir))
    assert sent_before_the_crash < SUBSCRIBERS, "the release was sent before the kill"

    restarted = time.monotonic()
    second = start_worker(mail_dir, log)
    try:
        wait_until(
            lambda: {to for to, _ in messages_in(mail_dir)} >= set(addresses), deadline=DEADLINE
        )
        took = time.monotonic() - restarted
    finally:
        stop(second)

    received = messages_in(mail_dir)
    per_address = collections.Counter(to for to, _ in received)
    message_ids = collections.defaultdict(set)
    for to, message_id in received:
        message_ids[to].add(message_id)
    missing = [address for address in addresses if per_address[address] == 0]
    distinct = {address: len(message_ids[address]) for address in addresses}
    # A message the mail server took in the instant before the worker died may go again, but
    # then with the same Message-ID, so the receiving end knows it for the one it has.
    not_exactly_one = [address for address in addresses if distinct[address] != 1]
    assert (len(missing), len(not_exactly_one)) == (0, 0), (
        f"{len(missing)} of {SUBSCRIBERS} subscribers got no email and "
        f"{len(not_exactly_one)} did not get exactly one message within {DEADLINE} s of the "
        f"restart ({sent_before_the_crash} sent before the kill)"
    )
    copies = sum(per_address.values()) - SUBSCRIBERS
    print(
        f"all delivered {took:.0f} s after the restart; {sent_before_the_crash} before the "
        f"kill; {copies} copies sent again"
    )
    assert copies <= 1, f"{copies} copies sent again"
