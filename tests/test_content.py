"""Reading a content tree: every mistake names the file, the line and what to fix."""

import datetime

import pytest

from procedures.content import ContentInvalid


def errors_of(manual):
    with pytest.raises(ContentInvalid) as caught:
        manual.read()
    return [str(error) for error in caught.value.errors]


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
    (message,) = errors_of(manual)
    assert message.startswith("chapters/bullying/v1.md, line ")
    assert "front matter is not valid YAML" in message


def test_missing_front_matter_is_explained(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text("Just text, no front matter.\n", encoding="utf-8")
    assert errors_of(manual) == [
        "chapters/bullying/v1.md, line 1: must start with front matter: "
        "a line '---', the fields, '---'"
    ]


def test_missing_field_says_which_and_what_to_write(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("effective: 2024-01-01\n", ""), encoding="utf-8")
    (message,) = errors_of(manual)
    assert "missing 'effective'" in message and "YYYY-MM-DD" in message


def test_bad_date_points_at_its_line(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.write_text(path.read_text().replace("2024-01-01", "21st June"), encoding="utf-8")
    (message,) = errors_of(manual)
    assert message.startswith("chapters/bullying/v1.md, line 7: '21st June' is not a date")


def test_duplicate_slug_is_refused(manual):
    manual.chapter("bullying", "Text.\n", number="2.1")
    other = manual.chapter("bullying-copy", "Other.\n", number="2.2")
    other.write_text(other.read_text().replace("slug: bullying-copy", "slug: bullying"))
    messages = errors_of(manual)
    assert any(
        m.startswith("chapters/bullying-copy/v1.md, line 3: slug 'bullying' does not match")
        and "a slug belongs to one chapter only" in m
        for m in messages
    )


def test_file_name_and_version_must_agree(manual):
    path = manual.chapter("bullying", "Text.\n")
    path.rename(path.with_name("v2.md"))
    messages = errors_of(manual)
    assert any("the file is named v2.md but says version 1" in m for m in messages)


def test_duplicate_chapter_number_is_refused(manual):
    manual.chapter("bullying", "Text.\n", number="2.1")
    manual.chapter("domestic-abuse", "Text.\n", number="2.1")
    messages = errors_of(manual)
    assert len(messages) == 2
    assert all("chapter number 2.1 is also used by" in m for m in messages)


def test_version_gap_is_refused(manual):
    manual.chapter("bullying", "Text.\n")
    manual.chapter("bullying", "Text 3.\n", version=3)
    (message,) = errors_of(manual)
    assert "has versions [1, 3] but no version 2" in message


def test_duplicate_version_is_refused(manual):
    manual.chapter("bullying", "Text.\n")
    copy = manual.root / "chapters" / "bullying" / "v1-copy.md"
    copy.write_text((manual.root / "chapters" / "bullying" / "v1.md").read_text())
    messages = errors_of(manual)
    assert any("version 1 of chapter 'bullying' is also in" in m for m in messages)


def test_later_version_cannot_take_effect_earlier(manual):
    manual.chapter("bullying", "Text.\n", effective=datetime.date(2024, 6, 1))
    manual.chapter("bullying", "New.\n", version=2, effective=datetime.date(2024, 1, 1))
    (message,) = errors_of(manual)
    assert "chapters/bullying/v2.md, line 7: version 2 takes effect on 2024-01-01" in message


def test_unknown_cross_link_target_names_file_and_line(manual):
    manual.chapter("online-safety", "Intro.\n\nSee [[bulying]].\n")
    (message,) = errors_of(manual)
    assert message.startswith("chapters/online-safety/v1.md, line 13: cross-link to unknown")
    assert "'bulying'" in message


def test_unknown_anchor_lists_the_sections_that_exist(manual):
    manual.chapter("bullying", "## Cyberbullying {#cyberbullying}\n\nText.\n", number="2.1")
    manual.chapter("online-safety", "See [[bullying#signs]].\n", number="2.5")
    (message,) = errors_of(manual)
    assert "unknown section '#signs' of 'bullying'" in message
    assert "cyberbullying" in message


def test_invalid_utf8_names_the_line(manual):
    path = manual.chapter("bullying", "Fine.\n\nBad here.\n")
    path.write_bytes(path.read_bytes().replace(b"Bad", b"B\xe9d"))
    (message,) = errors_of(manual)
    assert message.startswith("chapters/bullying/v1.md, line 13: not valid UTF-8")


def test_empty_body_is_refused(manual):
    manual.chapter("bullying", "\n\n")
    (message,) = errors_of(manual)
    assert "the chapter body is empty" in message


def test_raw_html_and_script_are_refused_with_their_line(manual):
    manual.chapter("bullying", "Fine.\n\n<script>alert('x')</script>\n")
    (message,) = errors_of(manual)
    assert message.startswith("chapters/bullying/v1.md, line 13: raw HTML <script> is not allowed")


def test_related_chapter_must_exist(manual):
    manual.chapter("bullying", "Text.\n", related=["nope"])
    (message,) = errors_of(manual)
    assert message == (
        "chapters/bullying/v1.md, line 9: related chapter 'nope' does not exist; check the slug"
    )


def test_every_problem_is_reported_at_once(manual):
    manual.chapter("bullying", "See [[nowhere]].\n", related=["nope"])
    manual.chapter("referrals", "<b>bold</b>\n", number="1.1")
    assert len(errors_of(manual)) == 3


def test_unknown_field_is_refused(manual):
    manual.chapter("bullying", "Text.\n", extra="colour: blue\n")
    (message,) = errors_of(manual)
    assert "unknown field 'colour'" in message


def test_part_must_be_listed(manual):
    manual.chapter("bullying", "Text.\n", number="7.1")
    (message,) = errors_of(manual)
    assert "part 7 is not listed in manual.yaml" in message


def test_the_sample_manual_is_valid():
    from procedures.content import read_manual
    from tests.conftest import SAMPLE_CONTENT

    read = read_manual(SAMPLE_CONTENT)
    online_safety = [v for v in read.versions if v.slug == "online-safety"]
    assert [v.number for v in online_safety] == [1, 2]
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
    assert online_safety[-1].effective_date == datetime.date(2024, 6, 21)
