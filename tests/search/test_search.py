"""Searching the manual: what a practitioner notices. Every test runs on whichever database
the suite uses; the project's scripts run the suite on PostgreSQL and again on SQLite."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from procedures.content import ContentInvalid
from procedures.models import ChapterVersion, Section
from procedures.selectors import today
from search import index as search_index
from search.base import COUNT_LIMIT
from search.engine import PER_PAGE, search
from search.models import SearchDocument, SearchWord

pytestmark = pytest.mark.django_db

FILLER = (
    "Practitioners record what they see and hear, agree next steps with colleagues and keep "
    "the family informed where it is safe to do so. "
)


def body(*sections):
    """Markdown for ("Heading", "text") pairs; a None heading is text before any heading."""
    parts = []
    for heading, text in sections:
        if heading:
            parts.append(f"## {heading}\n")
        parts.append(f"{text}\n")
    return "\n".join(parts)


def anchors(results):
    return [f"{hit.slug}#{hit.anchor}" for hit in results.hits]


def test_results_are_sections_labelled_by_chapter_and_heading(manual):
    manual.chapter(
        "online-safety",
        body(("Sexting {#sexting}", "Sexting describes sharing sexual images."), ("Other", FILLER)),
        number="2.5",
        title="Online safety",
    )
    manual.load()
    results = search("sexting")
    hit = results.hits[0]
    assert results.total == 1
    assert (hit.chapter, hit.heading) == ("2.5 Online safety", "Sexting")
    assert hit.url == "/chapters/online-safety/#sexting"
    assert "<mark>Sexting</mark>" in hit.snippet


def test_text_before_the_first_heading_links_to_the_chapter(manual):
    manual.chapter("neglect", "Neglect is the persistent failure to meet needs.\n", number="2.1")
    manual.load()
    hit = search("persistent failure").hits[0]
    assert (hit.anchor, hit.heading, hit.url) == ("", "", "/chapters/neglect/")


def test_heading_match_outranks_body_match(manual):
    manual.chapter(
        "a-body",
        body(("Assessment", "Grooming grooming grooming is discussed at length. " + FILLER)),
        number="2.1",
    )
    manual.chapter(
        "b-heading", body(("Grooming", FILLER), ("Other", "Nothing here.")), number="2.2"
    )
    manual.load()
    assert anchors(search("grooming"))[0] == "b-heading#grooming"


def test_chapter_title_match_outranks_body_match_and_lands_on_its_opening(manual):
    manual.chapter(
        "mentions",
        body(("Assessment", "Private fostering private fostering. " + FILLER)),
        number="2.1",
    )
    manual.chapter(
        "private-fostering",
        body(("Definition", FILLER), ("Notifying", FILLER + "Tell the local authority.")),
        number="2.2",
        title="Private fostering",
    )
    manual.load()
    assert anchors(search("private fostering"))[:2] == [
        "private-fostering#definition",
        "private-fostering#notifying",
    ]


def test_words_in_order_outrank_words_close_by_which_outrank_scattered_words(manual):
    manual.chapter("scattered", body(("One", "Victim support. " + FILLER * 3 + "No blaming.")),
                   number="2.1")  # fmt: skip
    manual.chapter("close", body(("Two", FILLER + "Blaming a victim is harmful.")), number="2.2")
    manual.chapter("phrase", body(("Three", FILLER + "Victim blaming is harmful.")), number="2.3")
    manual.load()
    assert anchors(search("victim blaming")) == ["phrase#three", "close#two", "scattered#one"]


def test_all_words_are_required_when_some_sections_have_them_all(manual):
    manual.chapter("both", body(("One", "Neglect and poverty. " + FILLER)), number="2.1")
    manual.chapter("both-too", body(("Two", "Poverty, then neglect. " + FILLER)), number="2.2")
    manual.chapter("both-three", body(("Three", "Neglect; poverty. " + FILLER)), number="2.3")
    manual.chapter("one", body(("Four", "Neglect only. " + FILLER)), number="2.4")
    manual.load()
    results = search("neglect poverty")
    assert results.total == 3 and not results.some_words_only


def test_when_too_few_sections_have_every_word_those_with_most_follow(manual):
    manual.chapter("all", body(("One", "Neglect, poverty and housing. " + FILLER)), number="2.1")
    manual.chapter("two", body(("Two", "Neglect and poverty. " + FILLER)), number="2.2")
    manual.chapter("one", body(("Three", "Housing only. " + FILLER)), number="2.3")
    manual.load()
    results = search("neglect poverty housing")
    assert results.some_words_only and results.with_every_word == 1
    assert anchors(results) == ["all#one", "two#two", "one#three"]


def test_quoted_phrase_needs_the_words_together_in_order(manual):
    manual.chapter("a", body(("One", "Victim blaming is harmful. " + FILLER)), number="2.1")
    manual.chapter("b", body(("Two", "Blaming the victim is harmful. " + FILLER)), number="2.2")
    manual.load()
    assert anchors(search('"victim blaming"')) == ["a#one"]
    assert anchors(search('"blaming the victim"')) == ["b#two"]


def test_minus_leaves_sections_out(manual):
    manual.chapter("a", body(("One", "Online bullying. " + FILLER)), number="2.1")
    manual.chapter("b", body(("Two", "Online grooming. " + FILLER)), number="2.2")
    manual.chapter("c", body(("Three", "Online live streaming. " + FILLER)), number="2.3")
    manual.load()
    assert anchors(search('online -bullying -"live streaming"')) == ["b#two"]


@pytest.mark.parametrize("typed", ["groom", "grooming", "groomed", "GROOMS"])
def test_english_stemming_finds_other_forms_of_a_word(manual, typed):
    manual.chapter("a", body(("One", "Abusers groomed the child online. " + FILLER)), number="2.1")
    manual.load()
    assert anchors(search(typed)) == ["a#one"]


@pytest.mark.parametrize(("text", "typed"), [("Café culture", "CAFE"), ("naive adults", "naïve")])
def test_case_and_accents_do_not_matter(manual, text, typed):
    manual.chapter("a", body(("One", f"{text}. " + FILLER)), number="2.1")
    manual.load()
    assert anchors(search(typed)) == ["a#one"]


def test_abbreviations_and_full_names_find_each_other(manual):
    manual.chapter("full", body(("One", "Child sexual exploitation is abuse. " + FILLER)),
                   number="2.1")  # fmt: skip
    manual.chapter("short", body(("Two", "Signs of CSE in a school. " + FILLER)), number="2.2")
    manual.load()
    assert set(anchors(search("CSE"))) == {"full#one", "short#two"}
    assert anchors(search("cse"))[0] == "short#two"  # the reader's own word first
    assert set(anchors(search("child sexual exploitation"))) == {"full#one", "short#two"}
    assert "child sexual exploitation" in search("cse").also_searched_for


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("nudes", "youth produced sexual imagery"),
        ("sexting", "sharing nudes and semi-nudes"),
        ("county lines", "criminal exploitation"),
        ("CCE", "county lines"),
        ("DSL", "designated safeguarding lead"),
        ("designated safeguarding lead", "the DSL"),
        ("LADO", "local authority designated officer"),
        ("MASH", "multi-agency safeguarding hub"),
        ("FGM", "female genital mutilation"),
        ("s47", "section 47 enquiry"),
        ("section 47", "an s47 enquiry"),
    ],
)
def test_the_fields_vocabulary_expands_both_ways(manual, typed, written):
    manual.chapter("a", body(("One", f"About {written} here. " + FILLER)), number="2.1")
    manual.load()
    assert anchors(search(typed)) == ["a#one"], f"{typed!r} should find {written!r}"


def test_superseded_text_is_never_found(manual):
    manual.chapter("a", body(("One", "The old wording about zebras. " + FILLER)), number="2.1")
    manual.load()
    assert anchors(search("zebras")) == ["a#one"]
    manual.chapter(
        "a",
        body(("One", "The new wording about giraffes. " + FILLER)),
        number="2.1",
        version=2,
        effective=today() - datetime.timedelta(days=1),
        summary="Zebras replaced.",
    )
    manual.load()
    assert search("zebras").total == 0
    assert anchors(search("giraffes")) == ["a#one"]


def test_scheduled_version_is_searchable_from_its_effective_date_without_any_job(manual):
    manual.chapter("a", body(("One", "Current wording about zebras. " + FILLER)), number="2.1")
    start = today() + datetime.timedelta(days=30)
    manual.chapter(
        "a",
        body(("One", "Future wording about giraffes. " + FILLER)),
        number="2.1",
        version=2,
        effective=start,
        summary="Giraffes arrive.",
    )
    manual.load()
    assert search("giraffes").total == 0
    assert anchors(search("zebras")) == ["a#one"]
    assert anchors(search("giraffes", on=start)) == ["a#one"]
    assert search("zebras", on=start).total == 0
    assert anchors(search("zebras", on=start - datetime.timedelta(days=1))) == ["a#one"]


def test_withdrawn_chapter_is_not_found(manual):
    manual.chapter("a", body(("One", "Zebras. " + FILLER)), number="2.1")
    manual.load()
    manual.chapter(
        "a",
        "",
        number="2.1",
        version=2,
        summary="Withdrawn.",
        extra="withdrawn: true\nwithdrawn_reason: Merged elsewhere.\n",
    )
    manual.load()
    assert search("zebras").total == 0


def test_loading_updates_the_index_in_the_same_transaction(manual, monkeypatch):
    manual.chapter("a", body(("One", "Zebras. " + FILLER)), number="2.1")
    manual.load()
    documents, words = SearchDocument.objects.count(), SearchWord.objects.count()
    manual.chapter("b", body(("Two", "Giraffes. " + FILLER)), number="2.2")
    manual.chapter("c", body(("Three", "Okapis. " + FILLER)), number="2.3")
    calls = []
    real = search_index.index_version

    def index_then_fail(version):
        real(version)
        calls.append(version.chapter.slug)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(search_index, "index_version", index_then_fail)
    with pytest.raises(RuntimeError):
        manual.load()
    assert calls == ["b", "c"]  # chapter b was indexed before the failure...
    assert search("giraffes").total == 0  # ...and rolled back with it
    assert (SearchDocument.objects.count(), SearchWord.objects.count()) == (documents, words)
    monkeypatch.undo()
    manual.load()
    assert anchors(search("giraffes")) == ["b#two"]


def test_a_rejected_load_leaves_the_index_unchanged(manual):
    manual.chapter("a", body(("One", "Zebras. " + FILLER)), number="2.1")
    manual.load()
    manual.chapter("b", body(("Two", "Giraffes [[no-such-chapter]]. " + FILLER)), number="2.2")
    with pytest.raises(ContentInvalid):
        manual.load()
    assert search("giraffes").total == 0
    assert anchors(search("zebras")) == ["a#one"]


def test_snippets_escape_the_manuals_text_and_mark_matches(manual):
    manual.chapter(
        "a", body(("One", "Never write `<script>alert(1)</script>` near zebras. " + FILLER)),
        number="2.1",
    )  # fmt: skip
    manual.load()
    snippet = str(search("zebras").hits[0].snippet)
    # PostgreSQL's ts_headline drops tag-like text; SQLite keeps it, escaped. Never live HTML.
    assert "<script>" not in snippet and "alert(1)" in snippet
    assert "<mark>zebras</mark>" in snippet


def test_pages_of_results(manual):
    manual.chapter(
        "many",
        body(*[(f"Part {i} {{#part-{i}}}", f"Zebras number {i}. " + FILLER) for i in range(25)]),
        number="2.1",
    )
    manual.load()
    first, second = search("zebras"), search("zebras", page=2)
    assert (first.total, first.pages, len(first.hits)) == (25, 2, PER_PAGE)
    assert (second.page, len(second.hits), second.first_number) == (2, 5, 21)
    assert not set(anchors(first)) & set(anchors(second))
    assert search("zebras", page=99).page == 2  # past the end: the last page
    assert search("zebras", page=10**9).page == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("groming", "grooming"),
        ("sextortian", "sextortion"),
        ("safegarding", "safeguarding"),
        ("exploitaton", "exploitation"),
        ("refferal", "referral"),
        ("bulying", "bullying"),
        ("Radicalisaton", "radicalisation"),
    ],
)
def test_did_you_mean_offers_the_manuals_own_spelling(sample_manual, typed, expected):
    results = search(typed)
    assert results.total == 0 and results.suggestion == expected


def test_did_you_mean_corrects_only_the_misspelt_word(sample_manual):
    corrected = search("groming signs")
    assert corrected.suggestion == "grooming signs"
    assert search("grooming").suggestion == ""


def test_no_suggestion_when_nothing_better_is_known(sample_manual):
    assert search("xylophone").suggestion == ""


def test_rebuilding_the_index_gives_the_same_results(sample_manual):
    before = [anchors(search(q)) for q in ("cse", "county lines", "victim blaming")]
    words = SearchWord.objects.count()
    SearchDocument.objects.all().delete()
    assert search("cse").total == 0
    call_command("rebuild_search_index", verbosity=0)
    assert [anchors(search(q)) for q in ("cse", "county lines", "victim blaming")] == before
    assert SearchWord.objects.count() == words


def test_deleting_index_rows_empties_the_engines_own_index(sample_manual):
    SearchDocument.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM search_fts")
            assert cursor.fetchone()[0] == 0


def test_broad_query_counts_to_a_limit_and_still_puts_heading_matches_first(manual):
    sections = [(f"Part {i} {{#part-{i}}}", f"Zebras number {i}.") for i in range(1050)]
    sections[900] = ("Zebras {#zebras}", "Where zebras live.")
    manual.chapter("many", body(*sections), number="2.1")
    manual.load()
    results = search("zebras")
    assert results.more_than_counted and results.total == COUNT_LIMIT
    assert anchors(results)[0] == "many#zebras"  # far beyond the first matches, yet first
    assert 1 < results.pages <= COUNT_LIMIT // PER_PAGE
    last = search("zebras", page=10**6)
    assert last.page == results.pages and last.hits


def test_a_version_reopened_outside_the_loader_is_searchable_again(manual):
    # E.g. a scheduled version withdrawn before its day: the one before it is current again.
    manual.chapter("a", body(("One", "Zebras. " + FILLER)), number="2.1")
    manual.chapter(
        "a",
        body(("One", "Giraffes. " + FILLER)),
        number="2.1",
        version=2,
        effective=today() - datetime.timedelta(days=1),
        summary="Giraffes.",
    )
    manual.load()
    assert search("zebras").total == 0
    second = ChapterVersion.objects.get(chapter__slug="a", number=2)
    Section.objects.filter(version=second).delete()
    second.related.clear()
    second.delete()
    ChapterVersion.objects.filter(chapter__slug="a", number=1).update(valid_until=None)
    assert anchors(search("zebras")) == ["a#one"]
    assert search("giraffes").total == 0


@pytest.mark.postgres_only
def test_searches_read_a_large_table_from_its_start_so_the_first_matches_do_not_move():
    # A broad query's first 1,001 matches may be read by a sequential scan (postgres.py);
    # a synchronised scan would start where another search's scan stopped, and the count and
    # the candidates ranked would change from one search to the next.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "off"
