"""What managers see of the link checks: the admin report and the weekly email (to the
Manager group and publishers only, once a week), and the marks in the editing desk's
preview."""

import datetime
import textwrap

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from links import tasks
from links.checking import check_links, record
from links.fetching import Answer
from links.models import ExternalLink, WeeklyLinkEmail
from partnerships import selectors
from partnerships.records import ContactRecord
from partnerships.versions import store_contacts
from procedures.admin.preview import render_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(local_checks, manual):
    """A manual linking to the local server from a chapter, local information and a national
    contact, checked once."""
    site = local_checks
    manual.chapter(
        "online-safety",
        f"""\
        ## Reporting {{#reporting}}

        Read [the working page]({site.url("/working")}) and [a lost page]({site.url("/not-found")}).
        """,
        number="2.5",
        title="Online safety",
    )
    root = manual.root
    local = root / "partnerships" / "northmoor" / "local" / "online-safety"
    local.mkdir(parents=True)
    (root / "partnerships" / "northmoor" / "partnership.yaml").write_text(
        textwrap.dedent(
            """\
            name: "Northmoor Safeguarding Children Partnership"
            area: "Northmoor"
            contacts:
              - kind: front-door
                name: "Northmoor Front Door"
                phone: "01632 960001"
            """
        )
    )
    (local / "v1.md").write_text(
        textwrap.dedent(
            f"""\
            ---
            version: 1
            effective: 2024-01-01
            summary: "First published."
            ---

            Northmoor's old advice is at [old guidance]({site.url("/withdrawn", host="localhost")}).
            """
        )
    )
    manual.load()
    # Contacts' web addresses are https in the files; the local server speaks http.
    national = list(selectors.newest_contacts(None))
    store_contacts(
        partnership=None,
        name="",
        area="",
        contacts=[
            *(ContactRecord(slug=c.slug, kind=c.kind, name=c.name, web=c.web, phone=c.phone)
              for c in national),
            ContactRecord(slug="old-helpline", kind="national-helpline",
                          name="An old helpline", web=site.url("/moved")),
        ],
        summary="An old helpline.",
    )  # fmt: skip
    check_links()
    return site


@pytest.fixture
def people(db):
    found = {}
    for name, group in [("mo", "Manager"), ("pat", "Publisher"), ("edna", "Editor")]:
        user = User.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        found[name] = user
    return found


def test_managers_and_publishers_see_the_links_to_check_chapter_by_chapter(checked, people, client):
    site = checked
    for name in ("mo", "pat"):
        client.force_login(people[name])
        page = client.get("/admin/links/externallink/").content.decode()
        assert "2.5 Online safety" in page
        assert "404 Not Found" in page
        assert f"now at {site.url('/working')}" in page
        assert "This guidance was withdrawn on 12 July 2016" in page
        assert "local information: Northmoor Safeguarding Children Partnership" in page
        assert "contact: An old helpline (national)" in page
        assert page.index("2.5 Online safety") < page.index('<h2 id="chapter-2">Contacts</h2>')
        assert f'href="{site.url("/working")}"' not in page  # working: not reported
        assert "Working: 1. Moved: 1. Withdrawn: 1. Broken: 1." in page
    client.force_login(people["edna"])
    assert client.get("/admin/links/externallink/").status_code == 403


def test_the_weekly_job_emails_managers_and_publishers_once_a_week(
    checked, people, jobs, mailoutbox
):
    tasks.check_links_weekly.enqueue()
    jobs()
    assert sorted(message.to[0] for message in mailoutbox) == [
        "mo@example.org",
        "pat@example.org",
    ]
    message = mailoutbox[0]
    assert message.subject.startswith("Safeguarding Children Procedures: links to check")
    assert "2.5 Online safety" in message.body
    assert f"Broken: {checked.url('/not-found')}" in message.body
    assert "This guidance was withdrawn on 12 July 2016" in message.body
    assert "/admin/links/externallink/" in message.body

    tasks.check_links_weekly.enqueue()  # a second run in the same week
    jobs()
    assert len(mailoutbox) == 2
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert WeeklyLinkEmail.objects.get().week == monday
    (next_run,) = DBTaskResult.objects.filter(
        task_path__endswith="check_links_weekly", status="READY"
    )
    when = timezone.localtime(next_run.run_after)
    assert (when.date(), when.hour) == (monday + datetime.timedelta(days=7), 7)


def test_no_email_when_every_link_works(db, mailoutbox, people):
    record("https://www.gov.uk/guidance/x", Answer("ok", 200))
    tasks.check_links_weekly.call()
    assert mailoutbox == []


def test_workers_starting_ask_for_one_weekly_check(db):
    tasks.schedule_weekly()
    tasks.schedule_weekly()
    assert DBTaskResult.objects.filter(task_path__endswith="check_links_weekly").count() == 1


def test_the_desk_preview_marks_broken_moved_and_withdrawn_links_in_words(db):
    record("https://example.org/lost", Answer("broken", 404, problem="404 Not Found"))
    record("https://example.org/old", Answer("moved", 200, redirect_to="https://example.org/new"))
    record(
        "https://www.gov.uk/old",
        Answer("withdrawn", 200, withdrawn_notice="This guidance was withdrawn on 1 May 2020"),
    )
    record("https://example.org/fine", Answer("ok", 200))
    page = render_preview(
        "See [lost](https://example.org/lost), [old](https://example.org/old), "
        "[guidance](https://www.gov.uk/old) and [fine](https://example.org/fine).\n"
    )
    assert page.count('class="app-link-flagged ') == 3
    assert "(link checker: broken, 404 Not Found)" in page
    assert "(link checker: moved, now at https://example.org/new)" in page
    assert "(link checker: withdrawn, This guidance was withdrawn on 1 May 2020)" in page
    fine = page[page.index("https://example.org/fine") - 80 :]
    assert "app-link-flagged" not in fine


def test_a_link_not_checked_yet_is_not_marked(db):
    assert ExternalLink.objects.count() == 0
    page = render_preview("See [a page](https://example.org/new-page).\n")
    assert "app-link-flag" not in page
