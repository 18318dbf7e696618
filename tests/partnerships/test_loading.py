"""Partnerships, contacts and local information load from files like chapters: idempotent,
all or nothing, every bad file named with its line."""

import pytest

from partnerships.models import Contact, LocalInformation, Partnership
from procedures.content import ContentInvalid
from procedures.models import ChapterVersion

from .conftest import write_local, write_partnership

pytestmark = pytest.mark.django_db


def test_partnerships_contacts_and_local_information_load(two_partnerships):
    report = two_partnerships.load()
    assert set(Partnership.objects.values_list("slug", flat=True)) == {"northmoor", "eastbrook"}
    northmoor = Contact.objects.get(partnership__slug="northmoor", kind="front-door")
    assert northmoor.phone == "01632 960001"
    assert northmoor.tel == "01632960001"
    assert Contact.objects.get(partnership=None, slug="childline").phone == "0800 1111"
    local = LocalInformation.objects.get(partnership__slug="northmoor")
    assert local.section == "reporting-routes"
    assert "Northmoor hub" in local.html
    assert len(report.local_added) == 2
    assert ChapterVersion.objects.get().routes == ["ceop"]


def test_second_load_changes_nothing(two_partnerships):
    two_partnerships.load()
    before = list(LocalInformation.objects.values_list("pk", "source_hash"))
    contacts = list(Contact.objects.values_list("pk", "phone"))
    report = two_partnerships.load()
    assert not report.changed_anything
    assert list(LocalInformation.objects.values_list("pk", "source_hash")) == before
    assert list(Contact.objects.values_list("pk", "phone")) == contacts


def test_new_local_version_is_kept_beside_the_old(two_partnerships):
    two_partnerships.load()
    write_local(
        two_partnerships.root,
        "northmoor",
        "online-safety",
        "New text.",
        version=2,
        effective="2024-06-01",
    )
    two_partnerships.load()
    assert list(
        LocalInformation.objects.filter(partnership__slug="northmoor").values_list(
            "number", flat=True
        )
    ) == [1, 2]


def test_changed_stored_local_version_is_refused_and_nothing_is_written(two_partnerships):
    two_partnerships.load()
    write_local(two_partnerships.root, "northmoor", "online-safety", "Edited.", section="grooming")
    write_partnership(
        two_partnerships.root,
        "westhaven",
        "Westhaven",
        front_door="0161 496 0001",
        out_of_hours="0161 496 0002",
    )
    with pytest.raises(ContentInvalid) as raised:
        two_partnerships.load()
    assert raised.value.codes == ["stored_version_changed"]
    assert not Partnership.objects.filter(slug="westhaven").exists()


def test_bad_files_are_reported_with_file_line_and_code(two_partnerships):
    root = two_partnerships.root
    write_partnership(
        root,
        "westhaven",
        "Westhaven",
        front_door="call us",
        out_of_hours="0161 496 0002",
        extra="  - kind: social-worker\n    name: Someone\n    phone: '0161 496 0009'\n",
    )
    write_local(root, "northmoor", "no-such-chapter", "Text.")
    write_local(root, "eastbrook", "online-safety", "Text.", version=2, section="nowhere")
    (root / "chapters" / "online-safety" / "v1.md").write_text(
        (root / "chapters" / "online-safety" / "v1.md")
        .read_text()
        .replace("routes: [ceop]", "routes: [ceop, nobody]")
    )
    with pytest.raises(ContentInvalid) as raised:
        two_partnerships.read()
    found = {(e.path, e.line, e.code) for e in raised.value.errors}
    assert ("partnerships/westhaven/partnership.yaml", 4, "bad_phone") in found
    assert ("partnerships/westhaven/partnership.yaml", 10, "bad_contact_kind") in found
    assert ("partnerships/northmoor/local/no-such-chapter/v1.md", 1, "unknown_chapter") in found
    assert ("partnerships/eastbrook/local/online-safety/v2.md", 5, "unknown_section") in found
    assert ("chapters/online-safety/v1.md", 10, "unknown_route") in found


def test_the_sample_partnerships_load(sample_manual):
    assert Partnership.objects.count() == 3
    assert (
        not Contact.objects.exclude(partnership=None)
        .exclude(phone__regex=r"^(01632 960|0113 496 0|0161 496 0)")
        .exclude(phone="")
    )
    assert {"ceop", "report-remove", "iwf", "childline", "nspcc-helpline", "act"} <= set(
        Contact.objects.filter(partnership=None).values_list("slug", flat=True)
    )


def test_an_impossible_date_in_local_information_is_a_problem_not_a_traceback(
    two_partnerships,
):
    write_local(
        two_partnerships.root, "northmoor", "online-safety", "Text.", version=2,
        effective="2025-02-30",
    )  # fmt: skip
    with pytest.raises(ContentInvalid) as raised:
        two_partnerships.read()
    codes = {(e.path, e.code) for e in raised.value.errors}
    assert ("partnerships/northmoor/local/online-safety/v2.md", "not_a_date") in codes


def problems_of(manual):
    with pytest.raises(ContentInvalid) as raised:
        manual.read()
    return sorted((e.path, e.line, e.code) for e in raised.value.errors)


def test_links_out_of_the_content_folder_are_refused(two_partnerships, tmp_path):
    root = two_partnerships.root
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    real = root / "partnerships" / "northmoor" / "local" / "online-safety" / "v1.md"
    (outside / "v2.md").write_text(real.read_text().replace("version: 1", "version: 2"))
    (real.parent / "v2.md").symlink_to(outside / "v2.md")
    (root / "partnerships" / "westhaven").symlink_to(outside, target_is_directory=True)
    (root / "partnerships" / "eastbrook" / "local" / "referrals").symlink_to(
        outside, target_is_directory=True
    )
    assert problems_of(two_partnerships) == [
        ("partnerships/eastbrook/local/referrals", 0, "symlink_outside"),
        ("partnerships/northmoor/local/online-safety/v2.md", 0, "symlink_outside"),
        ("partnerships/westhaven", 0, "symlink_outside"),
    ]


def test_a_link_inside_the_folder_is_not_read_either(two_partnerships):
    folder = two_partnerships.root / "partnerships" / "northmoor"
    (folder / "local" / "copy").symlink_to(folder / "local" / "online-safety")
    assert problems_of(two_partnerships) == [
        ("partnerships/northmoor/local/copy", 0, "symlink"),
    ]


def test_files_outside_the_documented_layout_are_reported_not_skipped(two_partnerships):
    root = two_partnerships.root
    folder = root / "partnerships" / "northmoor"
    (folder / "notes.txt").write_text("To do.\n")
    (folder / "local" / "online-safety" / "v2-draft.md").write_text("---\n---\n")
    (folder / "local" / "stray.md").write_text("Text.\n")
    (root / "partnerships" / "Bad Name").mkdir()
    (root / "partnerships" / "readme.md").write_text("About.\n")
    assert problems_of(two_partnerships) == [
        ("partnerships/Bad Name/", 0, "unexpected_folder"),
        ("partnerships/northmoor/local/online-safety/v2-draft.md", 0, "unexpected_file"),
        ("partnerships/northmoor/local/stray.md", 0, "unexpected_file"),
        ("partnerships/northmoor/notes.txt", 0, "unexpected_file"),
        ("partnerships/readme.md", 0, "unexpected_file"),
    ]
