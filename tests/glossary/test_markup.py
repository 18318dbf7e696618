"""The first use of a glossary term in a chapter is marked: an <abbr> with its expansion
visible in the text and a link to the entry. Only the first, only whole words, never inside
headings, links, code or an existing abbreviation, and never HTML the sanitiser would change."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.markup import Term, mark_first_uses
from procedures.rendering import render_markdown, sanitise

TERMS = [
    Term("lado", "LADO", "local authority designated officer"),
    Term("cse", "CSE", "child sexual exploitation"),
    Term("s47", "s47", "section 47 enquiry"),
    Term("county-lines", "county lines"),
    Term("strategy-discussion", "strategy discussion"),
]
URL = "/glossary/"


def mark(markdown):
    return mark_first_uses(render_markdown(markdown).html, TERMS, glossary_url=URL)


def test_an_abbreviation_is_written_out_on_first_use_and_linked_to_its_entry():
    html = mark("Tell the LADO today. The LADO decides.")
    assert html == (
        '<p class="govuk-body">Tell the <a class="govuk-link" href="/glossary/#lado"><abbr>LADO'
        "</abbr> (local authority designated officer)</a> today. The LADO decides.</p>"
    )


def test_an_abbreviation_already_spelt_out_beside_it_is_not_spelt_out_twice():
    assert mark("Child sexual exploitation (CSE) is abuse.") == (
        '<p class="govuk-body">Child sexual exploitation (<a class="govuk-link" '
        'href="/glossary/#cse"><abbr>CSE</abbr></a>) is abuse.</p>'
    )
    assert "(local authority designated officer)</a>" not in mark(
        "The LADO (local authority designated officer) decides."
    )


def test_a_term_that_is_not_an_abbreviation_is_linked_as_written():
    html = mark("County lines gangs. Later, county lines again.")
    assert '<a class="govuk-link" href="/glossary/#county-lines">County lines</a> gangs' in html
    assert html.count("#county-lines") == 1


def test_whole_words_only_and_abbreviations_only_as_written():
    html = mark("cse and CSEs and LADOs and xs47 and s47b are not terms; the s47 is.")
    assert "#cse" not in html and "#lado" not in html
    assert html.count("<abbr>") == 1 and "<abbr>s47</abbr> (section 47 enquiry)" in html


def test_headings_links_code_and_existing_abbreviations_are_left_alone():
    html = mark(
        "## About the LADO {#lado}\n\n"
        "[LADO contacts](https://example.org/lado) and `LADO` and\n\n"
        "```\nLADO\n```\n\n"
        "Then the LADO."
    )
    assert html.count("#lado") == 1
    assert re.search(r"Then the <a [^>]*><abbr>LADO</abbr>", html)
    assert "<h2" in html and "About the LADO</h2>" in html
    existing = '<p class="govuk-body"><abbr>CSE</abbr> then CSE.</p>'
    assert mark_first_uses(existing, TERMS, glossary_url=URL) == (
        '<p class="govuk-body"><abbr>CSE</abbr> then <a class="govuk-link" '
        'href="/glossary/#cse"><abbr>CSE</abbr> (child sexual exploitation)</a>.</p>'
    )


def test_a_term_may_wrap_across_lines_and_is_never_found_inside_an_entity():
    html = mark("A strategy\ndiscussion is held.")
    assert (
        '<a class="govuk-link" href="/glossary/#strategy-discussion">strategy\ndiscussion</a>'
        in html
    )
    amp = [Term("amp", "amp", "ampere")]
    assert mark_first_uses("<p>A &amp; B</p>", amp, glossary_url=URL) == "<p>A &amp; B</p>"


def test_an_expansion_with_markup_characters_is_escaped():
    hostile = [Term("x", "XYZ", '<script>alert(1)</script> & "quotes"')]
    html = mark_first_uses("<p>XYZ</p>", hostile, glossary_url='/g"/')
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert 'href="/g&quot;/#x"' in html


def test_without_terms_the_html_is_unchanged():
    html = render_markdown("Tell the LADO.").html
    assert mark_first_uses(html, [], glossary_url=URL) == html


def strip_marks(html):
    """The text with the marks taken out again: what the reader would see without them."""
    html = re.sub(
        r" \((?:local authority designated officer|child sexual exploitation|section "
        r"47 enquiry)\)</a>",
        "</a>",
        html,
    )
    html = re.sub(
        r'<a class="govuk-link" href="/glossary/#[a-z0-9-]+">(?:<abbr>)?(.*?)(?:</abbr>)?</a>',
        r"\1",
        html,
        flags=re.S,
    )
    return html


PIECES = [
    "LADO", "CSE", "cse", "s47", "county lines", "County\nlines", "strategy discussion",
    "(", ")", "## ", "\n\n", "`", "```\n", "[", "](https://e.org/)", "<abbr>", "&amp;", "&",
    "<", ">", '"', "'", "*", "- ", "!!! warning\n    ", "LADO (local authority designated officer)",
    "child sexual exploitation (CSE)", "[[a|LADO]]", " ", "é", "\u00a0",
]  # fmt: skip
markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=80).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_chapter_text_stays_sanitised_and_only_gains_the_marks(source):
    stored = render_markdown(source).html
    marked = mark_first_uses(stored, TERMS, glossary_url=URL)
    assert sanitise(marked) == marked  # inside the allow-list, well formed as written
    assert strip_marks(marked) == strip_marks(stored)
    for term in TERMS:
        assert marked.count(f'href="/glossary/#{term.slug}"') <= 1
