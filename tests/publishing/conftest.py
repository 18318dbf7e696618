"""A small manual, people in each admin role, and drafts written as the admin writes them."""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from procedures import selectors
from procedures.models import Chapter, Draft, Part, Release
from procedures.signals import release_published

BULLYING = """\
## What bullying is {#what-bullying-is}

Bullying is repeated behaviour meant to hurt.

## Cyberbullying {#cyberbullying}

Cyberbullying happens online and by phone.

## Responding {#responding}

Listen to the child and record what they say.
"""

ONLINE_SAFETY = """\
## Introduction {#introduction}

Children meet risks online. See [[bullying#cyberbullying|cyberbullying]].

## Sexting {#sexting}

Sexting incidents are recorded, not reported.

## Live streaming {#live-streaming}

Live streaming carries grooming risks.
"""


@pytest.fixture
def small_manual(manual, db):
    manual.chapter("bullying", BULLYING, number="2.1", title="Bullying")
    manual.chapter(
        "online-safety",
        ONLINE_SAFETY,
        number="2.5",
        title="Online safety",
        related=("bullying",),
    )
    manual.chapter(
        "referrals",
        "## Making a referral {#making}\n\nPhone the front door.\n",
        number="1.1",
        title="Referrals",
    )
    manual.load()
    return manual


def _user(name, group=None, **extra):
    user = User.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return _user("edna", "Editor")


@pytest.fixture
def publisher(db):
    return _user("pat", "Publisher")


@pytest.fixture
def other_publisher(db):
    return _user("quinn", "Publisher")


def next_review(date):
    """The review date a new draft starts with: the latest version's while it is still to
    come, else a year from today."""
    today = selectors.today()
    return date if date is not None and date >= today else today + datetime.timedelta(days=365)


@pytest.fixture
def draft_of():
    """Start a draft of a chapter's next version the way "Draft the next version" does."""

    def make(chapter_slug, /, *, by, body=None, replace=None, summary="Changed.", **fields):
        chapter = Chapter.objects.get(slug=chapter_slug)
        latest = selectors.latest_version(chapter)
        text = latest.source if body is None else body
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        values = dict(
            chapter=chapter,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part,
            body=text,
            summary=summary,
            routes=list(latest.routes),
            # Every version says when it is next reviewed (the version rules).
            review_date=next_review(latest.review_date),
            created_by=by,
        )
        values.update(fields)
        related = values.pop("related", [c for c in latest.related.all()])
        draft = Draft.objects.create(**values)
        draft.related.set(related)
        draft.authors.add(by)
        return draft

    return make


@pytest.fixture
def new_chapter_draft():
    def make(
        slug,
        *,
        by,
        number="2.9",
        title="A new chapter",
        body="## About {#about}\n\nNew.\n",
        **fields,
    ):
        part = Part.objects.get(number=int(number.split(".")[0]))
        draft = Draft.objects.create(
            slug=slug,
            chapter_number=number,
            title=title,
            part=part,
            body=body,
            summary=fields.pop("summary", "First published."),
            review_date=fields.pop("review_date", next_review(None)),
            created_by=by,
            **fields,
        )
        draft.authors.add(by)
        return draft

    return make


@pytest.fixture
def release(db):
    return Release.objects.create(
        name="June 2025 update",
        effective_date=datetime.date(2025, 6, 1),
        introduction="Changes to online safety and bullying.",
    )


@pytest.fixture
def announced():
    """The releases announced through `release_published` during the test, in order."""
    releases = []

    def listen(sender, release, **kwargs):
        releases.append(release)

    release_published.connect(listen, dispatch_uid="tests.announced")
    yield releases
    release_published.disconnect(dispatch_uid="tests.announced")
