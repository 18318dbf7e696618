"""Reading a content tree: every mistake names the file, the line and what to fix."""

import datetime

import pytest

from procedures.content import ContentInvalid


def errors_of(manual):
    with pytest.raises(ContentInvalid) as caught:
        manual.read()
    return [str(error) for error in caught.value.errors]


def problems_of(manual):
    """Each problem as (file, line, code)."""
    with pytest.raises(ContentInvalid) as caught:
        manual.read()
    return [(error.path, error.line, error.code) for error in caught.value.errors]


def test_valid_tree_reads_into_records(manual):
    manual.chapter("bullying", "## Cyberbullying {#cyberbullying}\n\nText.\n", number="2.1")
    manual.chapter("online-safety", "See [[bullying#cyberbullying]].\n", number="2.5")
    read = manual.read()
    assert [(v.slug, v.number, v.chapter_number) for v in read.versions] == [
        ("bullying", 1, "2.1"),
        ("online-safety", 1, "2.5"),
    ]
    assert read.versions[1].rendered.links[0].anchor == "cyberbullying"


def test_malformed_front_matter_names_the_line(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("title: ", "title: [unclosed "), encoding="utf-8")
    ((path, line, code),) = problems_of(manual)
    assert (path, code) == ("chapters/bullying/v1.md", "bad_yaml") and line > 1


def test_missing_front_matter_is_explained(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text("Just text, no front matter.\n", encoding="utf-8")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 1, "no_front_matter")]


def test_missing_field_says_which_and_what_to_write(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("effective: 2024-01-01\n", ""), encoding="utf-8")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 1, "missing_field")]
    (message,) = errors_of(manual)
    assert "'effective'" in message and "YYYY-MM-DD" in message  # which, and what to write


def test_bad_date_points_at_its_line(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("2024-01-01", "21st June"), encoding="utf-8")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 7, "not_a_date")]


def test_duplicate_slug_is_refused(manual):
    manual.chapter("bullying", "Text.\n", number="2.1")
    other = manual.chapter("bullying-copy", "Other.\n", number="2.2")
    other.write_text(other.read_text().replace("slug: bullying-copy", "slug: bullying"))
    assert ("chapters/bullying-copy/v1.md", 3, "slug_not_folder") in problems_of(manual)


def test_file_name_and_version_must_agree(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.rename(path.with_name("v2.md"))
    assert ("chapters/bullying/v2.md", 6, "file_name_not_version") in problems_of(manual)


def test_duplicate_chapter_number_is_refused(manual):
    manual.chapter("bullying", "Text.\n", number="2.1")
    manual.chapter("domestic-abuse", "Text.\n", number="2.1")
    assert [code for _, _, code in problems_of(manual)] == ["duplicate_chapter_number"] * 2


def test_version_gap_is_refused(manual):
    manual.chapter("bullying", "Text.\n")
    manual.chapter("bullying", "Text 3.\n", version=3)
    assert problems_of(manual) == [("chapters/bullying/v3.md", 6, "version_gap")]


def test_a_copy_of_a_version_is_not_read_as_another_version(manual):
    manual.chapter("bullying", "Text.\n")
    copy = manual.root / "chapters" / "bullying" / "v1-copy.md"
    copy.write_text((manual.root / "chapters" / "bullying" / "v1.md").read_text())
    assert problems_of(manual) == [("chapters/bullying/v1-copy.md", 0, "unexpected_file")]


def test_later_version_cannot_take_effect_earlier(manual):
    manual.chapter("bullying", "Text.\n", effective=datetime.date(2024, 6, 1))
    manual.chapter("bullying", "New.\n", version=2, effective=datetime.date(2024, 1, 1))
    assert problems_of(manual) == [("chapters/bullying/v2.md", 7, "effective_before_previous")]


def test_unknown_cross_link_target_names_file_and_line(manual):
    manual.chapter("online-safety", "Intro.\n\nSee [[bulying]].\n")
    assert problems_of(manual) == [("chapters/online-safety/v1.md", 13, "unknown_chapter")]


def test_unknown_anchor_lists_the_sections_that_exist(manual):
    manual.chapter("bullying", "## Cyberbullying {#cyberbullying}\n\nText.\n", number="2.1")
    manual.chapter("online-safety", "See [[bullying#signs]].\n", number="2.5")
    assert problems_of(manual) == [("chapters/online-safety/v1.md", 11, "unknown_section")]
    (message,) = errors_of(manual)
    assert "its sections are: cyberbullying" in message  # what exists, to fix it


def test_invalid_utf8_names_the_line(manual):
    path = manual.chapter("bullying", "Fine.\n\nBad here.\n")
    path.write_bytes(path.read_bytes().replace(b"Bad", b"B\xe9d"))
    assert problems_of(manual) == [("chapters/bullying/v1.md", 13, "not_utf8")]


def test_empty_body_is_refused(manual):
    manual.chapter("bullying", "\n\n")
    ((path, _, code),) = problems_of(manual)
    assert (path, code) == ("chapters/bullying/v1.md", "empty_body")


def test_raw_html_and_script_are_refused_with_their_line(manual):
    manual.chapter("bullying", "Fine.\n\n<script>alert('x')</script>\n")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 13, "raw_html")]


