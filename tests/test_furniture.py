"""The words around the chapters (issue 21): the Sample label explained (on the page and in
PDFs), "New" only on a first version that is new, the as-of view saying when the version it
shows is reconstructed, and an accessibility statement with a contact and a date."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from pdfs import building
from pdfs.models import PdfFile
from procedures.content import ContentInvalid
from procedures.export import manual_yaml
from procedures.models import ChapterVersion, Reconstruction
from tests.pdfs.conftest import pages_of

pytestmark = pytest.mark.django_db

SAMPLE_WORDS = "written in our own words for this sample manual"


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def amendments_of(page):
    return page[page.index("Show amendments") : page.index("All versions of this chapter")]


def test_the_sample_label_is_explained_where_it_is_shown(client, sample_manual):
    contents = text_of(client.get("/"))
    assert "Sample" in contents and f"Chapters tagged Sample are {SAMPLE_WORDS}" in contents
    bullying = text_of(client.get("/chapters/bullying/"))
    assert "Sample content Written in our own words for this sample manual" in bullying
    online_safety = text_of(client.get("/chapters/online-safety/"))
    assert "Sample content" not in online_safety  # taken from a real page, not sample


def test_a_sample_chapters_pdf_says_it_is_sample_content(sample_manual):
    bullying = ChapterVersion.objects.current().get(chapter__slug="bullying")
    assert building.build(kind="chapter", version_id=bullying.pk) == "built"
    pdf = PdfFile.objects.get(kind="chapter", version_id=bullying.pk, status="ready")
    first = pages_of(bytes(pdf.content))[0]
    assert "Sample content: written in our own words for this sample manual" in " ".join(
        first.split()
    )


def test_new_marks_a_first_version_only_while_it_is_new(client, manual):
    recent = timezone.localdate() - datetime.timedelta(days=10)
    manual.chapter("bullying", "## About {#about}\n\nText.\n", effective=recent)
    manual.chapter("referrals", "## About {#about}\n\nText.\n", number="1.1")  # 2024
    manual.load()
    new = amendments_of(text_of(client.get("/chapters/bullying/")))
    assert "New" in new and "First version" not in new
    old = amendments_of(text_of(client.get("/chapters/referrals/")))
    assert "New" not in old and "First version" in old


def test_the_as_of_view_says_when_what_it_shows_is_reconstructed(client, sample_manual):
    contents = text_of(client.get("/as-of/2024-01-01/"))
    assert "Chapters tagged Reconstructed show a version rebuilt after the fact" in contents
    assert "2.5 Online safety: Children exposed to abuse through digital media Reconstructed" in (
        contents
    )
    chapter = text_of(client.get("/as-of/2024-01-01/chapters/online-safety/"))
    assert "Reconstructed Version 1 was rebuilt after the fact for the sample manual" in chapter
    later = text_of(client.get("/as-of/2025-01-01/chapters/online-safety/"))
    assert "Reconstructed" not in later  # version 2: the page as it was
    assert "Reconstructed" not in text_of(client.get("/as-of/2025-01-01/"))
    version_1 = text_of(client.get("/chapters/online-safety/versions/1/"))
    assert "Reconstructed Version 1 was rebuilt after the fact" in version_1


def test_reconstructed_versions_are_named_in_manual_yaml_and_exported(sample_manual):
    (mark,) = Reconstruction.objects.select_related("version__chapter")
    assert (mark.version.chapter.slug, mark.version.number) == ("online-safety", 1)
    assert "reconstructed:\n  online-safety: [1]\n" in manual_yaml()
    call_command("load_content", verbosity=0)  # loading again changes nothing
    assert Reconstruction.objects.count() == 1


def test_a_reconstructed_version_that_is_not_in_the_files_is_refused(manual):
    manual.chapter("bullying", "## About {#about}\n\nText.\n")
    with (manual.root / "manual.yaml").open("a") as file:
        file.write("reconstructed:\n  bullying: [2]\n")
    with pytest.raises(ContentInvalid) as refused:
        manual.read()
    assert refused.value.codes == ["unknown_reconstructed"]


def test_the_accessibility_statement_gives_a_contact_and_its_date(client, settings):
    page = text_of(client.get("/accessibility/"))
    assert f"email {settings.ACCESSIBILITY_CONTACT_EMAIL}" in page
    assert "This statement was prepared on 6 December 2026" in page
    assert "last reviewed on 6 December 2026" in page
