"""The editor's live preview: markdownx posts the draft's text here (staff only)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from procedures import selectors
from procedures.rendering import render_markdown


def render_preview(source: str) -> str:
    """The sanitised page text, headed by the problems that would block publishing."""
    rendered = render_markdown(source, targets=selectors.link_targets())
    if not rendered.problems:
        return rendered.html
    return format_html(
        '<div class="govuk-warning-text"><strong class="govuk-warning-text__text">'
        "This draft cannot be published until these are fixed:</strong></div>"
        '<ul class="govuk-list govuk-list--bullet">{}</ul>{}',
        format_html_join("", "<li>{}</li>", ((str(p),) for p in rendered.problems)),
        mark_safe(rendered.html),  # sanitised by render_markdown's allow-list
    )