def test_related_chapter_must_exist(manual):
    manual.chapter("bullying", "Text.\n", related=["nope"])
    assert problems_of(manual) == [("chapters/bullying/v1.md", 9, "unknown_related")]
    assert errors_of(manual) == [
        "chapters/bullying/v1.md, line 9: related chapter 'nope' does not exist; check the slug"
    ]


def test_every_problem_is_reported_at_once(manual):
    manual.chapter("bullying", "See [[nowhere]].\n", related=["nope"])
    manual.chapter("referrals", "<b>bold</b>\n", number="1.1")
    assert sorted(code for _, _, code in problems_of(manual)) == [
        "raw_html",
        "unknown_chapter",
        "unknown_related",
    ]


def test_unknown_field_is_refused(manual):
    manual.chapter("bullying", "Text.\n", extra="colour: blue\n")
    ((path, _, code),) = problems_of(manual)
    assert (path, code) == ("chapters/bullying/v1.md", "unknown_field")


def test_part_must_be_listed(manual):
    manual.chapter("bullying", "Text.\n", number="7.1")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 5, "unknown_part")]


def test_the_sample_manual_is_valid():
    from manual.content import read_manual
    from tests.conftest import SAMPLE_CONTENT

    read = read_manual(SAMPLE_CONTENT)
    online_safety = [v for v in read.versions if v.slug == "online-safety"]
    assert [v.number for v in online_safety] == [1, 2, 3, 4, 5]
    anchors = online_safety[-1].rendered.anchors
    for anchor in (
        "types-of-online-abuse",
        "sexting",
        "live-streaming",
        "grooming-and-the-law",
        "victim-blaming",
        "reporting-routes",
        "education-at-home",
    ):
        assert anchor in anchors
    assert "victim-blaming" not in online_safety[0].rendered.anchors
    # Version 3 keeps every anchor of version 2: other chapters link to them.
    assert set(online_safety[1].rendered.anchors) <= set(anchors)
    assert online_safety[1].effective_date == datetime.date(2024, 6, 21)
    assert online_safety[-1].effective_date == datetime.date(2026, 12, 7)
    # Version 3 brings the law up to date and restores the lost reporting routes.
    v2, v3 = online_safety[1].body, online_safety[2].body
    assert "intimate image offences" not in v2
    assert "intimate image offences" in v3
    assert "at least twice" in v2 and "at least twice)" in v3  # now only as history
    assert "covid-19-safeguarding" in v2 and "covid-19-safeguarding" not in v3
    for route in ("report-extremism.education.gov.uk", "remove-nude-image", "report-it.org.uk"):
        assert route not in v2
        assert route in v3
    assert "lead or email\n" in v2 and "lead or email\n" not in v3


