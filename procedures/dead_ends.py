"""Dead ends: a sentence or list item that points the reader at something that is not there.

A practitioner who reads "if you are concerned, contact your safeguarding lead or email" and
finds no address has lost the route the text promised. Three shapes are found, each with its
line:

- a sentence ending in a pointing word (email, visit, see, contact, call) with nothing after
  it; "visit:" or "see:" is fine when the next paragraph or list gives what it announces;
- words that read as a link but are not one: "click here", "this page", "this link",
  "this website", "found here" ...;
- a sentence that only says "See <something>" with no link, address or number.

A line the check gets wrong is marked intended: `<!-- intended -->` (or
`<!-- intended: why -->`) at the end of the line the problem names. The renderer drops the
mark from the page (`without_marks`), so readers never see it.

Everything here is a single pass over the text with `str.find` and token loops, bounded by
the text's length: no regular expression that can backtrack.
"""

from dataclasses import dataclass, field

from procedures.problems import Problem
from procedures.source_checks import lines_outside_code

CODE = "dead_end"
MARK_START = "<!--"
MARK_END = "-->"
MARK_WORD = "intended"

POINTING = {"email", "e-mail", "visit", "see", "contact", "call"}
# A pointing word ends a sentence as an instruction after these ("... or email", "to call")
# and as a noun after others ("strangers making contact"), which is no dead end.
LEADS_IN = {
    "or", "and", "to", "please", "then", "either", "also", "should", "can", "must", "may",
    "could", "will", "you", "we", "first", "immediately", "directly", "just", "always", "now",
}  # fmt: skip
# "see" ends many a sentence as a verb of sight ("what they see"); it points after these.
SEE_LEADS_IN = {"please", "also", "information", "details", "guidance", "advice", "further"}
LINK_WORDS = {"page", "link", "website", "site"}  # after "this"
HERE_LEADS_IN = {
    "click", "tap", "press", "found", "available", "see", "visit", "read", "go", "download",
    "accessed", "listed",
}  # fmt: skip
# "this page" names the page itself after these ("on this page") or before these.
SELF_BEFORE = {"on", "in", "of", "at", "from", "throughout", "within", "across", "about"}
SELF_AFTER = {"is", "was", "shows", "lists", "explains", "describes", "sets", "covers", "has"}
# "See above" and "see section 3" point inside the manual.
INSIDE = {
    "above", "below", "section", "sections", "chapter", "chapters", "paragraph", "part",
    "appendix", "annex", "glossary", "table",
}  # fmt: skip
LINK = "\x01"  # stands for a link (or an autolink) in the masked text
ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "eg.", "ie."}
MAX_AUTOLINK = 500


@dataclass
class _Block:
    kind: str  # "text", "item" (list item), "heading" or "other" (tables, boxes' first lines)
    pieces: list = field(default_factory=list)  # (line number, text, intended)

    @property
    def text(self):
        return " ".join(text for _, text, _ in self.pieces)

    def line_at(self, offset):
        """The line holding the character at `offset` of `text`, and whether it is marked."""
        for number, text, intended in self.pieces:
            if offset <= len(text):
                return number, intended
            offset -= len(text) + 1
        number, _, intended = self.pieces[-1]
        return number, intended


@dataclass(frozen=True)
class _Token:
    word: str  # lower case, without the punctuation around it ("" for a link, number ...)
    start: int
    followable: bool  # a link, web or email address, or a phone number
    ends_sentence: bool
    colon: bool


def problems(source: str, first_line: int = 1) -> list[Problem]:
    """The dead ends in a markdown text, each with its line."""
    found = []
    blocks = _blocks(source, first_line)
    for index, block in enumerate(blocks):
        if block.kind not in ("text", "item"):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        found.extend(_block_problems(block, following))
    return found


def without_marks(source: str) -> str:
    """The text without its `<!-- intended -->` marks (the page does not show them)."""
    if MARK_START not in source:
        return source
    kept, position = [], 0
    end_of_mark, end_of_line = _Next(source, MARK_END), _Next(source, "\n")
    while True:
        start = source.find(MARK_START, position)
        if start == -1:
            break
        mark = _mark_end(source, start, end_of_mark, end_of_line)
        if mark is None:
            kept.append(source[position : start + len(MARK_START)])
            position = start + len(MARK_START)
            continue
        kept.append(source[position:start].rstrip(" \t"))
        position = mark
    kept.append(source[position:])
    return "".join(kept)


# --- blocks --------------------------------------------------------------------------------


