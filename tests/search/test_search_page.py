"""The /search/ page: what a reader sees, and that no input ever breaks it. Runs on whichever
database the suite uses (the scripts run it on PostgreSQL and on SQLite)."""

import random
import re

import pytest
from django.utils.html import escape

from manual.views import page_number
from search import engine
from search.query import MAX_LENGTH

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_results_page_shows_count_highlighted_sections_and_keeps_the_query(client, sample_manual):
    page = get(client, q="county lines")
    assert "<h1" in page and "Search results" in page
    assert re.search(r"<strong>\d+</strong> results? for ‘<strong>county lines</strong>’", page)
    assert 'href="/chapters/child-criminal-exploitation/#county-lines"' in page
    assert "2.3 Child Criminal Exploitation" in page and "County lines</a>" in page
    assert "<mark>" in page
    assert 'name="q" type="search" value="county lines"' in page  # the header box
    assert "<title>Search results for ‘county lines’" in page
    assert "Also searched for:" in page and "criminal exploitation" in page


def test_no_results_page_gives_advice_and_did_you_mean(client, sample_manual):
    page = get(client, q="groming")
    assert "No results" in page and "There are no matching results" in page
    assert "checking the spelling" in page
    assert 'Did you mean <a class="govuk-link" href="?q=grooming">grooming</a>?' in page


def test_partial_results_are_explained(client, sample_manual):
    page = get(client, q="zebras county lines")
    assert "No section contains all of your words" in page


def test_pagination_links_keep_the_query(client, manual):
    sections = "".join(f"## Part {i} {{#part-{i}}}\n\nZebras {i}.\n\n" for i in range(45))
    manual.chapter("many", sections, number="2.1")
    manual.load()
    page = get(client, q="zebras", page="2")
    assert 'class="govuk-pagination"' in page
    assert 'href="?q=zebras&amp;page=3"' in page and 'rel="next"' in page
    assert 'href="?q=zebras"' in page and 'rel="prev"' in page
    assert 'aria-current="page">2</a>' in page
    assert "Showing 21 to 40 of <strong>45</strong> results" in page
    assert "(page 2 of 3)" in page


def test_pagination_marks_gaps_with_an_ellipsis(client, manual):
    sections = "".join(f"## Part {i} {{#part-{i}}}\n\nZebras {i}.\n\n" for i in range(150))
    manual.chapter("many", sections, number="2.1")
    manual.load()
    page = get(client, q="zebras", page="4")
    numbers = re.findall(r'aria-label="Page (\d+)"', page)
    assert numbers == ["1", "3", "4", "5", "8"]
    assert page.count("govuk-pagination__item--ellipsis") == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 3 ", 3),
        ("0", 1),
        ("-1", 1),
        ("-99999", 1),
        ("abc", 1),
        ("1.5", 1),
        ("1e3", 1),
        ("99999999999999999999999999999", 1),
        ("12\x00", 1),
    ],
)
def test_page_numbers_that_are_not_whole_positive_numbers_mean_page_one(raw, expected):
    assert page_number(raw) == expected


@pytest.mark.parametrize("page", ["-1", "0", "abc", "999999999999", "10" * 40, "%00", "1;DROP"])
def test_odd_page_numbers_still_show_results(client, sample_manual, page):
    assert "County lines</a>" in get(client, q="county lines", page=page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Enter a word or phrase"),
        ("    ", "Enter a word or phrase"),
        ("the of and", "only very common words"),
        ("-bullying", "only said what to leave out"),
        ("😀🙈", "Enter a word or phrase"),
    ],
)
def test_nothing_to_search_for_gets_a_clear_answer(client, sample_manual, query, expected):
    assert expected in get(client, q=query)


def test_no_query_at_all_gets_a_clear_answer(client, sample_manual):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Enter a word or phrase" in response.content.decode()


def test_a_very_long_query_is_shortened_and_the_reader_told(client, sample_manual):
    page = get(client, q="grooming " * 1200)  # about 10,000 characters
    assert f"only its first {MAX_LENGTH} characters" in page
    assert "Grooming</a>" in page


SPECIAL = [
    '"',
    '"""',
    '"victim blaming',
    'victim" blaming"',
    "NEAR(victim blaming)",
    "victim NEAR blaming",
    "grooming AND OR NOT",
    "NOT grooming",
    "grooming*",
    "*",
    "gro*ming",
    "title:grooming",
    "{heading}: grooming",
    "grooming & online | !abuse",
    "!!grooming",
    "(grooming",
    "grooming)",
    "((()))",
    "\\",
    "grooming\\",
    "50% of children",
    "%",
    "_",
    "grooming_online",
    "'",
    "O'Brien's",
    "';--",
    "'; DROP TABLE procedures_section; --",
    "<script>alert(1)</script>",
    "grooming\x00online",
    "\x00",
    "\x00\x01\x02\x7f",
    "grooming 😀",
    "🧒🏽‍🦱",
    "защита детей",
    "儿童保护",
    "حماية الطفل",
    "\u200b\u200d\ufeff",
    "\ue000grooming\ue001",
    "a" * 10_000,
    "grooming " * 1_111,
    "-",
    "--grooming",
    "- grooming",
    "^grooming",
    "grooming:*",
    "'grooming':A",
    "grooming <-> online",
    "grooming <2> online",
    "$1",
    "%s %(x)s {0}",
]


@pytest.mark.parametrize("query", SPECIAL, ids=[repr(q)[:40] for q in SPECIAL])
def test_characters_that_mean_something_to_a_search_engine_never_break_the_page(
    client, sample_manual, query
):
    page = get(client, q=query)
    assert "Search results" in page
    assert "<script>alert" not in page


def test_the_readers_text_is_escaped_everywhere_it_is_shown(client, sample_manual):
    page = get(client, q='<img src=x onerror=alert(1)> grooming"')
    assert "<img src=x" not in page
    assert escape("<img src=x onerror=alert(1)>") in page


def test_random_input_never_breaks_search(sample_manual):
    pieces = [
        *"\"'-*:^(){}[]&|!\\%_.,;+~<>=@#$/\x00\t\n",
        " ",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "grooming",
        "cse",
        "the",
        "😀",
        "é",
        "儿",
        "\ue000",
        "\ue001",
        "s47",
    ]
    chooser = random.Random(20261126)
    for _ in range(300):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 25)))
        results = engine.search(text, page=chooser.randint(1, 3))
        for hit in results.hits:
            assert "\ue000" not in hit.snippet and "\ue001" not in hit.snippet


def test_a_broad_search_says_more_than_it_counted(client, manual):
    sections = "".join(f"## Part {i} {{#part-{i}}}\n\nZebras {i}.\n\n" for i in range(1050))
    manual.chapter("many", sections, number="2.1")
    manual.load()
    page = get(client, q="zebras")
    assert "of more than <strong>1,000</strong> results for" in page
    assert "The most relevant are shown first" in page
