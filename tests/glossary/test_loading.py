"""The glossary loads from content/glossary.yaml like chapters: versions kept, idempotent,
all or nothing, and every problem named with its file, line and what to do."""

import pytest

from glossary.models import Entry, EntryVersion
from procedures.content import ContentInvalid
from procedures.models import ChapterVersion

from .conftest import COUNTY_LINES, CSE, LADO, write_glossary

pytestmark = pytest.mark.django_db


def problems(manual):
    with pytest.raises(ContentInvalid) as raised:
        manual.load()
    return raised.value.errors


def test_entries_load_with_their_definitions_rendered(glossary_manual):
    report = glossary_manual.load()
    assert sorted(report.glossary_added) == [("county-lines", 1), ("cse", 1), ("lado", 1)]
    lado = EntryVersion.objects.get(entry__slug="lado")
    assert lado.term == "LADO" and lado.expansion == "local authority designated officer"
    assert lado.synonyms == ["designated officer"]
    assert (
        lado.html
        == '<p class="govuk-body">Manages allegations against people who work with children.</p>'
    )
    cse = EntryVersion.objects.get(entry__slug="cse")
    assert 'href="/chapters/exploitation/"' in cse.html


def test_second_load_changes_nothing(glossary_manual):
    glossary_manual.load()
    before = list(EntryVersion.objects.values_list("pk", "source_hash"))
    report = glossary_manual.load()
    assert report.glossary_added == [] and not report.changed_anything
    assert list(EntryVersion.objects.values_list("pk", "source_hash")) == before


def test_a_new_version_is_kept_beside_the_old(glossary_manual):
    glossary_manual.load()
    second = LADO + (
        "      - version: 2\n"
        "        effective: 2024-06-01\n"
        '        summary: "Says to tell the LADO within a working day."\n'
        "        term: LADO\n"
        "        expansion: local authority designated officer\n"
        '        definition: "Tell the LADO within one working day."\n'
    )
    write_glossary(glossary_manual.root, second, CSE, COUNTY_LINES)
    glossary_manual.load()
    versions = EntryVersion.objects.filter(entry__slug="lado").order_by("number")
    assert [(v.number, v.summary) for v in versions] == [
        (1, "First published."),
        (2, "Says to tell the LADO within a working day."),
    ]


def test_a_changed_stored_version_is_refused_with_its_line(glossary_manual):
    glossary_manual.load()
    write_glossary(glossary_manual.root, LADO.replace("Manages", "Oversees"), CSE, COUNTY_LINES)
    (error,) = problems(glossary_manual)
    assert error.code == "stored_version_changed"
    assert (error.path, error.line) == ("glossary.yaml", 4)  # the version's first line
    assert "put the change in version 2" in error.message


def test_a_stored_entry_taken_out_of_the_file_is_refused(glossary_manual):
    glossary_manual.load()
    write_glossary(glossary_manual.root, LADO, CSE)
    (error,) = problems(glossary_manual)
    assert error.code == "entry_removed" and "withdrawn: true" in error.message


def test_a_withdrawn_entry_leaves_the_glossary(glossary_manual, client):
    glossary_manual.load()
    withdrawn = CSE + (
        "      - version: 2\n"
        "        effective: 2024-02-01\n"
        '        summary: "Withdrawn: see child sexual abuse."\n'
        "        term: CSE\n"
        "        withdrawn: true\n"
    )
    write_glossary(glossary_manual.root, LADO, withdrawn, COUNTY_LINES)
    glossary_manual.load()
    page = client.get("/glossary/").content.decode()
    assert 'id="lado"' in page and 'id="cse"' not in page


def test_every_bad_field_is_named_with_its_line_in_one_pass(manual):
    manual.chapter("exploitation", "Text.\n")
    (manual.root / "glossary.yaml").write_text(
        "terms:\n"
        "  - slug: lado\n"  # 2
        "    versions:\n"
        "      - version: 1\n"  # 4
        "        effective: 2024-02-30\n"  # 5
        "        summary: First published.\n"
        "        term: LADO\n"
        "        colour: blue\n"  # 8
        "  - slug: Not A Slug\n"  # 9
        "    versions: []\n"
        "  - slug: nrm\n"
        "    versions:\n"
        "      - version: 2\n"  # 13
        "        effective: 2024-01-01\n"
        "        summary: First published.\n"
        "        term: NRM\n"
        "        definition: See [[no-such-chapter]].\n",  # 17
        encoding="utf-8",
    )
    errors = problems(manual)
    found = {(e.code, e.line) for e in errors}
    assert found == {
        ("bad_date", 5),
        ("unknown_field", 8),
        ("no_definition", 4),
        ("bad_slug", 9),
        ("version_gap", 13),
        ("unknown_chapter", 18),
    }
    assert all(e.path == "glossary.yaml" for e in errors)
    assert "YYYY-MM-DD" in next(e.message for e in errors if e.code == "bad_date")


def test_not_yaml_is_named_with_its_line(manual):
    manual.chapter("exploitation", "Text.\n")
    (manual.root / "glossary.yaml").write_text("terms:\n  - slug: [unclosed\n", encoding="utf-8")
    (error,) = problems(manual)
    assert error.code == "bad_yaml" and error.line == 3


def test_a_bad_glossary_loads_nothing_at_all(glossary_manual):
    write_glossary(glossary_manual.root, LADO, LADO)
    errors = problems(glossary_manual)
    assert "duplicate_slug" in {e.code for e in errors}
    assert not ChapterVersion.objects.exists() and not Entry.objects.exists()


def test_a_word_belongs_to_one_entry(manual):
    manual.chapter("exploitation", "Text.\n")
    write_glossary(manual.root, LADO, CSE.replace("term: CSE", "term: designated officer"))
    errors = problems(manual)
    assert {e.code for e in errors} == {"shared_search_word"}


def test_synonyms_txt_may_not_repeat_a_glossary_word(glossary_manual):
    (glossary_manual.root / "synonyms.txt").write_text(
        "# vocabulary\nnudes = sexting\nlado = designated officer\n", encoding="utf-8"
    )
    (error,) = problems(glossary_manual)
    assert (error.path, error.line, error.code) == ("synonyms.txt", 3, "synonym_in_glossary")
    assert "'lado', 'designated officer'" in error.message and "delete this line" in error.message


def test_without_a_glossary_file_the_stored_glossary_is_left_alone(glossary_manual):
    glossary_manual.load()
    (glossary_manual.root / "glossary.yaml").unlink()
    glossary_manual.load()
    assert Entry.objects.count() == 3


def test_the_shipped_glossary_loads_and_covers_the_issues_abbreviations(sample_manual):
    terms = set(EntryVersion.objects.values_list("term", flat=True))
    for term in ["DSL", "LADO", "MASH", "CSE", "CCE", "s47", "HSB", "NRM", "SPOC", "CEOP", "IWF"]:
        assert term in terms
