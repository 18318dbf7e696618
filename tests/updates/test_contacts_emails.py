"""Contacts emails: when a partnership's contacts are published, those who follow its local
information are told which contact changed, with its old and new number; when the national
contacts change, every confirmed subscriber is. Sent through the release emails' path: each
at most once, with a Message-ID recorded per delivery."""

import datetime

import pytest
from django.test import TestCase

from partnerships import publishing as partnership_publishing
from partnerships.models import ContactsVersion, Partnership, PartnershipDraft
from tests.conftest import run_jobs
from tests.partnerships.conftest import (  # noqa: F401 (fixtures)
    loaded,
    other_publisher,
    people,
    publisher,
    two_partnerships,
)
from updates.choices import save_choice
from updates.models import Delivery

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)


@pytest.fixture
def readers(people, subscriber):  # noqa: F811 (the fixture imported above)
    def reader(email, slug, *, confirmed=True, whole_manual=False):
        person = subscriber(email, confirmed=confirmed, whole_manual=whole_manual)
        partnership = Partnership.objects.get(slug=slug) if slug else None
        save_choice(person, whole_manual=whole_manual, partnership=partnership)
        return person

    return [
        reader("north@example.org", "northmoor"),
        reader("east@example.org", "eastbrook"),
        reader("manual@example.org", None, whole_manual=True),
        reader("pending@example.org", "northmoor", confirmed=False),
    ]


def publish_contacts(*, writer, by, partnership, replace, summary, area=None):
    old = ContactsVersion.objects.filter(partnership=partnership).order_by("-number").first()
    body = old.contacts
    for before, after in replace.items():
        assert before in body, before
        body = body.replace(before, after)
    draft = partnership_publishing.save_draft(
        by=writer,
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.CONTACTS,
            partnership=partnership,
            name=partnership.name if partnership else "",
            area=area or (partnership.area if partnership else ""),
            body=body,
            summary=summary,
            review_date=NEXT_YEAR,
        ),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        partnership_publishing.publish(
            by=by,
            draft=draft,
            approved=partnership_publishing.approval_fingerprint(draft),
        )
    run_jobs()


def test_followers_of_a_partnership_are_told_which_number_changed(
    people,  # noqa: F811 (the fixture imported above)
    readers,
    mailoutbox,
):
    northmoor = Partnership.objects.get(slug="northmoor")
    publish_contacts(
        writer=people["nora"],
        by=people["nick"],
        partnership=northmoor,
        replace={"01632 960001": "01632 960077"},
        summary="The front door has a new number.",
    )
    (message,) = mailoutbox
    assert message.to == ["north@example.org"]
    assert message.subject.startswith(f"{northmoor.name}: contacts changed")
    assert "Northmoor Front Door: phone 01632 960001 is now 01632 960077." in message.body
    assert "The front door has a new number." in message.body
    assert "/p/northmoor/contacts/" in message.body
    html, _ = message.alternatives[0]
    assert "01632 960001 is now 01632 960077" in html
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and message.message()["Message-ID"] == delivery.message_id


def test_the_national_contacts_reach_every_confirmed_subscriber_once(
    readers,
    publisher,  # noqa: F811 (the fixture imported above)
    other_publisher,  # noqa: F811
    mailoutbox,
):
    publish_contacts(
        writer=publisher,
        by=other_publisher,
        partnership=None,
        replace={"0800 1111": "0800 1112"},
        summary="Childline's number.",
    )
    run_jobs()  # nothing more to send
    assert sorted(m.to[0] for m in mailoutbox) == [
        "east@example.org",
        "manual@example.org",
        "north@example.org",
    ]
    assert "Childline: phone 0800 1111 is now 0800 1112." in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith("National contacts: contacts changed")


def test_a_renamed_contact_is_named_as_it_was_and_as_it_is(people, readers, mailoutbox):  # noqa: F811
    northmoor = Partnership.objects.get(slug="northmoor")
    publish_contacts(
        writer=people["nora"],
        by=people["nick"],
        partnership=northmoor,
        replace={"Northmoor Emergency Duty Team": "Northmoor Out of Hours Team"},
        summary="The out-of-hours team is renamed.",
    )
    (message,) = mailoutbox
    assert "Northmoor Emergency Duty Team: now called Northmoor Out of Hours Team." in (
        message.body
    )


def test_a_new_area_with_the_same_contacts_emails_nobody(people, readers, mailoutbox):  # noqa: F811
    northmoor = Partnership.objects.get(slug="northmoor")
    publish_contacts(
        writer=people["nora"],
        by=people["nick"],
        partnership=northmoor,
        replace={},
        area="Northmoor and the Moor Villages",
        summary="The area's name.",
    )
    assert mailoutbox == [] and not Delivery.objects.exists()
