"""Partnership editors in the admin: each sees and reaches only their own partnership's drafts,
versions and details; another's is a 404 by address and a forged form fails."""

import datetime

import pytest

from partnerships.models import (
    LocalInformation,
    Partnership,
    PartnershipDraft,
)

from .test_editing import local_draft

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_each_partnership_editor_lists_only_their_own_drafts(people, client):
    local_draft(people["nora"], body="Northmoor draft text.")
    local_draft(people["ed"], slug="eastbrook", body="Eastbrook draft text.")
    listing = signed_in(client, people["nora"]).get("/admin/partnerships/partnershipdraft/")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert "Northmoor: local information" in text and "Eastbrook" not in text
    versions = client.get("/admin/partnerships/localinformation/").content.decode()
    assert "Northmoor in online-safety" in versions and "Eastbrook in" not in versions


def test_another_partnerships_objects_are_not_found_by_address(people, client):
    theirs = local_draft(people["ed"], slug="eastbrook", body="Eastbrook draft text.")
    eastbrook = Partnership.objects.get(slug="eastbrook")
    version = LocalInformation.objects.get(partnership=eastbrook)
    signed_in(client, people["nora"])
    for address in (
        f"/admin/partnerships/partnershipdraft/{theirs.pk}/change/",
        f"/admin/partnerships/partnershipdraft/{theirs.pk}/review/",
        f"/admin/partnerships/localinformation/{version.pk}/change/",
        f"/admin/partnerships/partnership/{eastbrook.pk}/change/",
    ):
        assert client.get(address).status_code == 404, address


def test_forged_posts_to_another_partnership_fail(people, client):
    theirs = local_draft(people["ed"], slug="eastbrook", body="Eastbrook draft text.")
    signed_in(client, people["nick"])  # a publisher, of Northmoor only
    change = client.post(
        f"/admin/partnerships/partnershipdraft/{theirs.pk}/change/",
        {"kind": "local", "body": "Taken over.", "summary": "x", "section": ""},
    )
    assert change.status_code == 404
    published = client.post(
        f"/admin/partnerships/partnershipdraft/{theirs.pk}/publish/", {"approved": "x"}
    )
    assert published.status_code == 404
    eastbrook = Partnership.objects.get(slug="eastbrook")
    added = client.post(
        "/admin/partnerships/partnershipdraft/add/",
        {
            "kind": "local",
            "partnership": eastbrook.pk,
            "chapter": theirs.chapter_id,
            "section": "",
            "body": "Forged.",
            "summary": "Forged.",
        },
    )
    assert added.status_code == 200  # the form again, with the error
    assert PartnershipDraft.objects.count() == 1
    assert PartnershipDraft.objects.get().body == "Eastbrook draft text."
    assert not LocalInformation.objects.filter(partnership=eastbrook, number=2).exists()


def test_an_editor_drafts_and_a_publisher_reviews_the_diff_and_publishes(people, client):
    northmoor = Partnership.objects.get(slug="northmoor")
    chapter_id = LocalInformation.objects.get(partnership=northmoor).chapter_id
    signed_in(client, people["nora"])
    start = client.get(
        f"/admin/partnerships/partnershipdraft/add/?kind=local&partnership={northmoor.pk}"
        f"&chapter={chapter_id}"
    )
    assert "Northmoor hub: call 01632 960999." in start.content.decode()  # the current text
    saved = client.post(
        f"/admin/partnerships/partnershipdraft/add/?kind=local&partnership={northmoor.pk}",
        {
            "kind": "local",
            "partnership": northmoor.pk,
            "chapter": chapter_id,
            "section": "reporting-routes",
            "body": "Northmoor hub: call 01632 960123.",
            "summary": "New hub number.",
            "review_date": (datetime.date.today() + datetime.timedelta(days=365)).isoformat(),
        },
    )
    draft = PartnershipDraft.objects.get()
    assert saved.status_code == 302 and saved["Location"].endswith(f"/{draft.pk}/review/")
    review = client.get(saved["Location"]).content.decode()
    assert "Publish version" not in review  # an editor cannot publish
    client.force_login(people["nick"])
    review = client.get(f"/admin/partnerships/partnershipdraft/{draft.pk}/review/")
    text = review.content.decode()
    assert "Local information: Northmoor" in text  # the public box
    assert "960999" in text and "960123" in text  # removed and added, in the diff
    approved = review.context["approved"]
    client.post(f"/admin/partnerships/partnershipdraft/{draft.pk}/publish/", {"approved": approved})
    assert (
        LocalInformation.objects.get(partnership=northmoor, number=2).published_by
        == (people["nick"])
    )
    after = client.get(f"/admin/partnerships/partnershipdraft/{draft.pk}/review/")
    assert after.status_code == 200
    assert "Published on" in after.content.decode()


def test_contacts_are_edited_as_the_files_write_them(people, client):
    northmoor = Partnership.objects.get(slug="northmoor")
    signed_in(client, people["nora"])
    page = client.get(
        f"/admin/partnerships/partnershipdraft/add/?kind=contacts&partnership={northmoor.pk}"
    ).content.decode()
    assert "- kind: front-door" in page and "01632 960001" in page
    assert "data-app-desk" not in page  # a plain text box, not the markdown desk


def test_a_draft_posted_with_its_kind_switched_is_a_form_error_not_a_500(people, client):
    northmoor = Partnership.objects.get(slug="northmoor")
    chapter_id = LocalInformation.objects.get(partnership=northmoor).chapter_id
    mine = local_draft(people["nora"], body="Northmoor draft text.")
    signed_in(client, people["nora"])
    client.raise_request_exception = False
    local_fields = {
        "partnership": northmoor.pk,
        "chapter": chapter_id,
        "section": "",
        "body": "Switched.",
        "summary": "Switched.",
    }
    for kind in ("contacts", "national", "nonsense", ""):
        added = client.post(
            f"/admin/partnerships/partnershipdraft/add/?kind=local&partnership={northmoor.pk}",
            {**local_fields, "kind": kind},
        )
        changed = client.post(
            f"/admin/partnerships/partnershipdraft/{mine.pk}/change/",
            {**local_fields, "kind": kind},
        )
        for response in (added, changed):
            assert response.status_code in (200, 400), (kind, response.status_code)
    mine.refresh_from_db()
    assert (mine.kind, mine.body) == ("local", "Northmoor draft text.")
    assert PartnershipDraft.objects.count() == 1
