"""What the PDFs show: every current chapter and nothing superseded, contents with page
numbers, a running header and footer on every page, and whose local information it holds."""

import re

import pytest

from partnerships.models import Partnership
from pdfs import building
from pdfs.models import PdfFile
from procedures.models import ChapterVersion
from tests.pdfs.conftest import pages_of

pytestmark = pytest.mark.django_db


def built(**scope):
    assert building.build(**scope) == "built"
    return PdfFile.objects.get(status="ready", **_filters(scope))


def _filters(scope):
    return {
        "kind": scope["kind"],
        "version_id": scope.get("version_id"),
        "partnership_id": scope.get("partnership_id"),
    }


@pytest.fixture
def manual_pages(sample_manual, on_a_fixed_day):
    return pages_of(bytes(built(kind="manual").content))


def test_every_page_of_the_manual_has_the_running_header_and_footer(manual_pages):
    total = len(manual_pages)
    assert total > 10
    for number, text in enumerate(manual_pages, start=1):
        assert "Safeguarding Children Procedures" in text, number
        assert f"Page {number} of {total}" in text
        assert "Built on " in text
        assert "Is this still current? Check http://127.0.0.1:8000/" in text
    online_safety = [t for t in manual_pages if "/v/online-safety/2/" in t]
    assert len(online_safety) > 1
    for text in online_safety:
        assert "2.5 Online safety: Children exposed to abuse through digital media" in text
        assert "Version 2, effective 21 June 2024. Built on" in text


def test_the_contents_lists_every_current_chapter_with_the_page_it_starts_on(manual_pages):
    contents = manual_pages[1]
    assert "Contents" in contents
    listed = re.findall(r"(\d+\.\d+) ([^.]+?) \(version (\d+)\) \.+ ?(\d+)", contents)
    current = ChapterVersion.objects.current().select_related("chapter")
    assert sorted((n, int(v)) for n, _, v, _ in listed) == sorted(
        (v.chapter_number, v.number) for v in current
    )
    for number, title, _, page in listed:
        # The chapter starts on that page: its title is there and not on the page before.
        heading = f"{number} {title}"
        assert heading in manual_pages[int(page) - 1], (number, page)
        if int(page) > 3:  # pages 1 and 2 are the first page and the contents
            assert heading not in manual_pages[int(page) - 2], (number, page)


def test_the_manual_holds_current_text_only(manual_pages):
    text = " ".join(manual_pages)
    assert "Working Together to Safeguard Children 2023 expects" in text  # referrals v2
    assert "Working Together to Safeguard Children 2018 expects" not in text  # superseded v1
    assert "introduced the offence of Revenge Porn" in text  # online safety v2
    assert "Report Extremism in Education" not in text  # v3, scheduled for later


def test_the_regional_manual_says_so_on_its_first_page(manual_pages):
    assert "Regional text only" in manual_pages[0]
    assert "Local information:" not in " ".join(manual_pages)


def test_a_partnerships_manual_has_its_local_information_and_says_so_first(
    sample_manual, on_a_fixed_day
):
    northmoor = Partnership.objects.get(slug="northmoor")
    pages = pages_of(bytes(built(kind="manual", partnership_id=northmoor.pk).content))
    assert f"With local information for {northmoor.name}" in pages[0]
    assert "01632 960001" in pages[0]  # its front door, under "What to do now"
    assert f"Local information: {northmoor.name}" in " ".join(pages)
    assert "Check http://127.0.0.1:8000/p/northmoor/downloads/" in pages[0]


def test_a_superseded_chapter_version_says_so_on_every_page(sample_manual, on_a_fixed_day):
    old = ChapterVersion.objects.get(chapter__slug="online-safety", number=1)
    pages = pages_of(bytes(built(kind="chapter", version_id=old.pk).content))
    assert "This version has been superseded: do not act on it" in pages[0]
    assert "Regional text only" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert "2.5 Online safety" in text
        assert "Version 1, effective 23 June 2023 (superseded: do not act on it)" in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Check http://127.0.0.1:8000/v/online-safety/1/" in text


def test_a_current_chapter_version_for_a_partnership(sample_manual, on_a_fixed_day):
    current = ChapterVersion.objects.get(chapter__slug="online-safety", number=2)
    northmoor = Partnership.objects.get(slug="northmoor")
    pdf = built(kind="chapter", version_id=current.pk, partnership_id=northmoor.pk)
    pages = pages_of(bytes(pdf.content))
    assert "superseded" not in " ".join(pages)
    assert f"With local information for {northmoor.name}" in pages[0]
    assert pdf.manifest["chapters"][0][:2] == ["online-safety", 2]
    assert pdf.pages == len(pages) and pdf.size == len(bytes(pdf.content))


def test_a_second_build_of_the_same_manual_builds_nothing(sample_manual, on_a_fixed_day):
    built(kind="manual")
    assert building.build(kind="manual") == "up to date"
    assert PdfFile.objects.count() == 1
