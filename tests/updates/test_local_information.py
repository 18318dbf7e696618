"""Local information emails: sent when partnerships.signals.local_information_published is,
only to readers who follow that partnership's local information, each at most once."""

import datetime

import pytest
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from partnerships.models import LocalInformation, Partnership
from partnerships.signals import local_information_published
from tests.conftest import run_jobs
from tests.partnerships.conftest import two_partnerships, write_local  # noqa: F401 (fixture)
from tests.updates.backends import RefusingBackend
from tests.updates.conftest import link_to, path_of
from updates.choices import save_choice
from updates.models import Delivery, LocalNotice
from updates.tasks import resume_unfinished_deliveries

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(two_partnerships):  # noqa: F811 (the fixture imported above)
    two_partnerships.load()
    return {p.slug: p for p in Partnership.objects.all()}


@pytest.fixture
def followers(areas, subscriber):
    def reader(email, partnership, *, confirmed=True, whole_manual=False):
        person = subscriber(email, confirmed=confirmed, whole_manual=whole_manual)
        save_choice(person, whole_manual=whole_manual, partnership=partnership)
        return person

    return {
        "northmoor": reader("north@example.org", areas["northmoor"]),
        "northmoor and all": reader("north-all@example.org", areas["northmoor"], whole_manual=True),
        "eastbrook": reader("east@example.org", areas["eastbrook"]),
        "manual only": reader("manual@example.org", None, whole_manual=True),
        "unconfirmed": reader("pending@example.org", areas["northmoor"], confirmed=False),
        "bouncing": reader("bounce@example.org", areas["northmoor"]),
    }


def announce(partnership, versions):
    """As the publishing service does: the signal, sent once the change is committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        local_information_published.send(
            sender=LocalInformation, partnership=partnership, versions=versions
        )
    run_jobs()


def test_followers_of_the_partnership_get_its_local_information_once(areas, followers, mailoutbox):
    versions = list(LocalInformation.objects.filter(partnership=areas["northmoor"]))
    announce(areas["northmoor"], versions)
    announce(areas["northmoor"], versions)  # the same announcement received twice

    assert sorted(m.to[0] for m in mailoutbox) == [
        "bounce@example.org",  # this mail server takes it
        "north-all@example.org",
        "north@example.org",
    ]
    message = next(m for m in mailoutbox if m.to == ["north@example.org"])
    assert message.subject.startswith("Local information from Northmoor")
    assert "2.5 Online safety" in message.body and "Local text." in message.body
    chapter_link = link_to(message.body, "/chapters/online-safety/")
    assert path_of(chapter_link) == "/p/northmoor/chapters/online-safety/"
    assert chapter_link.endswith("#reporting-routes")
    assert link_to(message.body, "/updates/change/") in message.alternatives[0][0]
    assert "In effect from 1 January 2024" in message.body
    assert LocalNotice.objects.count() == 1
    assert Delivery.objects.filter(status="sent").count() == 3


def test_another_partnerships_local_information_reaches_only_its_followers(
    areas, followers, mailoutbox
):
    announce(areas["eastbrook"], list(areas["eastbrook"].local_information.all()))
    assert [m.to for m in mailoutbox] == [["east@example.org"]]
    assert "Eastbrook" in mailoutbox[0].body and "Northmoor" not in mailoutbox[0].body


def test_a_bounced_local_information_email_is_retried_and_sent_once(
    areas, followers, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.updates.backends.RefusingBackend"
    RefusingBackend.opened = 0
    versions = list(areas["northmoor"].local_information.all())
    announce(areas["northmoor"], versions)
    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber.email == "bounce@example.org" and failed.release is None

    DBTaskResult.objects.all().delete()  # as if the retries were used up
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert resume_unfinished_deliveries() == 1
    run_jobs()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "bounce@example.org",
        "north-all@example.org",
        "north@example.org",
    ]


def test_scheduled_local_information_says_when_it_takes_effect(
    two_partnerships,  # noqa: F811
    subscriber,
    mailoutbox,
):
    write_local(
        two_partnerships.root,
        "northmoor",
        "online-safety",
        "New hub number.",
        version=2,
        effective=(datetime.date.today() + datetime.timedelta(days=400)).isoformat(),
    )
    two_partnerships.load()
    northmoor = Partnership.objects.get(slug="northmoor")
    reader = subscriber("north@example.org", whole_manual=False)
    save_choice(reader, whole_manual=False, partnership=northmoor)
    announce(northmoor, list(northmoor.local_information.filter(number=2)))
    (message,) = mailoutbox
    assert "Takes effect on" in message.body


def test_an_announcement_whose_rows_are_gone_sends_nothing(areas, followers, mailoutbox):
    northmoor = areas["northmoor"]
    versions = list(northmoor.local_information.all())
    with TestCase.captureOnCommitCallbacks(execute=True):
        local_information_published.send(sender=None, partnership=northmoor, versions=versions)
    LocalInformation.objects.filter(partnership=northmoor).delete()
    run_jobs()
    assert mailoutbox == [] and not LocalNotice.objects.exists()


def test_a_notice_is_known_by_its_versions_in_any_order_however_many():
    many = list(range(1, 500))
    assert LocalNotice.key_for(1, many) == LocalNotice.key_for(1, reversed(many))
    assert LocalNotice.key_for(1, many) != LocalNotice.key_for(1, many[:-1])
    assert LocalNotice.key_for(1, [1]) != LocalNotice.key_for(2, [1])
    assert len(LocalNotice.key_for(1, many)) < 200
