"""PDF work is bounded: one build per distinct document however many readers ask, a change
rebuilds only the PDFs whose content changed, a build that fails or runs too long leaves the
last good PDF served with a notice and tells the managers, never holding up the other PDFs,
and every email job goes before every PDF job."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from partnerships.models import Partnership
from pdfs import building, documents
from pdfs.models import PdfFile
from procedures.models import ChapterVersion
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db


def get_committed(client, url):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(url)


def build_jobs():
    return DBTaskResult.objects.filter(task_path__endswith=".build_pdf")


def every_pdf_address():
    urls = []
    for slug in [None, *Partnership.objects.values_list("slug", flat=True)]:
        prefix = f"/p/{slug}" if slug else ""
        urls += [f"{prefix}/downloads/", f"{prefix}/downloads/manual.pdf"]
        urls += [
            f"{prefix}/chapters/{v.chapter.slug}/versions/{v.number}/pdf/"
            for v in ChapterVersion.objects.select_related("chapter")
        ]
    return urls


@pytest.fixture
def manager():
    user = User.objects.create_user("manager", "manager@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Manager")[0])
    return user


def test_a_reader_asking_for_every_pdf_again_and_again_queues_one_build_per_document(
    client, sample_manual
):
    urls = every_pdf_address()
    for _ in range(3):
        for url in urls:
            get_committed(client, url)
    documents_asked = PdfFile.objects.count()
    # The whole manual's page and its PDF address are one document: the rest one each.
    assert documents_asked == len(urls) - 1 - Partnership.objects.count()
    assert build_jobs().count() == documents_asked
    assert all(job.priority < 0 for job in build_jobs())


def test_a_change_to_one_partnerships_contacts_rebuilds_only_what_shows_them(
    sample_manual, rebuild_after_changes
):
    from pdfs.tasks import rebuild_after_change

    rebuild_after_change.call()
    run_jobs()
    built_before = set(PdfFile.objects.filter(status="ready").values_list("fingerprint", flat=True))
    DBTaskResult.objects.all().delete()

    northmoor = Partnership.objects.get(slug="northmoor")
    contact = northmoor.contacts.get(kind="front-door", version__valid_until__isnull=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        contact.hours = "Monday to Friday, 8am to 6pm"
        contact.save()
    run_jobs()
    # Of the manual's PDFs, only Northmoor's whole manual shows its front door.
    rebuilt = PdfFile.objects.filter(status="ready").exclude(fingerprint__in=built_before)
    assert [(pdf.kind, pdf.partnership_id) for pdf in rebuilt] == [("manual", northmoor.pk)]
    assert build_jobs().count() == 1


def test_a_build_that_runs_too_long_keeps_the_last_good_pdf_and_tells_the_managers(
    client, sample_manual, manager, settings, monkeypatch
):
    url = "/chapters/bullying/versions/1/pdf/"
    get_committed(client, url)
    run_jobs()
    good = client.get(url)
    assert good["Content-Type"] == "application/pdf"

    # The next build of the same chapter (its layout changed) is stopped at the time limit.
    monkeypatch.setattr(documents, "LAYOUT", documents.LAYOUT + 100)
    settings.PDFS_BUILD_TIMEOUT = 0.001
    get_committed(client, url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_jobs()  # the failed build queues the managers' email on commit
    run_jobs()
    failed = PdfFile.objects.get(status="failed")
    assert "longer than 0.001 s" in failed.error

    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 202
    assert "This PDF could not be made; the managers have been told." in text
    assert "does not show changes made since then" in text
    assert f'href="{url}?last-good"' in text
    older = client.get(url + "?last-good")
    assert older["Content-Type"] == "application/pdf"
    assert older.content == good.content
    assert "-built-" in older["Content-Disposition"]

    (email,) = mail.outbox
    assert email.to == ["manager@example.org"]
    assert "Bullying, version 1 could not be made" in email.body
    assert "longer than 0.001 s" in email.body
    # Told once, however often the build is tried again.
    with TestCase.captureOnCommitCallbacks(execute=True):
        PdfFile.objects.filter(pk=failed.pk).update(status="waiting")
        building.build(kind="chapter", version_id=failed.version_id)
    run_jobs()
    assert PdfFile.objects.get(pk=failed.pk).status == "failed"
    assert len(mail.outbox) == 1


def test_a_document_over_the_size_limit_fails_alone(sample_manual, settings, rebuild_after_changes):
    from pdfs.tasks import rebuild_after_change

    # Online safety's text is about 39 KB of HTML, every other chapter's under 7 KB.
    settings.PDFS_MAX_HTML_BYTES = 30_000
    rebuild_after_change.call()
    run_jobs()
    failed = PdfFile.objects.filter(status="failed")
    assert {(pdf.kind, pdf.version.chapter.slug if pdf.version else None) for pdf in failed} == {
        ("chapter", "online-safety"),
        ("manual", None),
    }
    assert "over the limit of 30 KB (PDFS_MAX_HTML_BYTES)" in failed.first().error
    # Every other chapter's PDF was built all the same.
    assert PdfFile.objects.filter(status="ready", kind="chapter").count() == 13


def test_emails_go_before_pdfs_in_the_queue(client, sample_manual, manager):
    from pdfs.failures import email_managers

    get_committed(client, "/chapters/bullying/versions/1/pdf/")
    email_managers.enqueue(pdf_id=0)  # queued after the PDF
    first = DBTaskResult.objects.ready().first()
    assert first.task_path.endswith(".email_managers")


def test_asking_for_the_last_good_pdf_when_the_current_one_is_ready_serves_the_current(
    client, sample_manual
):
    url = "/chapters/bullying/versions/1/pdf/"
    get_committed(client, url)
    run_jobs()
    current = client.get(url)
    again = client.get(url + "?last-good")
    assert again["Content-Type"] == "application/pdf" and again.content == current.content
