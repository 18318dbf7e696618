"""A number a practitioner reads and the number they tap agree, and agree with the
partnership's contacts (What to do now): a mismatch is a problem on its line, shown before
saving, refused by the loader and at publishing."""

import datetime

import pytest

from partnerships import publishing as partnership_publishing
from partnerships import selectors
from partnerships.drafts import prepare
from partnerships.models import Partnership, PartnershipDraft
from procedures.content import ContentInvalid
from procedures.models import Chapter
from procedures.publishing import PublishingError
from procedures.rendering import render_markdown
from tests.partnerships.conftest import write_local

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)
EDT_LINE = "Out of hours, call the Emergency Duty Team on [{shown}](tel:{dialled})."


def codes_and_lines(problems):
    return [(p.code, p.line) for p in problems]


def test_a_tel_link_that_dials_another_number_than_it_shows_is_a_problem_on_its_line():
    text = "Intro.\n\n" + EDT_LINE.format(shown="01632 960111", dialled="01632960002") + "\n"
    assert codes_and_lines(render_markdown(text).problems) == [("phone_link_mismatch", 3)]
    same = EDT_LINE.format(shown="01632 960002", dialled="+441632960002")
    assert render_markdown(same).problems == ()
    # Words as a link's text are not a number to compare.
    assert render_markdown("[Call us](tel:01632960002)").problems == ()


def local_draft(by, body):
    return partnership_publishing.save_draft(
        by=by,
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.LOCAL,
            partnership=Partnership.objects.get(slug="northmoor"),
            chapter=Chapter.objects.get(slug="online-safety"),
            section="reporting-routes",
            body=body,
            summary="The EDT's number.",
            review_date=NEXT_YEAR,
        ),
    )


def test_a_number_for_a_named_contact_must_be_the_contacts_number(people):
    wrong = EDT_LINE.format(shown="01632 960111", dialled="01632960111")
    draft = local_draft(people["nora"], "Northmoor hub.\n\n" + wrong)
    (problem,) = prepare(draft).problems
    assert (problem.code, problem.line) == ("contact_number_mismatch", 3)
    assert "01632 960111" in problem.message and "01632 960002" in problem.message
    with pytest.raises(PublishingError) as refused:
        partnership_publishing.publish(
            by=people["nick"],
            draft=draft,
            approved=partnership_publishing.approval_fingerprint(draft),
        )
    assert refused.value.codes == ("contact_number_mismatch",)


def test_changing_the_contact_first_lets_the_text_give_the_new_number(people, client):
    northmoor = Partnership.objects.get(slug="northmoor")
    contacts = partnership_publishing.save_draft(
        by=people["nora"],
        draft=PartnershipDraft(
            kind=PartnershipDraft.Kind.CONTACTS,
            partnership=northmoor,
            name=northmoor.name,
            area=northmoor.area,
            body=selectors.newest_contacts(northmoor)
            .get(kind="out-of-hours")
            .version.contacts.replace("01632 960002", "01632 960111"),
            summary="The Emergency Duty Team has a new number.",
            review_date=NEXT_YEAR,
        ),
    )
    partnership_publishing.publish(
        by=people["nick"],
        draft=contacts,
        approved=partnership_publishing.approval_fingerprint(contacts),
    )
    right = EDT_LINE.format(shown="01632 960111", dialled="01632960111")
    draft = local_draft(people["nora"], right)
    assert prepare(draft).problems == []
    partnership_publishing.publish(
        by=people["nick"], draft=draft, approved=partnership_publishing.approval_fingerprint(draft)
    )
    page = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert 'href="tel:01632960111"' in page and "01632 960002" not in page


def test_the_loader_refuses_a_file_whose_number_disagrees_with_the_contacts(two_partnerships):
    write_local(
        two_partnerships.root,
        "northmoor",
        "online-safety",
        "Northmoor hub.\n\n" + EDT_LINE.format(shown="01632 960111", dialled="01632960111"),
        section="reporting-routes",
    )
    with pytest.raises(ContentInvalid) as invalid:
        two_partnerships.read()
    (error,) = invalid.value.errors
    assert error.code == "contact_number_mismatch"
    assert (error.path, error.line) == ("partnerships/northmoor/local/online-safety/v1.md", 10)
