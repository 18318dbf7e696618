"""An urgent correction can take effect today although a later version is already scheduled:
the scheduled version is carried forward onto it, or sent back for review, never silently
dropped or reverted."""

import datetime

import pytest

from procedures import selectors
from procedures.drafts import prepare
from procedures.models import AuditEntry, ChapterVersion, Draft, ReviewRequest
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


@pytest.fixture
def scheduled(small_manual, draft_of, editor, publisher):
    """Online safety: version 1 in force, version 2 (a rewritten live streaming section)
    scheduled for next week."""
    draft = draft_of(
        "online-safety",
        by=editor,
        replace={"Live streaming carries grooming risks.": "Live streaming can expose children."},
        summary="Live streaming rewritten.",
        effective_date=NEXT_WEEK,
    )
    (v2,) = publish(by=publisher, draft=draft)
    assert v2.effective_date == NEXT_WEEK
    return v2


def correct(draft_of, editor, **replace):
    """An editor's urgent correction of the version in force, taking effect today."""
    current = selectors.current_version(selectors.find_chapter("online-safety")[0])
    text = current.source
    for old, new in replace.items():
        text = text.replace(old, new)
    return draft_of(
        "online-safety", by=editor, body=text, summary="Urgent: sexting is reported.",
        effective_date=TODAY,
    )  # fmt: skip


def test_a_correction_of_other_lines_goes_live_today_and_carries_the_scheduled_one_forward(
    client, scheduled, draft_of, editor, publisher
):
    draft = correct(
        draft_of,
        editor,
        **{"Sexting incidents are recorded, not reported.": "Sexting incidents are reported."},
    )
    versions = publish(by=publisher, draft=draft)
    assert [(v.number, v.effective_date) for v in versions] == [(3, TODAY), (4, NEXT_WEEK)]
    correction, carried = versions
    # Today practitioners read the correction, and nothing of the scheduled change yet.
    page = client.get("/chapters/online-safety/").content.decode()
    assert "Sexting incidents are reported." in page
    assert "Live streaming carries grooming risks." in page
    # From next week the scheduled change applies, and keeps the correction.
    assert "Sexting incidents are reported." in carried.source
    assert "Live streaming can expose children." in carried.source
    assert "Carried forward onto version 3" in carried.summary
    on_the_day = selectors.current_version(correction.chapter, on=NEXT_WEEK)
    assert on_the_day.number == 4
    # The scheduled version as first published is kept, marked as never in force.
    scheduled.refresh_from_db()
    assert scheduled.was_never_in_force
    assert ChapterVersion.objects.filter(chapter=scheduled.chapter).scheduled().get().number == 4


def test_a_correction_of_the_same_lines_sends_the_scheduled_version_back_for_review(
    scheduled, draft_of, editor, publisher
):
    draft = correct(
        draft_of,
        editor,
        **{"Live streaming carries grooming risks.": "Live streaming must be reported."},
    )
    (plan,) = prepare(draft).ahead_of
    assert plan.sent_back
    (correction,) = publish(by=publisher, draft=draft)
    assert correction.effective_date == TODAY
    scheduled.refresh_from_db()
    assert scheduled.was_never_in_force
    # Not dropped: its text waits as a draft, sent for review, for a publisher to decide.
    sent_back = Draft.objects.get(status="draft", chapter=scheduled.chapter)
    assert "Live streaming can expose children." in sent_back.body
    assert sent_back.effective_date == NEXT_WEEK and sent_back.based_on == 3
    assert ReviewRequest.objects.filter(draft=sent_back).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SEND_BACK).count() == 1
    # And nothing reverts the correction on the scheduled day.
    assert selectors.current_version(correction.chapter, on=NEXT_WEEK).number == 3


def test_the_review_says_what_becomes_of_the_scheduled_version(
    client, scheduled, draft_of, editor, publisher
):
    draft = correct(
        draft_of,
        editor,
        **{"Sexting incidents are recorded, not reported.": "Sexting incidents are reported."},
    )
    client.force_login(publisher)
    page = client.get(f"/admin/procedures/draft/{draft.pk}/review/").content.decode()
    assert "ahead of a scheduled version" in page
    assert "carries version 2 forward" in page
    # The diff is against the version in force, which the correction corrects.
    assert "against version 1" in page


def test_an_approval_does_not_cover_a_changed_plan(scheduled, draft_of, editor, publisher):
    from procedures.drafts import approval_fingerprint

    draft = correct(
        draft_of,
        editor,
        **{"Sexting incidents are recorded, not reported.": "Sexting incidents are reported."},
    )
    approved = approval_fingerprint(draft=draft)
    # The scheduled version's plan changes if its own text would now clash.
    draft.body = draft.body.replace(
        "Live streaming carries grooming risks.", "Live streaming is risky."
    )
    draft.save()
    with pytest.raises(PublishingError) as refused:
        from procedures.publishing import publish as publish_with

        publish_with(by=publisher, draft=draft, approved=approved)
    assert refused.value.codes == ("changed_since_review",)


def test_a_correction_cannot_take_effect_in_the_past(scheduled, draft_of, editor, publisher):
    draft = correct(draft_of, editor)
    draft.effective_date = TODAY - datetime.timedelta(days=1)
    draft.save()
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert "effective_before_previous" in refused.value.codes
