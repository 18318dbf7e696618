"""Local information and contacts drafted and published through the publish service: four-eyes,
the approval, the audit, all or nothing, and each partnership editor kept to their own
partnership (in the service, whatever the admin lets through)."""

import datetime
from unittest import mock

import pytest

from partnerships import publishing as partnership_publishing
from partnerships import selectors
from partnerships.drafts import prepare
from partnerships.models import (
    ContactsVersion,
    LocalInformation,
    Partnership,
    PartnershipDraft,
)
from partnerships.signals import local_information_published
from procedures import caching
from procedures.models import AuditEntry, Chapter
from procedures.publishing import PublishingError

pytestmark = pytest.mark.django_db


NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)


def local_draft(by, slug="northmoor", body="Northmoor hub: call 01632 960123.", **fields):
    values = dict(
        kind=PartnershipDraft.Kind.LOCAL,
        partnership=Partnership.objects.get(slug=slug),
        chapter=Chapter.objects.get(slug="online-safety"),
        section="reporting-routes",
        body=body,
        summary="New hub number.",
        review_date=NEXT_YEAR,
    )
    values.update(fields)
    return partnership_publishing.save_draft(by=by, draft=PartnershipDraft(**values))


def publish(by, draft):
    return partnership_publishing.publish(
        by=by,
        draft=draft,
        approved=partnership_publishing.approval_fingerprint(draft),
    )


def test_a_partnership_publisher_publishes_their_editors_local_information(people):
    draft = local_draft(people["nora"])
    (version,) = publish(people["nick"], draft)
    assert version.number == 2
    assert version.published_by == people["nick"]
    assert "01632 960123" in version.html
    # The first version is kept, unchanged.
    first = LocalInformation.objects.get(partnership__slug="northmoor", number=1)
    assert "01632 960999" in first.html
    draft.refresh_from_db()
    assert draft.is_published and draft.published_local == version
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PUBLISH)
    assert entry.by == people["nick"] and "version 2" in entry.what
    assert len(entry.fingerprint) == 64


def test_the_writer_cannot_publish_their_own_draft(people):
    draft = local_draft(people["nick"])
    with pytest.raises(PublishingError, match="four-eyes"):
        publish(people["nick"], draft)
    assert LocalInformation.objects.count() == 2


def test_an_editor_cannot_publish(people):
    draft = local_draft(people["nora"])
    with pytest.raises(PublishingError, match="Only a publisher"):
        publish(people["nora"], draft)


def test_a_partnership_editor_cannot_draft_for_another_partnership(people):
    with pytest.raises(PublishingError, match="Eastbrook"):
        local_draft(people["nora"], slug="eastbrook")
    assert not PartnershipDraft.objects.exists()


def test_a_partnership_editor_cannot_change_another_partnerships_draft(people):
    draft = local_draft(people["ed"], slug="eastbrook", body="Eastbrook text.")
    draft.body = "Taken over."
    with pytest.raises(PublishingError, match="Eastbrook"):
        partnership_publishing.save_draft(by=people["nora"], draft=draft)
    # Nor move it to their own partnership.
    draft.partnership = Partnership.objects.get(slug="northmoor")
    with pytest.raises(PublishingError):
        partnership_publishing.save_draft(by=people["nora"], draft=draft)
    assert PartnershipDraft.objects.get().body == "Eastbrook text."


def test_a_partnership_publisher_cannot_publish_another_partnerships_draft(people):
    draft = local_draft(people["ed"], slug="eastbrook", body="Eastbrook text.")
    with pytest.raises(PublishingError, match="Eastbrook"):
        publish(people["nick"], draft)
    assert not LocalInformation.objects.filter(partnership__slug="eastbrook", number=2).exists()
    (version,) = publish(people["eve"], draft)
    assert version.partnership.slug == "eastbrook"


def test_regional_publishers_publish_any_partnership(people, publisher):
    draft = local_draft(people["ed"], slug="eastbrook", body="Eastbrook text.")
    (version,) = publish(publisher, draft)
    assert version.number == 2


def test_a_change_after_the_review_publishes_nothing(people):
    draft = local_draft(people["nora"])
    approved = partnership_publishing.approval_fingerprint(draft)
    draft.body = "Something else."
    partnership_publishing.save_draft(by=people["nora"], draft=draft)
    with pytest.raises(PublishingError) as raised:
        partnership_publishing.publish(by=people["nick"], draft=draft, approved=approved)
    assert raised.value.codes == ("changed_since_review",)
    assert not AuditEntry.objects.exists()


def test_problems_block_publishing(people):
    draft = local_draft(people["nora"], section="no-such-section", summary="")
    codes = {p.code for p in prepare(draft).problems}
    assert codes == {"unknown_section", "missing_summary"}
    with pytest.raises(PublishingError) as raised:
        publish(people["nick"], draft)
    assert set(raised.value.codes) == codes
    assert LocalInformation.objects.count() == 2


def test_a_version_published_meanwhile_stops_the_older_draft(people, publisher):
    first = local_draft(people["nora"])
    second = local_draft(people["nora"], body="Another text.")
    publish(people["nick"], first)
    with pytest.raises(PublishingError, match="version 2 was published"):
        publish(people["nick"], second)


def test_publishing_is_announced_on_commit(people, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, partnership, versions, **kwargs):
        heard.append((partnership.slug, [v.number for v in versions]))

    local_information_published.connect(listen, dispatch_uid="tests.local")
    try:
        draft = local_draft(people["nora"])
        with django_capture_on_commit_callbacks(execute=True):
            publish(people["nick"], draft)
    finally:
        local_information_published.disconnect(dispatch_uid="tests.local")
    assert heard == [("northmoor", [2])]


