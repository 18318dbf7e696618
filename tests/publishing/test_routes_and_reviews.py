"""What to do now (a chapter's routes) is edited and published like the chapter, a change to it
is never a silent minor correction, every version says when it is next reviewed, and coming
versions are announced before they take effect."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core import mail

from procedures.models import Chapter, ChapterVersion
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def national(small_manual, publisher):
    """National contacts, as national-contacts.yaml would give them."""
    from partnerships.records import ContactRecord
    from partnerships.versions import store_contacts

    store_contacts(
        partnership=None,
        name="",
        area="",
        contacts=[
            ContactRecord(slug="ceop", kind="national-helpline", name="CEOP Safety Centre",
                          web="https://www.ceop.police.uk/Safety-Centre/"),
            ContactRecord(slug="childline", kind="national-helpline", name="Childline",
                          phone="0800 1111"),
        ],
        summary="First published.",
    )  # fmt: skip
    return small_manual


def test_routes_are_edited_in_the_admin_and_published_with_the_chapter(
    client, national, editor, publisher
):
    from tests.publishing.test_admin import draft_form

    chapter = Chapter.objects.get(slug="online-safety")
    client.force_login(editor)
    form = client.get(f"/admin/procedures/draft/add/?chapter={chapter.pk}").content.decode()
    assert 'name="routes" value="ceop"' in form and "CEOP Safety Centre" in form
    assert 'name="routes" value="lado"' in form  # each partnership's own LADO
    response = client.post(
        "/admin/procedures/draft/add/",
        draft_form(chapter, routes=["childline", "lado", "ceop"], summary="Adds the routes."),
    )
    assert response.status_code == 302
    draft = chapter.drafts.get()
    # Kept in What to do now's order: a partnership's own first, then national ones.
    assert draft.routes == ["lado", "ceop", "childline"]
    (version,) = publish(by=publisher, draft=draft)
    assert version.routes == ["lado", "ceop", "childline"] and version.change == "updated"
    what_changed = client.get("/chapters/online-safety/versions/1...2/").content.decode()
    assert "What to do now" in what_changed and "CEOP Safety Centre" in what_changed


def test_a_change_of_routes_is_never_minor(national, draft_of, editor, publisher):
    draft = draft_of("online-safety", by=editor, minor=True, summary="", routes=["ceop"])
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert refused.value.codes == ("minor_changes_routes",)
    assert "adds CEOP Safety Centre to What to do now" in "\n".join(refused.value.problems)


def test_an_unknown_route_is_refused(national, draft_of, editor, publisher):
    draft = draft_of("online-safety", by=editor, routes=["no-such-helpline"])
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert refused.value.codes == ("unknown_route",)


def test_the_release_email_says_what_changed_in_what_to_do_now(
    national, draft_of, editor, publisher, jobs, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from updates.models import Subscriber

    Subscriber.objects.create(
        email="dsl@example.org", confirmed_at=timezone.now(), whole_manual=True
    )
    draft = draft_of("online-safety", by=editor, routes=["ceop"], summary="CEOP added.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(by=publisher, draft=draft)
    jobs()
    (email,) = mail.outbox
    assert "What to do now: Adds CEOP Safety Centre to What to do now." in email.body


def test_a_version_without_a_review_date_is_refused_unless_it_says_why(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, review_date=None)
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert refused.value.codes == ("missing_review_date",)
    draft.no_review_reason = "Replaced by the regional chapter in the June release."
    draft.save()
    (version,) = publish(by=publisher, draft=draft)
    assert version.review_date is None and version.no_review_reason.startswith("Replaced")


def test_coming_versions_are_announced_before_they_take_effect(
    client, small_manual, draft_of, editor, publisher
):
    later = TODAY + datetime.timedelta(days=14)
    draft = draft_of("bullying", by=editor, effective_date=later, summary="Coming soon.")
    publish(by=publisher, draft=draft)
    # A change published on its own is announced through a release of its own; a version
    # loaded from files has none, and is listed as coming all the same.
    small_manual.chapter(
        "referrals", "## Making a referral {#making}\n\nPhone the hub.\n", version=2,
        number="1.1", title="Referrals", effective=later, summary="The hub takes referrals.",
    )  # fmt: skip
    small_manual.load()
    page = client.get("/amendments/").content.decode()
    assert re.search(r"Coming: takes effect on \d+ \w+ \d{4}", page)
    assert "The hub takes referrals." in page and "Coming soon." in page
    feed = ET.fromstring(client.get("/amendments/feed/").content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert any(t.startswith("1.1 Referrals") and "takes effect" in t for t in titles)
    assert ChapterVersion.objects.scheduled().count() == 2
