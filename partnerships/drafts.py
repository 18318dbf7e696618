"""What publishing a partnership draft would store now: its record, rendered text, problems
and what it is compared with. The admin form, the preview, the review and
`procedures.publishing.publish` all ask `prepare`, so what a publisher reviews is what gets
published, checked by the same rules (the versioning kit's, `partnerships.rules.check_local`,
and the contacts rules of the content reader)."""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import yaml

from procedures import selectors as manual
from procedures.content.source_text import load_yaml, yaml_line, yaml_problem
from procedures.models import Section
from procedures.problems import Problem
from procedures.rendering import Rendered
from procedures.versioning import carrying, rules

from . import selectors
from .models import ContactsVersion, LocalInformation, Partnership, PartnershipDraft
from .reading import _read_contacts
from .records import LocalRecord, contacts_text, details_hash, local_hash
from .rules import check_local

LOCAL = PartnershipDraft.Kind.LOCAL


@dataclass(frozen=True)
class Details:
    """A partnership's name, area and contacts (or the national contacts) as a version."""

    name: str
    area: str
    contacts_text: str
    contacts: tuple = ()
    summary: str = ""
    effective_date: datetime.date | None = None
    review_date: datetime.date | None = None
    no_review_reason: str = ""

    @property
    def source_hash(self):
        return details_hash(self.name, self.area, self.contacts_text)


@dataclass
class PreparedPartnership:
    draft: PartnershipDraft
    previous: LocalInformation | ContactsVersion | None
    record: LocalRecord | Details
    rendered: Rendered | None
    problems: list[Problem] = field(default_factory=list)
    # An urgent correction ahead of scheduled versions (procedures.versioning.carrying).
    corrects: object = None
    ahead_of: list = field(default_factory=list)

    @property
    def number(self):
        return (self.previous.number if self.previous else 0) + 1

    @property
    def source_hash(self):
        if isinstance(self.record, LocalRecord):
            return local_hash(self.record)
        return self.record.source_hash

    def identity(self):
        """What an approval is bound to (see `procedures.drafts.fingerprint`)."""
        return (
            self.draft.pk or 0,
            self.source_hash,
            f"{self.draft.kind}:{self.draft.partnership_id}:{self.draft.chapter_id}",
            self.record.summary,
            self.record.effective_date.isoformat(),
            f"{self.record.review_date or ''}:{self.record.no_review_reason}",
            [plan.identity() for plan in self.ahead_of],
        )

    def messages(self):
        return [f"{self.draft}: {problem}" for problem in self.problems]

    def as_local_information(self):
        """An unsaved version for showing the draft in the public local information box."""
        record = self.record
        return LocalInformation(
            partnership=self.draft.partnership,
            chapter=self.draft.chapter,
            number=self.number,
            effective_date=record.effective_date,
            summary=record.summary,
            section=record.section,
            review_date=record.review_date,
            source=record.body,
            html=self.rendered.html,
            text=self.rendered.text,
        )


def whose(partnership_id):
    if partnership_id is None:
        return "the national contacts"
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    return f"{partnership.name}'s content" if partnership else "that partnership's content"


def latest_local(partnership_id, chapter_id):
    return (
        LocalInformation.objects.of(partnership_id=partnership_id, chapter_id=chapter_id)
        .newest()
        .first()
    )


def latest_contacts(partnership_id):
    return ContactsVersion.objects.of(partnership_id=partnership_id).newest().first()


def chapter_anchors(chapter):
    """The anchors of the chapter's latest version (None when it has none)."""
    latest = manual.latest_version(chapter) if chapter is not None else None
    if latest is None:
        return None
    return set(
        Section.objects.filter(version=latest).exclude(anchor="").values_list("anchor", flat=True)
    )


def prepare(draft: PartnershipDraft) -> PreparedPartnership:
    if draft.kind == LOCAL:
        return _prepare_local(draft)
    return _prepare_contacts(draft)


def _prepare_local(draft):
    previous = latest_local(draft.partnership_id, draft.chapter_id)
    chapter = draft.chapter if draft.chapter_id else None
    record = LocalRecord(
        partnership=draft.partnership.slug if draft.partnership_id else "",
        chapter=chapter.slug if chapter else "",
        number=(previous.number if previous else 0) + 1,
        effective_date=draft.effective_date or manual.today(),
        summary=draft.summary.strip(),
        body=draft.body.strip("\n").replace("\r\n", "\n") + "\n",
        section=draft.section.strip(),
        review_date=draft.review_date,
        no_review_reason=draft.no_review_reason.strip(),
    )
    corrects, ahead_of = carrying.plan_for(previous, record)
    rendered, problems = check_local(
        record,
        anchors=chapter_anchors(chapter),
        previous=corrects or previous,
        contacts=selectors.contacts(draft.partnership) if draft.partnership_id else (),
    )
    problems += rules.review_date(record.review_date, record.no_review_reason, today=manual.today())
    if draft.partnership_id is None:
        problems.insert(0, Problem("no_partnership", "choose the partnership", field="partnership"))
    return PreparedPartnership(draft, previous, record, rendered, problems, corrects, ahead_of)


def _prepare_contacts(draft):
    national = draft.partnership_id is None
    previous = latest_contacts(draft.partnership_id)
    text = draft.body.replace("\r\n", "\n").strip("\n") + "\n"
    problems, contacts = [], ()
    try:
        raw = load_yaml(text) or []
    except yaml.YAMLError as error:
        problems.append(
            Problem(
                "bad_yaml", f"not valid YAML: {yaml_problem(error)}", field="body",
                line=yaml_line(error),
            )
        )  # fmt: skip
        raw = []
    if not isinstance(raw, list):
        problems.append(
            Problem(
                "not_a_list",
                "the contacts should be a list, each starting '- kind:'",
                field="body",
                line=1,
            )
        )
        raw = []
    errors = []
    contacts = tuple(_read_contacts(raw, "contacts", text, errors, national=national))
    problems += [Problem(e.code, e.message, field="body", line=e.line) for e in errors]
    name, area = draft.name.strip(), draft.area.strip()
    if not national:
        for key, value in (("name", name), ("area", area)):
            if not value:
                problems.append(
                    Problem("missing_field", f"the partnership's {key} is empty", field=key)
                )
    # Kept as the files write it, so a published version and its export read back alike.
    canonical = contacts_text(contacts, national=national) if not problems else text
    problems.extend(rules.missing_summary(draft.summary))
    problems.extend(
        rules.review_date(draft.review_date, draft.no_review_reason, today=manual.today())
    )
    record = Details(
        name=name, area=area, contacts_text=canonical, contacts=contacts,
        summary=draft.summary.strip(), effective_date=draft.effective_date or manual.today(),
        review_date=draft.review_date, no_review_reason=draft.no_review_reason.strip(),
    )  # fmt: skip
    later = SimpleNamespace(
        number=(previous.number if previous else 0) + 1, effective_date=record.effective_date
    )
    corrects, ahead_of = carrying.plan(
        previous,
        number=later.number,
        effective_date=later.effective_date,
        text=record.contacts_text,
        text_of=lambda version: version.contacts,
        mergeable=False,  # a person checks every number of a scheduled change again
    )
    if (problem := rules.follows(corrects or previous, later)) is not None:
        problems.append(problem)
    if previous is not None and previous.source_hash == record.source_hash:
        problems.append(
            Problem("nothing_changed", "nothing differs from the published contacts", field="body")
        )
    return PreparedPartnership(draft, previous, record, None, problems, corrects, ahead_of)
