"""The synonyms list is data in content/: the shipped file is valid, problems are reported by
`manage.py check`, and edits take effect without a restart."""

import os
import time

from django.core.checks import run_checks
from django.test import override_settings

from search.query import parse_query
from search.synonyms import load_synonyms


def test_the_shipped_synonyms_list_has_no_problems_and_covers_the_fields_vocabulary():
    # The glossary's entries (content/glossary.yaml) are groups too: one list serves both.
    synonyms = load_synonyms()
    assert synonyms.problems == ()
    for pair in [
        ("cse", "child sexual exploitation"),
        ("cce", "county lines"),
        ("nudes", "youth produced sexual imagery"),
        ("sexting", "semi nudes"),
        ("dsl", "designated safeguarding lead"),
        ("lado", "local authority designated officer"),
        ("mash", "multi agency safeguarding hub"),
        ("fgm", "female genital mutilation"),
        ("s47", "section 47"),
    ]:
        first, second = (tuple(p.split()) for p in pair)
        assert synonyms.group_of(first) is synonyms.group_of(second) is not None, pair


def test_check_reports_problems_in_the_synonyms_file(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("cse = child sexual exploitation\ncse = something else\n", encoding="utf-8")
    with override_settings(SEARCH_SYNONYMS_FILE=path):
        messages = [m for m in run_checks() if m.id.startswith("search.")]
    assert {m.id for m in messages} == {"search.W003"}
    assert any("line 2" in m.msg and "already in another group" in m.msg for m in messages)


def test_check_reports_a_missing_synonyms_file(tmp_path):
    with override_settings(SEARCH_SYNONYMS_FILE=tmp_path / "missing.txt"):
        assert [m.id for m in run_checks() if m.id.startswith("search.")] == ["search.W001"]
        assert load_synonyms().groups == ()  # and search carries on without synonyms


def test_an_edited_file_is_used_without_a_restart(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("zebra = striped horse\n", encoding="utf-8")
    with override_settings(SEARCH_SYNONYMS_FILE=path):
        assert [p.text for p in parse_query("zebra").concepts[0].alternatives] == [
            "zebra",
            "striped horse",
        ]
        path.write_text("zebra = okapi relative\n", encoding="utf-8")
        later = time.time() + 5
        os.utime(path, (later, later))
        assert [p.text for p in parse_query("zebra").concepts[0].alternatives] == [
            "zebra",
            "okapi relative",
        ]
