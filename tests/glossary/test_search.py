"""Search and the glossary: an entry the query names is a result, and the glossary's words are
the search synonyms for its terms (one list serves both)."""

import os
import time

import pytest
from django.test import override_settings

from search.query import parse_query

from .conftest import LADO, write_glossary

pytestmark = pytest.mark.django_db


def results(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("what is cse", "cse"),
        ("child sexual exploitation", "cse"),
        ("county lines", "cce"),
        ("significant harm threshold", "significant-harm"),
        ("LADO", "lado"),
    ],
)
def test_search_shows_the_glossary_entry_a_query_names(client, sample_manual, query, entry):
    html = results(client, query)
    assert 'id="glossary-results"' in html
    assert f'href="/glossary/#{entry}"' in html


def test_an_entry_the_reader_excludes_or_does_not_name_is_not_shown(client, sample_manual):
    assert "glossary-results" not in results(client, "sharing information without consent")
    assert "#cse" not in results(client, "child sexual exploitation -cse")


def test_glossary_words_expand_search_and_an_edited_file_is_used_at_once(tmp_path):
    (tmp_path / "synonyms.txt").write_text("zebra = striped horse\n", encoding="utf-8")
    path = write_glossary(tmp_path, LADO)
    with override_settings(SEARCH_SYNONYMS_FILE=tmp_path / "synonyms.txt"):
        alternatives = [p.text for p in parse_query("lado").concepts[0].alternatives]
        # "local authority designated officer" contains "designated officer": it finds no more.
        assert alternatives == ["lado", "designated officer"]
        assert [p.text for p in parse_query("zebra").concepts[0].alternatives] == [
            "zebra",
            "striped horse",
        ]
        path.write_text(path.read_text().replace("[designated officer]", "[allegations officer]"))
        later = time.time() + 5
        os.utime(path, (later, later))
        alternatives = [p.text for p in parse_query("lado").concepts[0].alternatives]
        assert alternatives == ["lado", "local authority designated officer", "allegations officer"]


def test_the_shipped_synonyms_file_repeats_no_glossary_word(settings, tmp_path):
    # The loader refuses a synonyms.txt that repeats a glossary word; the shipped pair loads.
    from manual.content import read_manual

    manual = read_manual(settings.BASE_DIR / "content")
    assert len(manual.glossary) >= 20