# --- only the documented files are read (issue 8, problem 5) -------------------------------


def test_a_stray_markdown_file_is_reported_not_loaded_as_a_chapter(manual):
    path = manual.chapter("bullying", "Text.\n")
    (manual.root / "notes").mkdir()
    (manual.root / "notes" / "x.md").write_text(path.read_text())
    (manual.root / "chapters" / "bullying" / "..v2.md").write_text(path.read_text())
    (manual.root / "chapters" / "bullying" / "v2.txt").write_text("Text.\n")
    (manual.root / "chapters" / "bullying" / "README.md").write_text("Notes.\n")
    (manual.root / "chapters" / "Bad Name").mkdir()
    (manual.root / "todo.txt").write_text("x\n")
    assert problems_of(manual) == [
        ("chapters/Bad Name/", 0, "unexpected_folder"),
        ("chapters/bullying/..v2.md", 0, "unexpected_file"),
        ("chapters/bullying/README.md", 0, "unexpected_file"),
        ("chapters/bullying/v2.txt", 0, "unexpected_file"),
        ("notes/", 0, "unexpected_folder"),
        ("todo.txt", 0, "unexpected_file"),
    ]


def test_the_documented_files_and_version_control_files_are_accepted(manual):
    manual.chapter("bullying", "Text.\n")
    (manual.root / "README.md").write_text("About the manual.\n")
    (manual.root / "synonyms.txt").write_text("cse = child sexual exploitation\n")
    (manual.root / ".git").mkdir()
    (manual.root / ".gitignore").write_text("*.swp\n")
    assert [v.slug for v in manual.read().versions] == ["bullying"]


def test_a_link_to_a_file_outside_the_tree_is_refused(manual, tmp_path):
    path = manual.chapter("bullying", "Text.\n")
    outside = tmp_path / "secret.md"
    outside.write_text(path.read_text().replace("version: 1", "version: 2"))
    (path.parent / "v2.md").symlink_to(outside)
    (manual.root / "chapters" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    assert problems_of(manual) == [
        ("chapters/bullying/v2.md", 0, "symlink_outside"),
        ("chapters/elsewhere", 0, "symlink_outside"),
    ]


def test_an_oversized_file_is_refused_before_it_is_read(manual, settings):
    settings.MAX_VERSION_BYTES = 2000
    manual.chapter("bullying", "Text.\n\n" + "Words words words.\n" * 200)
    manual.chapter("referrals", "Short.\n", number="1.1")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 0, "file_too_large")]


def test_an_impossible_date_is_a_problem_on_its_line(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("2024-01-01", "2025-02-30"), encoding="utf-8")
    assert problems_of(manual) == [("chapters/bullying/v1.md", 7, "not_a_date")]
    (message,) = errors_of(manual)
    assert "'2025-02-30' is not a date" in message


@pytest.mark.parametrize("where", ['title: "Bull\x00ying"', "Te\x00xt."])
def test_a_nul_byte_is_a_problem_on_its_line(manual, where):
    path = manual.chapter("bullying", "Text.\n")
    text = path.read_text()
    path.write_text(text.replace(where.replace("\x00", ""), where), encoding="utf-8")
    ((shown, line, code),) = problems_of(manual)
    assert (shown, code) == ("chapters/bullying/v1.md", "control_character")
    assert line == (4 if "title" in where else 11)


def test_values_the_database_cannot_hold_are_problems_in_the_file(manual):
    path = manual.chapter("bullying", "Text.\n", title="T" * 301)
    text = path.read_text().replace("version: 1", "version: 99999999999")
    path.write_text(text.replace("summary: ", 'withdrawn_reason: "a\\0b"\nsummary: '))
    assert sorted(code for _, _, code in problems_of(manual)) == [
        "control_character",
        "not_a_number",
        "too_long",
    ]
