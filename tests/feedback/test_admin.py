"""Managers (the Manager group) read problem reports and the reading figures in the admin;
editors, publishers who are not managers, and readers cannot; nobody edits a report there."""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from feedback import reading_figures
from feedback.models import Feedback, SearchMiss
from feedback.reading_figures import week_of
from partnerships.models import Partnership
from procedures.models import ChapterVersion, today

pytestmark = pytest.mark.django_db

FIGURES = "/admin/feedback/weeklyreads/"
REPORTS = "/admin/feedback/feedback/"


def staff(name, *groups):
    user = User.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def test_the_manager_group_may_only_read_reports_and_figures():
    manager = Group.objects.get(name="Manager")
    assert set(manager.permissions.values_list("content_type__app_label", "codename")) == {
        ("feedback", "view_feedback"),
        ("feedback", "view_weeklyreads"),
    }


@pytest.fixture
def report(reported_manual):
    version = ChapterVersion.objects.get(chapter__slug="online-safety", number=2)
    return Feedback.objects.create(
        chapter=version.chapter,
        version=version,
        partnership=Partnership.objects.get(slug="northmoor"),
        what_is_wrong="The <b>LADO</b> number is wrong.",
        email="reader@example.org",
    )


def test_a_manager_lists_and_reads_reports_but_cannot_change_them(client, report):
    client.force_login(staff("pat", "Publisher", "Manager"))
    listing = client.get(REPORTS)
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "2.5 Online safety, version 2" in html and "Northmoor" in html
    assert "The &lt;b&gt;LADO&lt;/b&gt; number is wrong." in html
    eastbrook = Partnership.objects.get(slug="eastbrook").pk
    filtered = client.get(REPORTS, {"partnership__id__exact": eastbrook}).content.decode()
    assert "LADO" not in filtered  # the list filters by partnership
    detail = client.get(f"{REPORTS}{report.pk}/change/")
    assert detail.status_code == 200 and "reader@example.org" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"{REPORTS}{report.pk}/change/", {"what_is_wrong": "x"}).status_code == 403
    assert client.get(f"{REPORTS}add/").status_code == 403
    assert client.post(f"{REPORTS}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Feedback.objects.get().what_is_wrong == "The <b>LADO</b> number is wrong."


@pytest.mark.parametrize("group", ["Editor", "Publisher"])
def test_only_managers_see_reports_and_figures(client, report, group):
    for path in (REPORTS, FIGURES, f"{REPORTS}{report.pk}/change/"):
        assert client.get(path).status_code == 302  # to the sign-in page
    client.force_login(staff("edna", group))
    for path in (REPORTS, FIGURES, f"{REPORTS}{report.pk}/change/"):
        assert client.get(path).status_code == 403
    assert "Reading figures" not in client.get("/admin/").content.decode()


def test_the_figures_page_shows_reads_by_week_searches_and_reports(client, report):
    week = week_of(today())
    reading_figures.add_reads({("online-safety", week): 12, ("bullying", week): 3})
    SearchMiss.objects.create(week=week, query="zebra crossings", count=4)
    client.force_login(staff("pat", "Publisher", "Manager"))
    assert "Reading figures" in client.get("/admin/").content.decode()
    page = client.get(FIGURES)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Week starting {week:%A} {week.day} {week:%B %Y}" in html
    assert html.index("2.5 Online safety</td><td>12") < html.index("2.1 Bullying</td><td>3")
    assert "zebra crossings</td><td>4" in html
    assert "The &lt;b&gt;LADO&lt;/b&gt; number is wrong." in html
    assert f"{REPORTS}{report.pk}/change/" in html


def test_the_figures_page_with_nothing_counted_says_so(client, reported_manual):
    client.force_login(staff("pat", "Publisher", "Manager"))
    html = client.get(FIGURES).content.decode()
    assert "No chapter reads counted in the last 8 weeks." in html
    assert "Every search found something." in html
    assert "No problems reported yet." in html


def test_old_weeks_leave_the_page(client, reported_manual):
    old = week_of(today()) - datetime.timedelta(weeks=52)
    reading_figures.add_reads({("online-safety", old): 99})
    client.force_login(staff("pat", "Publisher", "Manager"))
    html = client.get(FIGURES).content.decode()
    assert "No chapter reads counted in the last 8 weeks." in html
    assert "<td>99</td>" not in html
