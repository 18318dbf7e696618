"""The editor's live preview: markdownx posts the draft's text here (staff only)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from procedures import selectors
from procedures.rendering import render_markdown


def problem_list(problems, *, line_href="#id_body") -> str:
    """Problems as readable sentences, each with a link to its line of the text. `line_href`
    is where a line's link goes without JavaScript ({line} is filled in); with it,
    procedures/static/procedures/desk.js puts the cursor on the line."""
    items = []
    for problem in problems:
        if problem.line:
            link = format_html(
                '<a class="govuk-link" href="{}" data-app-line="{}">Line {}</a>: ',
                line_href.format(line=problem.line),
                problem.line,
                problem.line,
            )
        else:
            link = ""
        items.append((link, problem.sentence))
    return format_html(
        '<div class="app-problems" data-app-problem-count="{}">'
        '<h3 class="govuk-heading-s app-problems__title">'
        "This draft cannot be published until these are fixed</h3>"
        '<ul class="govuk-list">{}</ul></div>',
        len(items),
        format_html_join("", "<li>{}{}</li>", items),
    )


def text_problems(source: str):
    """The problems in a draft's text that would block publishing (for the desk's list)."""
    return render_markdown(source, targets=selectors.link_targets()).problems


def render_preview(source: str) -> str:
    """The sanitised page text (links that lead nowhere marked as broken), headed by the
    problems that would block publishing; the desk's script moves those to the list that
    stays in view above the text."""
    rendered = render_markdown(source, targets=selectors.link_targets(), mark_broken=True)
    if not rendered.problems:
        return rendered.html
    return format_html(
        "{}{}",
        mark_safe(problem_list(rendered.problems)),
        mark_safe(rendered.html),  # sanitised by render_markdown's allow-list
    )
