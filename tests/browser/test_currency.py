"""A practitioner sees, near the top of a chapter, that its review is overdue (in neutral
words) and which version takes effect next, and can follow the link to what changes."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from procedures import selectors
from procedures.models import Chapter, Draft
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db(transaction=True)


def schedule_next_version(slug, days):
    editor = User.objects.create_user("edna", "e@example.org", "pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher = User.objects.create_user("pat", "p@example.org", "pw", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    chapter = Chapter.objects.get(slug=slug)
    latest = selectors.latest_version(chapter)
    draft = Draft.objects.create(
        chapter=chapter,
        based_on=latest.number,
        chapter_number=latest.chapter_number,
        title=latest.title,
        part=latest.part,
        body=latest.source + "\n\n## Abuse in sport {#sport}\n\nCoaches report it.\n",
        summary="Adds a section on abuse in sport.",
        effective_date=datetime.date.today() + datetime.timedelta(days=days),
        review_date=datetime.date.today() + datetime.timedelta(days=400),
        created_by=editor,
    )
    draft.authors.add(editor)
    publish(by=publisher, draft=draft)


def test_overdue_review_and_coming_version_are_shown_and_accessible(
    live_server, sample_manual, page, axe_check
):
    # Domestic abuse: its only version's review has been due since June 2024.
    schedule_next_version("domestic-abuse", days=30)
    page.goto(live_server.url + "/chapters/domestic-abuse/")
    expect(page.locator(".app-review-due")).to_have_text(
        "Review due since June 2024: this is still the version in force."
    )
    coming = page.locator(".app-coming-change")
    expect(coming).to_contain_text(re.compile(r"Version 2 takes effect on \d{1,2} \w+ \d{4}\."))
    axe_check(page, "chapter with an overdue review and a coming version")
    # The notice folds to one line; opening it shows what changes.
    expect(coming.get_by_role("link", name="See what changes in version 2")).to_be_hidden()
    coming.locator("summary").click()
    coming.get_by_role("link", name="See what changes in version 2").click()
    expect(page).to_have_url(live_server.url + "/chapters/domestic-abuse/versions/1...2/")
    expect(page.get_by_text("Abuse in sport").first).to_be_visible()
