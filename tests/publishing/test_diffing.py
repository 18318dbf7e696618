"""The diff a practitioner reads: sections matched by anchor, words marked, not by colour alone."""

import datetime

from procedures.diffing import Side, diff_chapter, sections_of, words_diff
from procedures.rendering import render_markdown


def side(body, label="Version", **fields):
    values = dict(
        label=label,
        chapter_number="2.5",
        title="Online safety",
        part="2 Child protection concerns",
        effective_date=datetime.date(2024, 1, 1),
        html=render_markdown(body).html,
    )
    values.update(fields)
    return Side(**values)


OLD = """\
Opening words.

## Sexting {#sexting}

Incidents are recorded, not reported.

## Live streaming {#live-streaming}

Live streaming carries risks.

## Old section {#old}

Going away.
"""

NEW = """\
Opening words.

## Sharing nudes {#sexting}

Incidents are recorded and the DSL is told.

## Live streaming {#live-streaming}

Live streaming carries risks.

## Victim blaming {#victim-blaming}

Never blame the child.
"""


def test_words_added_and_removed_are_marked_with_words_not_only_colour():
    marked = words_diff("Incidents are recorded, not reported.", "Incidents are recorded.")
    assert marked == (
        "Incidents are "
        '<del class="app-diff__del"><span class="govuk-visually-hidden">Removed: </span>'
        'recorded, not reported.<span class="govuk-visually-hidden"> (end of removal)</span></del> '
        '<ins class="app-diff__ins"><span class="govuk-visually-hidden">Added: </span>'
        'recorded.<span class="govuk-visually-hidden"> (end of addition)</span></ins>'
    )


def test_sections_are_matched_by_anchor_and_each_gets_its_status():
    diff = diff_chapter(side(OLD), side(NEW))
    statuses = [(s.anchor, s.status) for s in diff.sections]
    assert statuses == [
        ("", "unchanged"),
        ("sexting", "changed"),
        ("live-streaming", "unchanged"),
        ("old", "removed"),
        ("victim-blaming", "added"),
    ]
    sexting = diff.sections[1]
    assert "Removed: </span>Sexting" in sexting.title_html
    assert "Added: </span>Sharing nudes" in sexting.title_html
    assert "the DSL is told." in "".join(sexting.blocks)
    assert [s.label for s in diff.changed_sections] == ["Changed", "Section removed", "New section"]
    assert diff.words_added > 0 and diff.words_removed > 0


def test_text_is_escaped_in_the_diff():
    diff = diff_chapter(side("Use `a < b` wisely.\n"), side("Use `a < b & c` wisely.\n"))
    html = "".join(diff.sections[0].blocks)
    assert "&lt;" in html and "&amp;" in html and "<b" not in html.replace("<br", "")


def test_long_unchanged_runs_are_summarised():
    paragraphs = [f"Paragraph {n} stays." for n in range(10)]
    before = "\n\n".join(paragraphs) + "\n"
    after = "\n\n".join(paragraphs[:5] + ["Paragraph 5 changed."] + paragraphs[6:]) + "\n"
    (section,) = diff_chapter(side(before), side(after)).sections
    html = "".join(section.blocks)
    assert "(4 unchanged paragraphs)" in html and "(3 unchanged paragraphs)" in html
    assert "Paragraph 4 stays." in html and "Paragraph 6 stays." in html


def test_details_around_the_text_are_compared():
    diff = diff_chapter(
        side("Text.\n", related=("bullying",)),
        side("Text.\n", chapter_number="2.6", title="Staying safe online", related=()),
    )
    assert [(d.label, d.before, d.after) for d in diff.details] == [
        ("Chapter number", "2.5", "2.6"),
        ("Title", "Online safety", "Staying safe online"),
        ("Related chapters", "bullying", "none"),
    ]
    assert diff.changed and not diff.changed_sections


def test_a_new_chapter_is_all_added():
    diff = diff_chapter(None, side(NEW))
    assert {s.status for s in diff.sections} == {"added"} and diff.words_removed == 0


def test_warning_boxes_and_tables_become_readable_paragraphs():
    body = "!!! warning\n    It is an offence.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    (section,) = sections_of(render_markdown(body).html)
    assert [block.text for block in section.blocks] == [
        "Warning It is an offence.",
        "A | B",
        "1 | 2",
    ]


REPORTING = "Report it to [Report Harmful Content]({}).\n"


def test_a_changed_link_address_is_a_change_even_when_the_words_stay():
    before = side(REPORTING.format("https://reportharmfulcontent.com/"))
    after = side(REPORTING.format("https://report-harmful-content.example/"))
    diff = diff_chapter(before, after)
    (section,) = diff.changed_sections
    html = "".join(section.blocks)
    assert "Link “Report Harmful Content” now goes to" in html
    assert "report-harmful-content.example" in html and "reportharmfulcontent.com" in html
    assert [(d.label, d.after) for d in diff.details] == [
        ("Links to new sites", "report-harmful-content.example")
    ]


def test_links_added_or_removed_are_named():
    before = side("Call [the police](tel:101) or [NSPCC](https://www.nspcc.org.uk/).\n")
    after = side("Call [the police](tel:101) or [Childline](https://www.childline.org.uk/).\n")
    (section,) = diff_chapter(before, after).changed_sections
    html = "".join(section.blocks)
    assert "New link “Childline” to" in html and "Link “NSPCC” to" in html
    assert "tel:101" not in html  # unchanged links are not repeated


def test_the_same_link_elsewhere_in_the_chapter_is_no_new_site():
    before = side("See [GOV.UK](https://www.gov.uk/a).\n")
    after = side("See [GOV.UK](https://www.gov.uk/b).\n")
    assert diff_chapter(before, after).details == []