@pytest.mark.django_db(transaction=True)
def test_a_cached_chapter_page_shows_published_local_information_at_once(people, client):
    page = "/p/northmoor/chapters/online-safety/"
    assert "01632 960999" in client.get(page).content.decode()  # now in the page cache
    draft = local_draft(people["nora"])
    with mock.patch.object(caching, "bump_stamp", wraps=caching.bump_stamp) as bumped:
        publish(people["nick"], draft)
    assert bumped.call_count == 1  # on commit: every worker's cached pages are stale
    shown = client.get(page).content.decode()
    assert "01632 960123" in shown and "01632 960999" not in shown


def test_a_scheduled_version_waits_for_its_day(people, client):
    draft = local_draft(
        people["nora"], body="Scheduled text.", effective_date=datetime.date(2099, 1, 1)
    )
    publish(people["nick"], draft)
    page = client.get("/p/northmoor/chapters/online-safety/")
    assert "Northmoor hub: call 01632 960999" in page.content.decode()
    assert "Scheduled text" not in page.content.decode()


def test_contacts_are_versioned_and_published_like_local_information(people, client):
    northmoor = Partnership.objects.get(slug="northmoor")
    assert ContactsVersion.objects.filter(partnership=northmoor).count() == 1  # from the file
    old = ContactsVersion.objects.get(partnership=northmoor)
    draft = partnership_publishing.save_draft(
        by=people["nora"],
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.CONTACTS,
            partnership=northmoor,
            name="Northmoor Safeguarding Children Partnership",
            area="Northmoor",
            body=old.contacts.replace("01632 960001", "01632 960077"),
            summary="The front door has a new number.",
            review_date=NEXT_YEAR,
        ),
    )
    (version,) = publish(people["nick"], draft)
    assert version.number == 2
    assert selectors.in_force(northmoor).get(kind="front-door").phone == "01632 960077"
    northmoor.refresh_from_db()
    assert northmoor.name == "Northmoor Safeguarding Children Partnership"
    assert ContactsVersion.objects.get(partnership=northmoor, number=1).contacts == old.contacts
    page = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert "01632 960077" in page and "01632 960001" not in page


def test_bad_contacts_are_problems_with_their_line(people):
    draft = partnership_publishing.save_draft(
        by=people["nora"],
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.CONTACTS,
            partnership=Partnership.objects.get(slug="northmoor"),
            name="Northmoor",
            area="Northmoor area",
            body='- kind: front-door\n  name: "Front door"\n  phone: "call us"\n',
            summary="Typo.",
            review_date=NEXT_YEAR,
        ),
    )
    (problem,) = prepare(draft).problems
    assert (problem.code, problem.line) == ("bad_phone", 1)


def test_only_regional_publishers_change_national_contacts(people, publisher, other_publisher):
    national = PartnershipDraft(
        kind=PartnershipDraft.Kind.CONTACTS,
        partnership=None,
        body=ContactsVersion.objects.get(partnership=None).contacts.replace(
            "0800 1111", "0800 1112"
        ),
        summary="Childline's number.",
        review_date=NEXT_YEAR,
    )
    with pytest.raises(PublishingError, match="regional publisher"):
        partnership_publishing.save_draft(by=people["nick"], draft=national)
    draft = partnership_publishing.save_draft(by=publisher, draft=national)
    with pytest.raises(PublishingError, match="regional publisher"):
        publish(people["nick"], draft)
    publish(other_publisher, draft)
    assert selectors.in_force(national=True).get(slug="childline").phone == "0800 1112"


def test_readers_see_the_amendments_and_what_changed(people, client):
    publish(people["nick"], local_draft(people["nora"]))
    chapter = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert 'href="/p/northmoor/chapters/online-safety/local/"' in chapter
    history = client.get("/p/northmoor/chapters/online-safety/local/")
    text = history.content.decode()
    assert "Version 2" in text and "New hub number." in text and "Version 1" in text
    assert "<del" in text and "960999" in text and "960123" in text
    # Another partnership's history holds only its own text; none chosen, none shown.
    eastbrook = client.get("/p/eastbrook/chapters/online-safety/local/").content.decode()
    assert "960123" not in eastbrook and "Eastbrook resilience" in eastbrook
    assert client.get("/chapters/online-safety/local/").status_code == 404


def test_an_urgent_local_correction_carries_a_scheduled_version_forward(people, client):
    """Local information keeps the same promise as a chapter: a correction taking effect
    today goes before a scheduled version, which is carried forward onto it."""
    today = datetime.date.today()
    next_week = today + datetime.timedelta(days=7)
    text = "Northmoor hub: call 01632 960123.\n\nWeekdays only.\n\nAsk for the duty worker.\n"
    publish(people["nick"], local_draft(people["nora"], body=text))
    scheduled = local_draft(
        people["nora"],
        body=text.replace("Ask for the duty worker.", "Ask for the online safety lead."),
        effective_date=next_week,
    )
    publish(people["nick"], scheduled)
    urgent = local_draft(
        people["nora"],
        body=text.replace("01632 960123", "01632 960555"),
        summary="The hub's number changed today.",
        effective_date=today,
    )
    (plan,) = prepare(urgent).ahead_of
    assert not plan.sent_back
    versions = publish(people["nick"], urgent)
    assert [(v.number, v.effective_date) for v in versions] == [(4, today), (5, next_week)]
    assert "01632 960555" in client.get("/p/northmoor/chapters/online-safety/").content.decode()
    carried = versions[1]
    assert "01632 960555" in carried.source and "online safety lead" in carried.source
    assert LocalInformation.objects.get(number=3, partnership__slug="northmoor").was_never_in_force
