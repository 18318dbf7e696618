"""Understanding what a reader typed: pure parsing, no database."""

import pytest

from procedures.text import words
from search.query import (
    EMPTY,
    MAX_CONCEPTS,
    MAX_LENGTH,
    ONLY_COMMON_WORDS,
    ONLY_EXCLUSIONS,
    parse_query,
)
from search.synonyms import parse_synonyms

SYNONYMS = parse_synonyms(
    """
    # comment
    cse = child sexual exploitation
    sexting = nudes = semi-nudes = youth produced sexual imagery
    s47 = section 47
    looked after child = child in care
    """
)


def parse(text):
    return parse_query(text, SYNONYMS)


def alternatives(query):
    return [[phrase.text for phrase in concept.alternatives] for concept in query.concepts]


def test_plain_words_become_concepts_without_common_words():
    query = parse("Grooming of a child")
    assert alternatives(query) == [["grooming"], ["child"]]
    assert query.ignored == ("of", "a")
    assert query.together.text == "grooming of a child"


def test_quoted_words_are_an_exact_phrase_without_synonyms():
    query = parse('"child sexual exploitation" signs')
    assert query.concepts[0].exact
    assert alternatives(query) == [["child sexual exploitation"], ["signs"]]


def test_minus_leaves_words_and_phrases_out():
    query = parse('online -bullying -"live streaming"')
    assert alternatives(query) == [["online"]]
    assert [p.text for p in query.exclusions] == ["bullying", "live streaming"]


def test_abbreviation_expands_to_its_full_name_and_back():
    assert alternatives(parse("cse")) == [["cse", "child sexual exploitation"]]
    assert alternatives(parse("Child Sexual Exploitation")) == [
        ["child sexual exploitation", "cse"]
    ]


def test_synonyms_match_singular_plural_and_hyphenation():
    assert alternatives(parse("semi-nude")) == [
        ["semi nude", "sexting", "nudes", "youth produced sexual imagery"]
    ]
    assert alternatives(parse("s.47"))[0] == ["s47", "section 47"]


def test_synonyms_that_contain_another_are_left_out_as_they_find_nothing_more():
    # "semi nudes" contains "nude": every section with it is found already
    assert alternatives(parse("nude")) == [["nude", "sexting", "youth produced sexual imagery"]]


def test_synonym_with_common_words_inside_is_recognised():
    assert alternatives(parse("a looked after child")) == [["looked after child", "child in care"]]


def test_typed_synonym_words_may_be_apart_but_hyphenated_ones_stay_together():
    assert parse("child sexual exploitation").concepts[0].typed.adjacent is False
    assert parse("semi-nudes").concepts[0].typed.adjacent is True


def test_hyphenated_words_are_searched_as_a_phrase():
    assert alternatives(parse("child-on-child abuse")) == [["child on child"], ["abuse"]]


def test_case_and_accents_are_folded():
    assert alternatives(parse("CAFÉ Naïve")) == [["cafe"], ["naive"]]
    assert words("Ｆｕｌｌ-width ﬁle") == ["full", "width", "file"]


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(a b) AND x OR y NOT z",
        "* : & | ! ( ) \\ % _ ' ;",
        '"unbalanced quote',
        '""',
        "child\x00abuse",
        "'; DROP TABLE procedures_section; --",
        "name:value col:(a OR b) ^start",
    ],
)
def test_special_characters_only_ever_separate_words(text):
    query = parse(text)
    for concept in query.concepts:
        for phrase in concept.alternatives:
            assert all(word.isalnum() for word in phrase.words), phrase


def test_unbalanced_quote_is_ignored():
    assert alternatives(parse('"victim blaming')) == [["victim"], ["blaming"]]


def test_null_bytes_and_control_characters_are_removed():
    query = parse("child\x00abuse\x07")
    assert alternatives(query) == [["child"], ["abuse"]]
    assert "\x00" not in query.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", EMPTY),
        ("   \t\n ", EMPTY),
        ("😀 🙈", EMPTY),
        ("!!! ??? ***", EMPTY),
        ("the and of", ONLY_COMMON_WORDS),
        ('"the of"', ONLY_COMMON_WORDS),
        ("-bullying", ONLY_EXCLUSIONS),
        ("- -", EMPTY),
    ],
)
def test_nothing_to_search_for_says_why(text, problem):
    query = parse(text)
    assert query.problem == problem
    assert not query.searchable


def test_other_scripts_are_kept_as_words():
    assert alternatives(parse("защита детей 儿童")) == [["защита"], ["детей"], ["儿童"]]


def test_long_query_is_shortened_at_a_word_and_says_so():
    query = parse("neglect " * 2000)
    assert query.shortened
    assert len(query.text) <= MAX_LENGTH
    assert query.text.endswith("neglect")
    assert alternatives(query) == [["neglect"]]


def test_many_different_words_are_capped():
    query = parse(" ".join(f"word{i}" for i in range(30)))
    assert len(query.concepts) == MAX_CONCEPTS
    assert query.shortened


def test_synonym_file_problems_are_reported_with_line_numbers():
    parsed = parse_synonyms("cse = child sexual exploitation\ncse = something\nlonely\na = = b\n")
    messages = [str(problem) for problem in parsed.problems]
    assert any(m.startswith("line 2:") and "already in another group" in m for m in messages)
    assert any(m.startswith("line 4:") and "empty member" in m for m in messages)
    assert len(parsed.groups) == 2
