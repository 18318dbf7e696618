"""Properties of the renderer for any text (issue 8, problem 4): it never raises, its HTML
stays inside the allow-list, and each text up to the limit is rendered within a deadline."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures.rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    SAFE_URL_SCHEMES,
    LinkTarget,
    render_markdown,
)

TARGETS = {"bullying": LinkTarget("bullying", "Bullying", frozenset({"cyberbullying"}))}
# Pieces of markdown (and of attacks on it) that text is made of, mixed with any characters.
PIECES = [
    "[[", "]]", "[", "]", "(", ")", "|", "#", "{#a}", "{: onclick=x}", "\n", "\n\n", "    ",
    "\t", "> ", "- ", "* ", "1. ", "*", "**", "_", "`", "```\n", "~~~", "<", ">", "&", "&#",
    "## ", "### ", "# ", "!!! warning\n", "!!! inset\n", "---\n", "|a|b|\n|-|-|\n", "\\",
    "bullying", "cyberbullying", "https://", "javascript:", "data:", "mailto:", "<script>",
    "[x](", "[x]: ", "\x00", "\x02", "\x03", "\u2028", "\ufeff", "é", " ", "word",
]  # fmt: skip
markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=200).map(
    "".join
)
any_text = st.one_of(st.text(max_size=3000), markdownish)
# Texts near the size limit: a small piece repeated to fill the bytes a version may hold.
LIMIT = 64 * 1024
near_the_limit = st.tuples(markdownish.filter(bool), st.integers(1, LIMIT)).map(
    lambda pair: (
        (pair[0] * (pair[1] // len(pair[0]) + 1)).encode("utf-8")[:LIMIT].decode("utf-8", "ignore")
    )
)
BOUNDED = settings(
    deadline=datetime.timedelta(seconds=3),
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class AllowList(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.outside = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.outside.append(tag)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | {"class"}
        for name, value in attrs:
            if name not in allowed:
                self.outside.append(f"{tag} {name}")
            elif name == "class" and not set(value.split()) <= ALLOWED_CLASSES.get(tag, set()):
                self.outside.append(f"{tag} class={value}")
            elif name == "href" and not safe_address(value):
                self.outside.append(f"{tag} href={value}")

    handle_startendtag = handle_starttag


def safe_address(href):
    # Browsers drop tabs, line breaks and leading spaces or controls before reading a scheme.
    cleaned = "".join(c for c in href if c not in "\t\n\r").lstrip("\x00\x01\x1f ")
    scheme = urlsplit(cleaned).scheme.lower()
    return not scheme or scheme in SAFE_URL_SCHEMES


def outside_the_allow_list(html):
    checker = AllowList()
    checker.feed(html)
    checker.close()
    return checker.outside


@BOUNDED
@given(source=any_text)
def test_any_text_renders_inside_the_allow_list(source):
    rendered = render_markdown(source, targets=TARGETS, slug="online-safety")
    assert outside_the_allow_list(rendered.html) == []
    for problem in rendered.problems:
        assert problem.code and (problem.line is None or problem.line >= 1)


@BOUNDED
@given(source=any_text)
def test_any_text_renders_without_checking_links(source):
    rendered = render_markdown(source)
    assert outside_the_allow_list(rendered.html) == []


@settings(BOUNDED, max_examples=25)
@given(source=near_the_limit)
def test_texts_up_to_the_limit_render_within_the_deadline(source):
    rendered = render_markdown(source, targets=TARGETS, max_bytes=LIMIT)
    assert outside_the_allow_list(rendered.html) == []


def test_the_allow_list_check_can_fail():
    assert outside_the_allow_list('<p onclick="x">a</p><script></script>') == [
        "p onclick",
        "script",
    ]
    assert outside_the_allow_list('<a href="java\tscript:alert(1)">x</a>') != []
