"""What stops a version from being loaded or published, as data.

Every check (the content reader, the admin form, publishing, the renderer) reports a `Problem`:
a stable `code` that tests and code branch on, the `field` it concerns (so the admin shows it
next to that field), the `line` of the text when it points at one, and words for a person:
what is wrong and what to do about it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str  # what is wrong, in words a procedures manager reads
    fix: str = ""  # what to do about it
    field: str = ""  # the VersionRecord field it concerns; "" for the version as a whole
    line: int | None = None  # line of the chapter text, when it points at one

    def __str__(self):
        text = f"{self.message}; {self.fix}" if self.fix else self.message
        return f"line {self.line}: {text}" if self.line else text

    @property
    def sentence(self):
        """The problem without its line, capitalised, for showing next to a form field."""
        text = f"{self.message}; {self.fix}" if self.fix else self.message
        return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", ")")) else ".")
