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
        '<div class="app-problems" role="region" aria-labelledby="app-problems-title">'
        '<h2 class="govuk-heading-s app-problems__title" id="app-problems-title">'
        "This draft cannot be published until these are fixed</h2>"
        '<ul class="govuk-list">{}</ul></div>',
        format_html_join("", "<li>{}{}</li>", items),
    )


def render_preview(source: str) -> str:
    """The sanitised page text, headed by the problems that would block publishing."""
    rendered = render_markdown(source, targets=selectors.link_targets())
    if not rendered.problems:
        return rendered.html
    return format_html(
        "{}{}",
        mark_safe(problem_list(rendered.problems)),
        mark_safe(rendered.html),  # sanitised by render_markdown's allow-list
    )