class _Next:
    """The next place a needle occurs at or after a position, remembered: positions only move
    forward, so every character is looked at once however often it is asked."""

    def __init__(self, text, needle):
        self.text, self.needle = text, needle
        self.since, self.at = None, -1  # the last search: where it started, what it found

    def after(self, position):
        known = self.since is not None and self.since <= position
        if not (known and (self.at == -1 or self.at >= position)):
            self.since, self.at = position, self.text.find(self.needle, position)
        return self.at


def _mark_end(text, start, end_of_mark, end_of_line):
    """Where the intended mark starting at `start` ends, or None if it is not one."""
    word = start + len(MARK_START)
    while word < len(text) and text[word] in " \t":
        word += 1
    if not text.startswith(MARK_WORD, word):
        return None
    close = end_of_mark.after(word)
    line_end = end_of_line.after(word)
    if close == -1 or (line_end != -1 and line_end < close):
        return None
    return close + len(MARK_END)


def _blocks(source, first_line):
    """Paragraphs, list items and headings, with the lines they span. Fenced code and inline
    code are left out (source_checks.lines_outside_code)."""
    blocks, current, previous_number = [], None, None
    for number, raw in lines_outside_code(source, first_line):
        if previous_number is not None and number != previous_number + 1:
            current = None  # a fenced block stood between
        previous_number = number
        intended = _is_marked(raw)
        line = without_marks(raw).strip() if intended else raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("{:") or (line.startswith("[") and "]:" in line[:300]):
            continue  # an attribute list or a link definition: not text
        kind, text = _line_kind(line)
        if kind == "heading" or kind == "other":
            blocks.append(_Block(kind, [(number, text, intended)]))
            current = None
            continue
        if kind == "item" or current is None:
            current = _Block(kind)
            blocks.append(current)
        current.pieces.append((number, text, intended))
    return blocks


def _is_marked(line):
    start = line.find(MARK_START)
    while start != -1:
        if _mark_end(line, start, _Next(line, MARK_END), _Next(line, "\n")) is not None:
            return True
        start = line.find(MARK_START, start + 1)
    return False


def _line_kind(line):
    if line.startswith("#"):
        return "heading", line.lstrip("#").strip()
    if line.startswith(("|", "!!!")):
        return "other", line
    for marker in ("- ", "* ", "+ ", "• "):
        if line.startswith(marker):
            return "item", line[len(marker) :]
    digits = 0
    while digits < len(line) and digits < 10 and line[digits].isdigit():
        digits += 1
    if digits and line[digits : digits + 2] in (". ", ") "):
        return "item", line[digits + 2 :]
    if line.startswith(">"):
        return "text", line.lstrip("> ")
    return "text", line


# --- tokens --------------------------------------------------------------------------------


def _masked(text):
    """`text` with every link (`[[...]]`, `[text](url)`, `[text][ref]`, `<https://...>`)
    replaced by LINK and spaces, so offsets still match `text`."""
    chars = list(text)
    double_close, close = _Next(text, "]]"), _Next(text, "]")
    paren_close, angle_close = _Next(text, ")"), _Next(text, ">")

    def blank(start, end):
        chars[start] = LINK
        for position in range(start + 1, end):
            chars[position] = " "

    position = 0
    while position < len(text):
        char = text[position]
        if char == "[" and text.startswith("[[", position):
            # An unclosed one is the cross-link check's problem (procedures/cross_links.py):
            # it counts as a link here, so the text is not reported twice.
            end = double_close.after(position + 2)
            end = end + 2 if end != -1 else position + 2
            blank(position, end)
            position = end
            continue
        if char == "[":
            end = close.after(position + 1)
            after = text[end + 1 : end + 2] if end != -1 else ""
            if after in ("(", "["):
                final = (paren_close if after == "(" else close).after(end + 2)
                if final != -1:
                    blank(position, final + 1)
                    position = final + 1
                    continue
        if char == "<":
            end = angle_close.after(position + 1)
            inner = text[position + 1 : end] if 0 < end - position <= MAX_AUTOLINK else ""
            if inner and " " not in inner and (":" in inner or "@" in inner):
                blank(position, end + 1)
                position = end + 1
                continue
        position += 1
    return "".join(chars)


def _tokens(text):
    masked = _masked(text)
    tokens, position, length = [], 0, len(masked)
    while position < length:
        while position < length and masked[position].isspace():
            position += 1
        start = position
        while position < length and not masked[position].isspace():
            position += 1
        if start < position:
            tokens.append(_token(masked[start:position], start))
    return _numbers_joined(tokens)


