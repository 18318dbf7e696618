from procedures.rendering import LinkTarget, render_markdown

TARGETS = {
    "bullying": LinkTarget("bullying", "Bullying", frozenset({"cyberbullying"})),
}


def test_headings_get_stable_anchors_explicit_or_from_their_text():
    rendered = render_markdown(
        "## Grooming and the law {#grooming-law}\n\ntext\n\n## Live streaming\n\nmore\n"
    )
    assert [s.anchor for s in rendered.sections] == ["grooming-law", "live-streaming"]
    assert 'id="grooming-law"' in rendered.html
    assert 'id="live-streaming"' in rendered.html


def test_sections_carry_their_own_plain_text():
    rendered = render_markdown("Intro words.\n\n## Sexting {#sexting}\n\nNudes are *images*.\n")
    intro, sexting = rendered.sections
    assert intro.anchor == "" and intro.text == "Intro words."
    assert sexting.title == "Sexting"
    assert sexting.text == "Nudes are images."


def test_cross_link_uses_target_title_and_points_at_its_section():
    rendered = render_markdown(
        "See [[bullying]] and [[bullying#cyberbullying|online bullying]].\n", targets=TARGETS
    )
    assert (
        '<a class="govuk-link app-cross-link" href="/chapters/bullying/">Bullying</a>'
        in rendered.html
    )
    assert 'href="/chapters/bullying/#cyberbullying"' in rendered.html
    assert ">online bullying</a>" in rendered.html
    assert [(link.slug, link.anchor) for link in rendered.links] == [
        ("bullying", ""),
        ("bullying", "cyberbullying"),
    ]
    assert rendered.problems == ()


def test_unknown_cross_link_target_or_anchor_is_a_problem_with_its_line():
    rendered = render_markdown(
        "Text.\n\nSee [[bulying]].\n\nAnd [[bullying#nope]].\n", targets=TARGETS, first_line=10
    )
    assert [(p.line, p.code) for p in rendered.problems] == [
        (12, "unknown_chapter"),
        (14, "unknown_section"),
    ]
    assert "cyberbullying" in rendered.problems[1].fix  # the sections that do exist


def test_script_never_reaches_the_html_and_is_reported():
    source = (
        "Hello <script>alert(1)</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1))\n"
    )
    rendered = render_markdown(source)
    assert "<script" not in rendered.html
    assert "<img" not in rendered.html  # shown as text, never as an element with a handler
    assert 'href="javascript' not in rendered.html
    assert [(p.line, p.code) for p in rendered.problems] == [
        (1, "raw_html"),
        (3, "raw_html"),
        (5, "unsafe_link"),
    ]


def test_data_urls_are_stripped():
    rendered = render_markdown("[x](data:text/html;base64,PHNjcmlwdD4=)\n")
    assert "data:" not in rendered.html
    assert rendered.problems


def test_external_links_are_marked_and_safe_links_kept():
    rendered = render_markdown(
        "[GOV.UK](https://www.gov.uk/report-terrorism) and [mail](mailto:a@b.org)\n"
    )
    assert 'class="govuk-link app-external-link"' in rendered.html
    assert 'rel="external noopener noreferrer"' in rendered.html
    assert 'href="mailto:a@b.org"' in rendered.html


def test_warning_admonition_becomes_govuk_warning_text():
    rendered = render_markdown(
        "!!! warning\n    If a child is at immediate risk of harm contact the police.\n"
    )
    assert 'class="govuk-warning-text"' in rendered.html
    assert '<span class="govuk-visually-hidden">Warning</span> If a child' in rendered.html


def test_duplicate_anchor_is_a_problem():
    rendered = render_markdown("## One {#a}\n\nx\n\n## Two {#a}\n\ny\n")
    assert [(p.line, p.code) for p in rendered.problems] == [(5, "duplicate_anchor")]


def test_code_examples_may_show_html_as_text():
    rendered = render_markdown("Use `<br>` sparingly.\n")
    assert rendered.problems == ()
    assert "&lt;br&gt;" in rendered.html


def test_same_chapter_link_works_before_the_chapter_has_a_slug():
    # The editor's live preview renders a draft without knowing its chapter.
    rendered = render_markdown("See [[#later|below]].\n\n## Later {#later}\n\nText.\n", targets={})
    assert '<a class="govuk-link app-cross-link" href="#later">below</a>' in rendered.html
    assert rendered.problems == ()
    missing = render_markdown("See [[#nowhere]].\n", targets={})
    assert [p.code for p in missing.problems] == ["unknown_section"]
