"""Every publish, release, discard and rebase leaves an audit entry: who, when, what, and the
fingerprint of exactly the content concerned. Nobody can change or delete one."""

import pytest
from django.db import DatabaseError, transaction

from procedures.drafts import fingerprint, prepare
from procedures.models import AuditEntry, Draft
from procedures.publishing import PublishingError, discard, rebase
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_records_who_what_and_its_fingerprint(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("bullying", by=editor, summary="Responding expanded.")
    expected = fingerprint([prepare(draft)])
    (version,) = publish(by=publisher, draft=draft)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.by, entry.fingerprint) == ("publish", publisher, expected)
    assert list(entry.versions.all()) == [version]
    assert "2.1 Bullying" in entry.what


def test_the_fingerprint_changes_with_any_field_or_the_text(small_manual, draft_of, editor):
    draft = draft_of("bullying", by=editor, summary="Responding expanded.")
    before = fingerprint([prepare(draft)])
    draft.summary = "Responding expanded a lot."
    assert fingerprint([prepare(draft)]) != before
    draft.summary = "Responding expanded."
    assert fingerprint([prepare(draft)]) == before
    draft.body += "\nOne more line.\n"
    assert fingerprint([prepare(draft)]) != before


def test_publishing_a_release_records_one_entry_for_all_its_versions(
    small_manual, draft_of, editor, publisher, release
):
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    draft_of("bullying", by=editor, release=release, replace={"say.": "say, calmly."})
    versions = publish(by=publisher, release=release)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.release, entry.what) == ("release", release, release.name)
    assert set(entry.versions.all()) == set(versions)


def test_nothing_published_means_nothing_recorded(small_manual, draft_of, editor, publisher):
    draft = draft_of("bullying", by=editor, body="## Intro {#intro}\n\n[[nowhere]]\n")
    with pytest.raises(PublishingError):
        publish(by=publisher, draft=draft)
    assert not AuditEntry.objects.exists()


def test_discarding_and_rebasing_are_recorded(
    small_manual, draft_of, editor, publisher, other_publisher
):
    stale = draft_of("bullying", by=editor, summary="Stale.")
    publish(by=publisher, draft=draft_of("bullying", by=editor, summary="First."))
    assert rebase(by=editor, draft=stale) == 2
    discard(by=publisher, draft=stale)
    assert not Draft.objects.filter(pk=stale.pk).exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "by__username"))
    assert actions == [
        ("publish", publisher.username),
        ("rebase", editor.username),
        ("discard", publisher.username),
    ]


def test_a_published_draft_cannot_be_discarded(small_manual, draft_of, editor, publisher):
    draft = draft_of("bullying", by=editor, summary="Published.")
    publish(by=publisher, draft=draft)
    with pytest.raises(PublishingError):
        discard(by=publisher, draft=draft)


def test_deleting_a_draft_in_the_admin_is_a_recorded_discard(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of("bullying", by=editor, summary="Not needed.")
    client.force_login(publisher)
    response = client.post(f"/admin/procedures/draft/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.by) == ("discard", publisher)


def test_the_audit_is_read_only_in_the_admin(client, small_manual, draft_of, editor, publisher):
    publish(by=publisher, draft=draft_of("bullying", by=editor, summary="Changed."))
    entry = AuditEntry.objects.get()
    client.force_login(publisher)
    assert client.get("/admin/procedures/auditentry/").status_code == 200
    page = client.get(f"/admin/procedures/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/procedures/auditentry/{entry.pk}/delete/").status_code == 403
    client.force_login(editor)
    assert client.get("/admin/procedures/auditentry/").status_code == 403


def test_the_database_refuses_to_change_or_delete_an_audit_entry(
    small_manual, draft_of, editor, publisher
):
    publish(by=publisher, draft=draft_of("bullying", by=editor, summary="Changed."))
    entry = AuditEntry.objects.get()
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(what="Nothing happened."),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: entry.delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.what != "Nothing happened."
    assert AuditEntry.objects.count() == 1
