"""How the portal sees words (search, the glossary and the synonyms list alike): folded to
lowercase without accents, split on anything not a letter or digit. The query parser, the
synonyms list and the vocabulary all use these functions, so "Café", "cafe" and "CAFÉ" are one
word everywhere.
"""

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
# Control characters (null bytes included) never reach a database: they become spaces.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def fold(text: str) -> str:
    """Lowercase, accents on Latin letters removed (é -> e; other scripts keep their marks,
    so Russian й stays й), compatibility forms unified (ﬁ -> fi, full-width -> ASCII)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept, base = [], ""
    for char in decomposed:
        if unicodedata.combining(char):
            if base > "\u024f":  # beyond the Latin blocks
                kept.append(char)
            continue
        base = char
        kept.append(char)
    return unicodedata.normalize("NFKC", "".join(kept)).casefold()


# "s.47", "s.17": a letter and a number written with a dot are one word, as "s47" is (apart,
# the letter would be a stop word and PostgreSQL would search for any "47").
LETTER_DOT_NUMBER = re.compile(r"\b([^\W\d_])\.(\d+)\b")


def words(text: str) -> list[str]:
    return WORD.findall(LETTER_DOT_NUMBER.sub(r"\1\2", fold(text)))


def light_stem(word: str) -> str:
    """Singular and plural as one, for matching synonyms ("nude" is listed as "nudes").

    Deliberately crude: the backends do real English stemming of the text; this only has to
    make a typed word find its synonym group.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def clean(text: str) -> str:
    """Text safe to hand to any database: no control characters, no surrogates, NFC."""
    text = CONTROL.sub(" ", text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return unicodedata.normalize("NFC", text)


def phrase_key(phrase: tuple[str, ...]) -> tuple[str, ...]:
    """How members are compared: word by word, singular and plural alike."""
    return tuple(light_stem(word) for word in phrase)
