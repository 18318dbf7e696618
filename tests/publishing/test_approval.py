"""What a publisher approved is exactly what goes live, and a published draft never changes.

Issue #8, problems 1 and 2: an edit made after the publisher opened the review went live, a
draft added to a release after its review was published with it, and an editor's save landing
just after the publish click reverted the published draft to "draft".
"""

import re
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from procedures import publishing
from procedures.drafts import approval_fingerprint
from procedures.models import ChapterVersion, Draft
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db


def test_an_edit_made_after_the_review_opened_is_not_published(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    reviewed = approval_fingerprint(draft=draft)  # the publisher opens the review
    Draft.objects.filter(pk=draft.pk).update(body=draft.body + "\nAdded after the review.\n")
    with pytest.raises(PublishingError) as caught:
        publishing.publish(by=publisher, draft=draft, approved=reviewed)
    assert caught.value.codes == ("changed_since_review",)
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 1
    # Reviewing again shows the edit, and approving that publishes it.
    draft.refresh_from_db()
    (version,) = publish(by=publisher, draft=draft)
    assert "Added after the review." in version.source


def test_a_change_to_any_field_after_the_review_is_refused(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    reviewed = approval_fingerprint(draft=draft)
    Draft.objects.filter(pk=draft.pk).update(summary="Something else entirely.")
    with pytest.raises(PublishingError) as caught:
        publishing.publish(by=publisher, draft=draft, approved=reviewed)
    assert caught.value.codes == ("changed_since_review",)


def test_a_draft_added_to_a_release_after_its_review_is_not_published(
    small_manual, draft_of, editor, publisher, release
):
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    reviewed = approval_fingerprint(release=release)
    draft_of("bullying", by=editor, release=release, replace={"say.": "say, calmly."})
    with pytest.raises(PublishingError) as caught:
        publishing.publish(by=publisher, release=release, approved=reviewed)
    assert caught.value.codes == ("changed_since_review",)
    assert ChapterVersion.objects.count() == 3
    release.refresh_from_db()
    assert release.published_at is None


def test_a_release_whose_date_changed_after_review_is_not_published(
    small_manual, draft_of, editor, publisher, release
):
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    reviewed = approval_fingerprint(release=release)
    release.introduction = "A different introduction."
    release.save()
    with pytest.raises(PublishingError):
        publishing.publish(by=publisher, release=release, approved=reviewed)


def test_the_admin_refuses_a_publish_click_on_a_stale_review(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    client.force_login(publisher)
    review = client.get(f"/admin/procedures/draft/{draft.pk}/review/").content.decode()
    approved = re.search(r'name="approved" value="([0-9a-f]+)"', review).group(1)
    Draft.objects.filter(pk=draft.pk).update(body=draft.body + "\nSneaked in.\n")
    response = client.post(
        f"/admin/procedures/draft/{draft.pk}/publish/", {"approved": approved}, follow=True
    )
    page = response.content.decode()
    assert "changed after you opened the review" in page
    assert "Sneaked in." in page  # the review now shows what the draft holds
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 1


def test_the_database_refuses_to_change_a_published_draft(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    publish(by=publisher, draft=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.filter(pk=draft.pk).update(status="draft", published_version=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.filter(pk=draft.pk).update(body="Rewritten history.")
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_version is not None


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite's flush")
def test_the_database_refuses_to_delete_a_published_draft(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    publish(by=publisher, draft=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.filter(pk=draft.pk).delete()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two concurrent database connections; SQLite serialises all writers",
)
def test_an_editor_saving_during_a_publish_never_reverts_it(
    small_manual, draft_of, editor, publisher, monkeypatch
):
    """The publisher clicks publish; the editor's save lands while it is being stored."""
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    approved = approval_fingerprint(draft=draft)
    editor_client = Client()
    editor_client.force_login(editor)
    form = editor_client.get(f"/admin/procedures/draft/{draft.pk}/change/").context["adminform"]
    data = {
        name: value
        for name, value in form.form.initial.items()
        if value is not None and name not in ("related",)
    }
    data.update(
        body=draft.body + "\nThe editor's late change.\n",
        summary="Changed.",
        part=draft.part_id,
        effective_date="",
        review_date="",
        release="",
        replaced_by="",
        withdrawn_reason="",
    )

    real_store = publishing.store_version
    storing = threading.Event()

    def slow_store(**kwargs):
        storing.set()
        time.sleep(0.5)  # the editor's save arrives meanwhile
        return real_store(**kwargs)

    monkeypatch.setattr(publishing, "store_version", slow_store)
    outcome = {}

    def publisher_clicks():
        try:
            outcome["versions"] = publishing.publish(by=publisher, draft=draft, approved=approved)
        finally:
            connection.close()

    def editor_saves():
        storing.wait(10)
        try:
            outcome["save"] = editor_client.post(
                f"/admin/procedures/draft/{draft.pk}/change/", data
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher_clicks), threading.Thread(target=editor_saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    draft.refresh_from_db()
    (version,) = outcome["versions"]
    assert draft.status == "published" and draft.published_version == version
    assert "late change" not in version.source
    save = outcome["save"]
    assert save.status_code in (200, 409)
    page = save.content.decode()
    assert "published while you were editing it" in page
    assert "The editor&#x27;s late change." in page  # the editor's text is kept
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 2
