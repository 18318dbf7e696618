"""The versioning kit every kind is made of: one version model and QuerySet, one way to store
the next version, one set of rules with one wording each."""

import datetime

import pytest

from glossary.models import EntryVersion
from partnerships.models import ContactsVersion, LocalInformation
from procedures.merging import merge3
from procedures.models import ChapterVersion
from procedures.versioning import rules
from procedures.versioning.models import DraftBase, Version
from procedures.versioning.storing import VersionConflict, store_next

TODAY = datetime.date.today()


def test_every_versioned_kind_is_the_one_version_model():
    for kind in (ChapterVersion, LocalInformation, ContactsVersion, EntryVersion):
        assert issubclass(kind, Version), kind
        names = {f.name for f in kind._meta.get_fields()}
        assert {
            "number", "effective_date", "valid_until", "change", "summary", "review_date",
            "no_review_reason", "source_hash", "published_at", "published_by",
        } <= names  # fmt: skip
    from partnerships.models import PartnershipDraft
    from procedures.models import Draft

    assert issubclass(Draft, DraftBase) and issubclass(PartnershipDraft, DraftBase)


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def entry(db):
    from glossary.models import Entry

    return Entry.objects.create(slug="lado")


def store(entry, number, effective, **extra):
    values = {
        "number": number,
        "change": "new" if number == 1 else "updated",
        "effective_date": effective,
        "summary": f"Version {number}.",
        "term": "LADO",
        "source_hash": str(number),
        "published_at": datetime.datetime.now(datetime.UTC),
    }
    return store_next(EntryVersion, scope={"entry": entry}, values=values, **extra)


def test_storing_the_next_version_closes_the_one_before_and_the_queryset_names_the_reads(entry):
    first = store(entry, 1, day(-30)).version
    second = store(entry, 2, day(10)).version
    first.refresh_from_db()
    assert first.valid_until == day(10) and second.valid_until is None
    versions = EntryVersion.objects.of(entry=entry)
    assert list(versions.current()) == [first]
    assert list(versions.scheduled()) == [second]
    assert list(versions.newest()) == [second]
    assert list(versions.valid_on(day(10))) == [second]
    assert list(versions.in_effect_by(TODAY)) == [first]


def test_a_version_must_follow_the_newest_in_number_and_date(entry):
    store(entry, 1, day(-30))
    with pytest.raises(VersionConflict, match="cannot follow version 1"):
        store(entry, 3, day(-1))
    with pytest.raises(VersionConflict, match="before version 1"):
        store(entry, 2, day(-31))


def test_going_ahead_of_a_scheduled_version_moves_it_out_of_the_way(entry):
    first = store(entry, 1, day(-30)).version
    scheduled = store(entry, 2, day(10)).version
    stored = store(entry, 3, TODAY, ahead_of_schedule=True)
    assert stored.moved == [scheduled]
    scheduled.refresh_from_db()
    first.refresh_from_db()
    assert scheduled.was_never_in_force and first.valid_until == TODAY
    versions = EntryVersion.objects.of(entry=entry)
    assert list(versions.current()) == [stored.version]
    assert list(versions.valid_on(day(20))) == [stored.version]
    assert not versions.scheduled().exists()
    # Never before today, though.
    with pytest.raises(VersionConflict):
        store(entry, 4, day(-1), ahead_of_schedule=True)


def test_each_rule_has_one_code_and_one_wording():
    gap = rules.numbering([1, 3], what="chapter 'bullying'")
    assert gap.code == "version_gap" and "no version 2" in str(gap)
    assert rules.numbering([1, 2, 3], what="x") is None
    backwards = rules.date_order(
        number=2, effective_date=day(-5), previous_number=1, previous_date=TODAY
    )
    assert backwards.code == "effective_before_previous"
    assert "dates never go backwards" in str(backwards)
    assert [p.code for p in rules.review_date(None, "", today=TODAY)] == ["missing_review_date"]
    assert rules.review_date(None, "Withdrawn next month with the service.", today=TODAY) == []
    assert [p.code for p in rules.review_date(day(-1), today=TODAY)] == ["review_date_past"]
    assert rules.not_minor(["adds CEOP to What to do now"], minor=False) == []
    (minor,) = rules.not_minor(["adds CEOP to What to do now"], minor=True)
    assert minor.code == "minor_changes_routes" and "adds CEOP" in str(minor)


def test_a_three_way_merge_keeps_both_sides_or_says_it_cannot():
    base = "a\nb\nc\nd\ne\n"
    assert merge3(base, "a\nB\nc\nd\ne\n", "a\nb\nc\nd\nE\n") == "a\nB\nc\nd\nE\n"
    assert merge3(base, "a\nB\nc\nd\ne\n", "a\nX\nc\nd\ne\n") is None
    assert merge3(base, "a\nB\nc\nd\ne\n", "a\nB\nc\nd\ne\n") == "a\nB\nc\nd\ne\n"
    assert merge3(base, base, base) == base
