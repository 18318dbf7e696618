"""Every saved state of a draft, kept: who saved it, when, and its fields' values.

A save (a button, or the desk's autosave while typing) records a revision when anything
changed; revisions can be compared and an earlier one restored. A save says which revision
it started from (`base`), and is refused when someone else saved after that (`newer_than`),
so nobody's work is overwritten unseen; the editor then merges (procedures.merging).

The interface is narrow so that any kind of draft can keep revisions: a model with a
`revisions` relation to a revision model like DraftRevision, and the list of its fields that
a revision keeps (`FIELDS`). Values are stored as JSON: a relation as its id, a many-to-many
as a sorted list of ids, a date as ISO text.
"""

import datetime
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from procedures.models import Draft, DraftRevision

# What a revision keeps of each kind of draft (not what publishing fills in).
FIELDS = {
    Draft: [
        "slug",
        "chapter_number",
        "title",
        "part",
        "body",
        "summary",
        "minor",
        "effective_date",
        "review_date",
        "related",
        "release",
        "withdraw",
        "withdrawn_reason",
        "replaced_by",
    ]
}
# A run of autosaves by one person on one desk keeps only its latest (the numbers still grow,
# so no one's base is mistaken for it); a button save, a restore and a merge are kept for ever.
SQUASHED = DraftRevision.Kind.AUTOSAVE


def fields_of(draft):
    return [type(draft)._meta.get_field(name) for name in FIELDS[type(draft)]]


def snapshot(draft) -> dict:
    """The draft's kept fields as JSON values."""
    values = {}
    for field in fields_of(draft):
        if field.many_to_many:
            chosen = getattr(draft, field.name).values_list("pk", flat=True) if draft.pk else []
            values[field.name] = sorted(chosen)
        elif field.is_relation:
            values[field.name] = getattr(draft, field.attname)
        else:
            value = getattr(draft, field.name)
            values[field.name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def from_form(draft, cleaned: dict, *, otherwise: dict) -> dict:
    """A form's cleaned data as revision values; a field the form could not clean takes its
    value from `otherwise`."""
    values = {}
    for field in fields_of(draft):
        if field.name not in cleaned:
            values[field.name] = otherwise.get(field.name)
            continue
        value = cleaned[field.name]
        if field.many_to_many:
            values[field.name] = sorted(obj.pk for obj in value)
        elif field.is_relation:
            values[field.name] = value.pk if value is not None else None
        elif isinstance(value, datetime.date):
            values[field.name] = value.isoformat()
        else:
            values[field.name] = value
    return values


def at_or_before(draft, number: int):
    """Revision `number`, or the nearest earlier one kept (autosaves are squashed)."""
    return draft.revisions.filter(number__lte=number).order_by("-number").first()


def apply(draft, values: dict) -> None:
    """Set the draft's fields (and, once saved, its many-to-many ones) from a revision's
    values; fields a revision did not keep are left as they are."""
    later = {}
    for field in fields_of(draft):
        if field.name not in values:
            continue
        value = values[field.name]
        if field.many_to_many:
            later[field.name] = value
        elif field.is_relation:
            setattr(draft, field.attname, value)
        else:
            setattr(draft, field.name, field.to_python(value))
    draft.save()
    for name, ids in later.items():
        getattr(draft, name).set(ids)


def start(draft):
    """A draft saved before its revisions were kept (or made outside the desk) starts its
    history with its present state, so the page showing it has a revision to start from."""
    if draft.pk and not draft.revisions.exists():
        with transaction.atomic():
            type(draft).objects.select_for_update().filter(pk=draft.pk).first()
            if not draft.revisions.exists():
                draft.revisions.create(
                    number=1, by=draft.created_by, at=draft.updated_at, values=snapshot(draft)
                )


def latest(draft):
    return draft.revisions.order_by("-number").first() if draft.pk else None


def latest_number(draft) -> int:
    found = latest(draft)
    return found.number if found else 0


def newer_than(draft, *, base: int, desk: str = ""):
    """The newest revision saved after `base` that this desk did not save itself (None when
    there is none: the save may go ahead)."""
    if draft.pk is None:
        return None
    newer = draft.revisions.filter(number__gt=base or 0).order_by("-number")
    if desk:
        newer = newer.exclude(desk=desk)
    return newer.first()


def record(draft, *, by, kind=DraftRevision.Kind.SAVE, desk="", restored_from=None):
    """After a save: keep the draft as it now stands as its next revision, unless nothing
    changed since the latest. Returns the latest revision."""
    values = snapshot(draft)
    with transaction.atomic():
        # With the draft locked, two saves take their numbers in turn.
        type(draft).objects.select_for_update().filter(pk=draft.pk).first()
        previous = latest(draft)
        if previous is not None and previous.values == values:
            if kind != SQUASHED and previous.kind == SQUASHED:
                # Saved with a button just after an autosave: keep it for good.
                previous.kind = kind
                previous.save(update_fields=["kind"])
            return previous
        number = (previous.number if previous else 0) + 1
        if (
            previous is not None
            and kind == SQUASHED
            and previous.kind == SQUASHED
            and previous.by_id == by.pk
            and previous.desk == desk
            and not previous.comments.exists()
        ):
            previous.delete()
        return draft.revisions.create(
            number=number,
            kind=kind,
            by=by,
            at=timezone.now(),
            values=values,
            desk=desk,
            restored_from=restored_from,
        )


def restore(draft, *, number: int, by, seen_latest: int):
    """Make revision `number` the draft's text again, as a new revision (nothing is lost:
    the one it replaces stays in the history). Refused (RevisionError) when someone saved
    after the history the person was looking at."""
    with transaction.atomic():
        draft = type(draft).objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise RevisionError("This draft has been published: it can no longer change.")
        if latest_number(draft) != seen_latest:
            newest = latest(draft)
            raise RevisionError(
                f"{newest.by} saved the draft at {timezone.localtime(newest.at):%H:%M} after you "
                "opened its history: look at the history again, then restore."
            )
        old = draft.revisions.filter(number=number).first()
        if old is None:
            raise RevisionError(f"There is no revision {number} of this draft.")
        apply(draft, old.values)
        draft.authors.add(by)
        return record(draft, by=by, kind=DraftRevision.Kind.RESTORE, restored_from=number)


class RevisionError(Exception):
    """Nothing was changed; the message says why."""


# --- showing revisions --------------------------------------------------------------------


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    shown: str  # the value in words


def shown_values(draft, values: dict) -> list[FieldValue]:
    """A revision's values in words, for people (a part's title, a chapter's slug)."""
    shown = []
    for field in fields_of(draft):
        if field.name not in values:
            continue
        value = values[field.name]
        if field.many_to_many or field.is_relation:
            ids = value if isinstance(value, list) else [value] if value else []
            names = {obj.pk: str(obj) for obj in field.related_model.objects.filter(pk__in=ids)}
            text = ", ".join(names.get(pk, f"(deleted {pk})") for pk in ids) or "-"
        elif isinstance(field, models.BooleanField):
            text = "Yes" if value else "No"
        elif isinstance(field, models.DateField) and value:
            day = datetime.date.fromisoformat(value)
            text = f"{day.day} {day:%B %Y}"
        else:
            text = value if value not in (None, "") else "-"
        shown.append(FieldValue(field.name, str(field.verbose_name).capitalize(), str(text)))
    return shown


def label_of(draft, name: str) -> str:
    return str(type(draft)._meta.get_field(name).verbose_name).capitalize()
