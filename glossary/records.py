"""A glossary entry as read from content/glossary.yaml: plain records, no database."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

ENTRY_FIELDS = ("slug", "versions")
VERSION_FIELDS = (
    "version",
    "effective",
    "summary",
    "term",
    "expansion",
    "definition",
    "synonyms",
    "withdrawn",
)


@dataclass(frozen=True)
class TermVersion:
    number: int
    effective_date: datetime.date
    summary: str
    term: str
    expansion: str = ""
    definition: str = ""
    synonyms: tuple[str, ...] = ()
    withdrawn: bool = False
    html: str = ""
    text: str = ""
    line: int = 0

    @property
    def source_hash(self):
        """What identifies the version: the words as written, so loading twice changes
        nothing and a changed stored version is caught."""
        words = {
            "effective": self.effective_date.isoformat(),
            "summary": self.summary,
            "term": self.term,
            "expansion": self.expansion,
            "definition": self.definition,
            "synonyms": list(self.synonyms),
            "withdrawn": self.withdrawn,
        }
        return hashlib.sha256(json.dumps(words, sort_keys=True).encode()).hexdigest()

    def stored_fields(self):
        return {
            "number": self.number,
            "change": "withdrawn" if self.withdrawn else ("new" if self.number == 1 else "updated"),
            "effective_date": self.effective_date,
            "summary": self.summary,
            "term": self.term,
            "expansion": self.expansion,
            "definition": self.definition,
            "html": self.html,
            "text": self.text,
            "synonyms": list(self.synonyms),
            "source_hash": self.source_hash,
        }


@dataclass(frozen=True)
class TermRecord:
    slug: str
    versions: tuple[TermVersion, ...] = field(default=())
    path: str = "glossary.yaml"
    line: int = 0

    @property
    def latest(self):
        return self.versions[-1]