def _token(raw, start):
    lowered = raw.lower()
    ends = raw.rstrip("'\"’”)]*_").endswith(("!", "?")) or (
        raw.rstrip("'\"’”)]*_").endswith(".") and lowered.strip("(*_") not in ABBREVIATIONS
    )
    word = lowered.strip("()[]{}'\"‘’“”.,;:!?*_•–—-")
    followable = (
        LINK in raw
        or word.startswith(("http://", "https://", "www."))
        or ("@" in word and "." in word.partition("@")[2])
        or _is_number(word)
    )
    return _Token(
        word=word,
        start=start,
        followable=followable,
        ends_sentence=ends,
        colon=raw.rstrip("*_").endswith(":"),
    )


def _is_number(word):
    """Three digits or more (999, 0800 1111, 116 123), but not a year such as 2024."""
    digits = sum(char.isdigit() for char in word)
    if len(word) == 4 and digits == 4 and word.startswith(("19", "20")):
        return False
    return digits >= 3


def _numbers_joined(tokens):
    """Phone numbers are written in groups ("0800 1111"): a group of digits next to another
    makes both followable."""
    digits = [bool(t.word) and t.word.replace("-", "").isdigit() for t in tokens]
    result = []
    for index, token in enumerate(tokens):
        beside = (index and digits[index - 1]) or (index + 1 < len(tokens) and digits[index + 1])
        if digits[index] and beside and not token.followable:
            token = _Token(token.word, token.start, True, token.ends_sentence, token.colon)
        result.append(token)
    return result


def _sentences(tokens):
    sentence = []
    for token in tokens:
        sentence.append(token)
        if token.ends_sentence:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


# --- the three shapes ------------------------------------------------------------------------


def _block_problems(block, following):
    text = block.text
    sentences = list(_sentences(_tokens(text)))
    found = []
    for index, sentence in enumerate(sentences):
        last_in_block = index == len(sentences) - 1
        for token, message in _sentence_dead_ends(sentence, last_in_block, following):
            line, intended = block.line_at(token.start)
            if not intended:
                found.append(_problem(message, line))
    return found


def _sentence_dead_ends(sentence, last_in_block, following):
    words = [token for token in sentence if token.word or token.followable]
    if not words:
        return
    pointer = _trailing_pointer(words, last_in_block, following)
    if pointer:
        yield pointer
    yield from _link_words_without_links(words)
    bare = _bare_see(words)
    if bare:
        yield bare


def _trailing_pointer(words, last_in_block, following):
    last = words[-1]
    if last.word not in POINTING:
        return None
    before = words[-2].word if len(words) > 1 else ""
    if last.word == "see":
        points = last.colon or before in SEE_LEADS_IN
    else:
        points = last.colon or len(words) == 1 or before in LEADS_IN
    if not points:
        return None
    if last.colon and last_in_block and _gives_something(following):
        return None
    ending = f"{before} {last.word}{':' if last.colon else ''}".strip()
    return last, f"'... {ending}' is followed by no address, link or number"


def _gives_something(block):
    """Does the block after "visit:" or "see:" give what it announces?"""
    if block is None or block.kind == "heading":
        return False
    if block.kind == "item":
        return True
    return any(token.followable for token in _tokens(block.text))


def _link_words_without_links(words):
    for index, token in enumerate(words):
        before = words[index - 1].word if index else ""
        after = words[index + 1].word if index + 1 < len(words) else ""
        if token.word == "here" and before in HERE_LEADS_IN:
            phrase = f"{before} here"
        elif token.word in LINK_WORDS and before == "this":
            two_before = words[index - 2].word if index > 1 else ""
            if two_before in SELF_BEFORE or after in SELF_AFTER:
                continue  # the page itself: "on this page", "this page is ..."
            phrase = f"this {token.word}"
        else:
            continue
        if any(later.followable for later in words[index + 1 :]):
            continue  # "this website (https://...)"
        yield token, f"'{phrase}' reads as a link, but nothing here is linked"


def _bare_see(words):
    first = words[0]
    if first.word != "see" or len(words) < 2:
        return None
    if any(token.followable or token.word in INSIDE for token in words):
        return None
    return first, "'See ...' names something to read but gives no link, address or number"


def _problem(message, line):
    return Problem(
        CODE,
        f"a dead end: {message}",
        "add what it points to (a [link](https://...), an email address or a phone number); "
        "if nothing is missing, end the line with <!-- intended -->",
        "body",
        line,
    )
