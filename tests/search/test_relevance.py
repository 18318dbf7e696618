"""Relevance: questions practitioners actually type, each with the section that must be among
the first three results, against the sample manual. Runs on whichever database the suite uses
(the scripts run it on PostgreSQL and on SQLite)."""

import pytest
from django.db.models import Max

from procedures.models import ChapterVersion
from search.engine import search

pytestmark = pytest.mark.django_db

# (what a practitioner types, the chapter slug and section anchor that must be in the top 3,
# or a tuple of sections any of which may be)
QUERIES = [
    ("someone shared a nude of a pupil", "online-safety#cyberbullying-and-sexting-incidents"),
    (
        "adult arranging to meet a 15 year old",
        "online-safety#referring-to-police-and-childrens-social-care",
    ),
    ("reporting terrorist content", "online-safety#extremist-and-terrorist-material"),
    ("victim blaming language", "online-safety#key-principles-in-challenging-victim-blaming"),
    ("what is cse", "child-sexual-exploitation#what-is-cse"),
    ("signs of cse", "child-sexual-exploitation#signs"),
    ("county lines", "child-criminal-exploitation#county-lines"),
    ("child carrying drugs for a gang", "child-criminal-exploitation#county-lines"),
    ("cce warning signs", "child-criminal-exploitation#signs"),
    ("who is the lado", "allegations-against-staff-or-volunteers#lado"),
    (
        "allegation against a member of staff",
        "allegations-against-staff-or-volunteers#when-it-applies",
    ),
    (
        "should we suspend the teacher",
        "allegations-against-staff-or-volunteers#managing-the-allegation",
    ),
    ("refer to the dbs", "allegations-against-staff-or-volunteers#outcomes"),
    ("fgm mandatory reporting", "female-genital-mutilation#mandatory-reporting-duty"),
    (
        "girl at risk of being taken abroad for cutting",
        "female-genital-mutilation#protection-orders",
    ),
    ("s47 strategy discussion", "section-47-enquiries#strategy-discussion"),
    ("initial child protection conference timescale", "section-47-enquiries#outcomes"),
    ("how do I make a referral to the mash", "referrals#how-to-refer"),
    ("child in immediate danger", "referrals#immediate-risk"),
    ("parents do not agree to the referral", "referrals#how-to-refer"),
    ("disagree with social care decision", "referrals#what-happens-next"),
    ("dsl training", "designated-safeguarding-lead#training"),
    (
        "deputy designated safeguarding lead",
        "designated-safeguarding-lead#deputies-and-availability",
    ),
    ("school filtering and monitoring", "designated-safeguarding-lead#online-safety"),
    ("sharing information without consent", "information-sharing#the-law"),
    ("gdpr", "information-sharing#the-law"),
    ("record a decision not to share information", "information-sharing#recording-decisions"),
    ("prevent referral", "radicalisation#prevent-duty"),
    ("channel panel", "radicalisation#channel"),
    ("peer on peer abuse", "children-who-abuse-others#child-on-child-abuse"),
    ("harmful sexual behaviour", "children-who-abuse-others#harmful-sexual-behaviour"),
    ("teenage relationship abuse", "children-who-abuse-others#relationship-abuse"),
    ("age of criminal responsibility", "children-who-abuse-others#responding"),
    ("child witnessing domestic violence", "domestic-abuse#children-as-victims"),
    ("marac", "domestic-abuse#risk-assessment"),
    ("operation encompass", "domestic-abuse#risk-assessment"),
    ("cyberbullying", "bullying#cyberbullying"),
    ("sextortion boy asked for money", "child-sexual-exploitation#sextortion"),
    ("online grooming", "child-sexual-exploitation#grooming"),
    ("modern slavery referral", "child-criminal-exploitation#responding"),
    ("live streaming risks", "online-safety#live-streaming"),
    ("abuse in a children's home with several abusers", "organised-and-complex-abuse#definition"),
    ("signs of online abuse", "online-safety#recognising-online-abuse"),
    ("youth produced sexual imagery", "online-safety#cyberbullying-and-sexting-incidents"),
    ("e-safety", "online-safety#introduction"),
    ("revenge porn", "online-safety#keeping-children-safe-online"),
    ("low-level concerns", "allegations-against-staff-or-volunteers#outcomes"),
    # Until 7 December 2026 the grooming offence is in "Grooming and the law"; Online safety
    # version 5 gives it a section of its own under "The law" (still #grooming-and-the-law).
    ("grooming law over 18", ("online-safety#grooming-and-the-law", "online-safety#grooming")),
]


def target_of(hit):
    return f"{hit.slug}#{hit.anchor}"


def newest_day():
    """The day the sample manual's last scheduled version takes effect."""
    return ChapterVersion.objects.aggregate(day=Max("effective_date"))["day"]


@pytest.mark.parametrize("when", ["today", "when every scheduled version is in effect"])
@pytest.mark.parametrize(("question", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_practitioner_question_finds_the_right_section_in_the_top_three(
    sample_manual, question, expected, when
):
    # A scheduled amendment must not break the table on the day it takes effect.
    on = None if when == "today" else newest_day()
    top = [target_of(hit) for hit in search(question, on=on).hits[:3]]
    right = expected if isinstance(expected, tuple) else (expected,)
    assert set(right) & set(top), f"{question!r} ({when}): top three were {top}"


def test_the_table_is_big_enough_to_mean_something():
    assert len(QUERIES) >= 30
    assert len({expected for _, expected in QUERIES}) >= 30
