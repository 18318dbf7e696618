"""Rebuilt in the background on publish, served only while current: a reader downloads the
PDF of the manual as it stands now, or is told it is being prepared, never an older one."""

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from partnerships.models import Partnership
from pdfs.models import PdfFile
from tests.conftest import run_jobs
from tests.pdfs.conftest import pages_of
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

OLD, NEW = "Live streaming carries grooming risks.", "Live streaming can expose children."


def queued(task_name):
    """Jobs of the task queued to run now (not those asked for a later day)."""
    return (
        DBTaskResult.objects.filter(task_path__endswith=f".{task_name}")
        .filter(Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now()))
        .count()
    )


def publish_committed(*, by, draft):
    """Publish as the admin does: what listens runs once the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish(by=by, draft=draft)


def get_committed(client, url):
    """A reader's request, with what it queues committed (as outside a test)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(url)


def test_each_publish_queues_exactly_one_rebuild_and_the_download_then_serves_the_new_text(
    client, small_manual, draft_of, editor, publisher, rebuild_after_changes
):
    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor))
    assert queued("rebuild_after_change") == 1
    run_jobs()
    assert OLD in " ".join(pages_of(client.get("/downloads/manual.pdf").content))

    publish_committed(by=publisher, draft=draft_of("online-safety", by=editor, replace={OLD: NEW}))
    assert queued("rebuild_after_change") == 2
    # Until the worker has run, the superseded PDF is not offered.
    page = client.get("/downloads/")
    assert "is being prepared" in page.content.decode()
    assert "Download the whole manual (PDF" not in page.content.decode()
    assert client.get("/downloads/manual.pdf")["Location"] == "/downloads/"

    run_jobs()
    page = client.get("/downloads/").content.decode()
    assert "Download the whole manual (PDF" in page
    response = client.get("/downloads/manual.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="safeguarding-children-procedures.pdf"' in response["Content-Disposition"]
    text = " ".join(pages_of(response.content))
    assert NEW in text and OLD not in text
    # Older whole-manual PDFs are not kept.
    assert PdfFile.objects.filter(kind="manual", partnership=None).count() == 1


def test_loading_content_queues_a_rebuild_only_when_it_changes_something(
    small_manual, rebuild_after_changes
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_content", str(small_manual.root), verbosity=0)
    assert queued("rebuild_after_change") == 0
    small_manual.chapter("bullying", "## Changed {#changed}\n\nNew text.\n", version=2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_content", str(small_manual.root), verbosity=0)
    assert queued("rebuild_after_change") == 1


def test_the_rebuild_builds_the_manual_for_each_partnership_and_each_current_chapter(
    sample_manual, rebuild_after_changes
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        Partnership.objects.get(slug="northmoor").save()
    run_jobs()
    manuals = PdfFile.objects.filter(kind="manual", status="ready")
    assert manuals.count() == 1 + Partnership.objects.count()
    assert PdfFile.objects.filter(kind="chapter", status="ready", partnership=None).count() == 14


def test_a_chapter_pdf_is_prepared_once_in_the_background_then_served(client, sample_manual):
    url = "/chapters/online-safety/versions/1/pdf/"
    first = get_committed(client, url)
    assert first.status_code == 202
    assert "This PDF is being prepared" in first.content.decode()
    assert get_committed(client, url).status_code == 202
    assert queued("build_pdf") == 1  # asked of the worker once, however often readers ask

    run_jobs()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "superseded: do not act on it" in pages_of(response.content)[0]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_partnerships_chapter_pdf_has_its_local_information(client, sample_manual):
    url = "/p/northmoor/chapters/referrals/versions/2/pdf/"
    assert "local information for Northmoor" in get_committed(client, url).content.decode()
    run_jobs()
    response = client.get(url)
    assert "referrals-version-2-northmoor.pdf" in response["Content-Disposition"]
    assert "Local information: Northmoor" in " ".join(pages_of(response.content))


@pytest.mark.parametrize(
    "url",
    ["/chapters/no-such-chapter/versions/1/pdf/", "/chapters/online-safety/versions/9/pdf/"],
)
def test_unknown_chapters_and_versions_get_the_friendly_not_found_page(client, sample_manual, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert not PdfFile.objects.exists()


def test_the_chapter_page_and_the_contents_link_to_the_pdfs(client, sample_manual):
    chapter = client.get("/chapters/online-safety/versions/1/").content.decode()
    assert 'href="/chapters/online-safety/versions/1/pdf/"' in chapter
    assert 'href="/downloads/"' in client.get("/").content.decode()
    local = client.get("/p/northmoor/chapters/referrals/").content.decode()
    assert 'href="/p/northmoor/chapters/referrals/versions/2/pdf/"' in local


def test_a_rebuild_asks_to_run_again_when_a_scheduled_version_takes_effect(
    sample_manual, on_a_fixed_day, rebuild_after_changes
):
    from pdfs.tasks import rebuild_after_change

    rebuild_after_change.call()
    rebuild_after_change.call()  # asked once, however many rebuilds see the same day coming
    (later,) = DBTaskResult.objects.filter(task_path__endswith=".rebuild_after_change")
    # Online safety version 2 is due for review on 21 June 2025: from the next day its PDFs
    # say the review is overdue (London time).
    assert timezone.localtime(later.run_after).isoformat() == "2025-06-22T00:01:00+01:00"
    assert later.priority < 0  # after any email
