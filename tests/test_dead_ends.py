"""Dead ends (procedures/dead_ends.py): a sentence or list item that points at something that
is not there is a problem with its line, like every other problem of the text; a line marked
<!-- intended --> is not, and the mark never shows."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from procedures import dead_ends
from procedures.admin.preview import render_preview
from procedures.content import ContentInvalid
from procedures.models import ChapterVersion
from procedures.rendering import render_markdown

# The page Online safety was copied from, as it was saved (tests cannot read outside the
# repository). Its five dead ends: "... or email" with no address (line 75), "(See Safety
# features on social networks ...)" with no link (77), "this page can ... help you" with no
# link (117), "visit:" with nothing after it (120), and the printed-on footer's "refer back to
# this website (" whose address was lost (126).
SEED = (Path(__file__).parent / "fixtures" / "online_safety_seed.txt").read_text(encoding="utf-8")
SEED_DEAD_ENDS = {75, 77, 117, 120, 126}


def dead_end_lines(text, first_line=1):
    return [
        p.line
        for p in render_markdown(text, first_line=first_line).problems
        if p.code == "dead_end"
    ]


def test_each_of_the_seeds_five_dead_ends_is_found_on_its_line():
    assert set(dead_end_lines(SEED)) == SEED_DEAD_ENDS
    assert len(dead_end_lines(SEED)) == 5


def test_the_seed_line_pointing_to_a_list_is_not_a_dead_end():
    lines = SEED.splitlines()
    assert lines[114] == "For further information see:"  # line 115, followed by its list
    assert 115 not in dead_end_lines(SEED)


@pytest.mark.parametrize(
    "text",
    [
        "If a child is at immediate risk of harm contact the police.",
        "If a child is in immediate danger, call 999.",
        "Children can call Childline on 0800 1111 at any time.",
        "Protect personal information and avoid strangers making contact.",
        "Children may be upset by what they see.",
        "For more information, see [[bullying]].",
        "For more information see [the advice](https://www.gov.uk/guidance/x).",
        "If you are concerned, email [help@nspcc.org.uk](mailto:help@nspcc.org.uk).",
        "Report it to the police: see below.",
        "See [[referrals]] for how to refer.",
        "(See above.)",
        "The contacts on this page are national.",
        "This page explains what to do.",
        "Read [the guidance here](https://www.gov.uk/guidance/x).",
        "For hate crime visit: <https://www.report-it.org.uk/>",
        "Visit www.report-it.org.uk to report hate crime.",
        "For further information see:\n\n- the NSPCC helpline\n- Childline\n",
        "For advice call:\n\n0808 800 5000 (NSPCC helpline).",
        "It may be time to call for help or advice.",
        "## Who to contact\n\nYour designated safeguarding lead.",
        "Keep a note of the usernames, e.g. see the profile page of each account.",
    ],
)
def test_a_sentence_that_gives_what_it_points_to_is_not_a_dead_end(text):
    assert dead_end_lines(text) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Speak to your lead or email", 1),
        ("Intro.\n\nIf you are worried\nabout a child, please call.", 4),
        ("Hate crime is a crime. For more information visit:\n\n## Next section", 1),
        ("For further information see:\n\nThe national guidance.", 1),
        ("- Report Remove: this page can help remove an image.", 1),
        ("To report it, click here.", 1),
        ("Content can be reported to platforms. (See Safety features on social networks).", 1),
        ("The guidance is found here.", 1),
    ],
)
def test_a_pointer_with_nothing_after_it_is_a_dead_end_on_its_line(text, line):
    assert dead_end_lines(text) == [line]


def test_the_line_is_the_files_line():
    assert dead_end_lines("Intro.\n\nContact your lead or email", first_line=12) == [14]


def test_a_line_marked_intended_is_not_a_problem_and_the_mark_is_not_shown():
    text = "Ask your lead whom to contact. <!-- intended: local numbers are in the box below -->\n"
    rendered = render_markdown(text)
    assert rendered.problems == ()
    assert "intended" not in rendered.html
    assert "&lt;!--" not in rendered.html
    assert "Ask your lead whom to contact.</p>" in rendered.html


def test_a_mark_on_another_line_does_not_excuse_this_one():
    text = "Intro. <!-- intended -->\nSpeak to your lead or email\n"
    assert dead_end_lines(text) == [2]


def test_a_comment_that_is_not_the_mark_still_shows_as_text():
    # Only the mark is understood; other raw HTML stays visible, as before.
    assert "&lt;!-- note --&gt;" in render_markdown("Text <!-- note -->").html


def test_the_mark_is_removed_only_where_it_opens_and_closes_on_one_line():
    assert dead_ends.without_marks("a <!-- intended -->\nb") == "a\nb"
    assert dead_ends.without_marks("a <!-- intended\n-->") == "a <!-- intended\n-->"
    assert dead_ends.without_marks("<!--<!-- intended -->x") == "<!--x"


def test_the_desk_preview_lists_a_dead_end_with_its_line(db):
    page = render_preview("Intro.\n\nSpeak to your lead or email\n")
    assert "This draft cannot be published until these are fixed" in page
    assert 'data-app-line="3"' in page
    assert "a dead end" in page.lower()


def test_loading_refuses_a_dead_end_in_a_version_taking_effect_from_today(manual):
    manual.chapter(
        "bullying",
        "## About {#about}\n\nTell your lead or email\n",
        effective=timezone.localdate(),
    )
    with pytest.raises(ContentInvalid) as refused:
        manual.read()
    (error,) = refused.value.errors
    assert (error.path, error.line, error.code) == ("chapters/bullying/v1.md", 13, "dead_end")
    assert "<!-- intended -->" in error.message


def test_a_version_in_force_before_today_is_loaded_with_its_dead_ends_noted(manual, db, capsys):
    # Published already (its effective date has passed): its text cannot change any more.
    manual.chapter("bullying", "## About {#about}\n\nTell your lead or email\n")
    call_command("load_content", str(manual.root))
    assert "chapters/bullying/v1.md, line 13: a dead end" in capsys.readouterr().out
    assert ChapterVersion.objects.filter(chapter__slug="bullying").count() == 1


def test_loading_keeps_history_with_a_dead_end_and_notes_it(manual, db, capsys):
    future = timezone.localdate() + datetime.timedelta(days=30)
    manual.chapter("bullying", "## About {#about}\n\nTell your lead or email\n", effective=future)
    manual.chapter(
        "bullying",
        "## About {#about}\n\nTell your lead.\n",
        version=2,
        summary="Fixed.",
        effective=future,
    )
    call_command("load_content", str(manual.root))
    output = capsys.readouterr().out
    assert "chapters/bullying/v1.md, line 13: a dead end" in output
    assert ChapterVersion.objects.filter(chapter__slug="bullying").count() == 2
