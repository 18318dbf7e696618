"""The editor's live preview: markdownx posts the draft's text here (staff only)."""

import html
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from procedures import selectors
from procedures.rendering import render_markdown
from procedures.signals import preview_link_statuses

# A link of the sanitised HTML (render_markdown's output: every <a> is closed, none nested).
LINK = re.compile(r'<a\b([^>]*)\bhref="(https?://[^"]*)"([^>]*)>(.*?)</a>', re.S)


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
    """The sanitised page text (links that lead nowhere marked as broken, and those the link
    checker found broken, moved or withdrawn marked too), headed by the problems that would
    block publishing; the desk's script moves those to the list that stays in view above the
    text."""
    rendered = render_markdown(source, targets=selectors.link_targets(), mark_broken=True)
    page = marked_links(rendered.html)  # sanitised by render_markdown's allow-list
    if not rendered.problems:
        return page
    return format_html("{}{}", mark_safe(problem_list(rendered.problems)), mark_safe(page))


def marked_links(page: str) -> str:
    """Each external link that a receiver of `preview_link_statuses` knows to be broken,
    moved or withdrawn gets a class and, after it, words saying so (not colour alone)."""
    urls = {html.unescape(match.group(2)) for match in LINK.finditer(page)}
    if not urls:
        return page
    known = {}
    for _receiver, answer in preview_link_statuses.send(sender=render_preview, urls=urls):
        known.update(answer or {})
    if not known:
        return page

    def mark(match):
        status_note = known.get(html.unescape(match.group(2)))
        if status_note is None:
            return match.group(0)
        status, note = status_note
        before, after = match.group(1), match.group(3)
        if 'class="' in before:
            before = before.replace('class="', 'class="app-link-flagged ', 1)
        elif 'class="' in after:
            after = after.replace('class="', 'class="app-link-flagged ', 1)
        else:
            before += ' class="app-link-flagged"'
        link = f'<a{before}href="{match.group(2)}"{after}>{match.group(4)}</a>'
        return format_html(
            '{} <strong class="app-link-flag">(link checker: {}, {})</strong>',
            mark_safe(link),
            status,
            note,
        )

    return LINK.sub(mark, page)
