"""What a publisher needs to decide on a draft: its diff, its problems, whether its chapter
moved on since it was started, and whether they may publish it."""

from django.urls import reverse

from procedures import publishing, selectors
from procedures.diffing import diff_chapter
from procedures.drafts import Prepared, prepare
from procedures.models import ChapterVersion, Draft
from procedures.records import diff_versions, side_of_version


def review(draft: Draft, *, user, prepared: Prepared | None = None) -> dict:
    if draft.is_published:
        version = draft.published_version
        previous = selectors.version(version.chapter, version.number - 1)
        return {"published": version, "diff": diff_versions(previous, version)}
    prepared = prepared or prepare(draft)
    previous = prepared.previous
    moved_on = []
    if draft.chapter_id and previous is not None and previous.number != draft.based_on:
        moved_on = list(
            ChapterVersion.objects.filter(
                chapter_id=draft.chapter_id, number__gt=draft.based_on or 0
            )
            .select_related("published_by")
            .order_by("number")
        )
    return {
        "heading_id": f"draft-{draft.pk}-diff",
        "today": selectors.today(),
        "prepared": prepared,
        "previous": previous,
        # An urgent correction is compared with the version in force it corrects.
        "diff": diff_chapter(
            side_of_version(prepared.compared_with) if prepared.compared_with else None,
            prepared.side(),
        ),
        "ahead_of": prepared.ahead_of,
        "corrects": prepared.corrects,
        "problems": prepared.problems,
        "moved_on": moved_on,
        "moved_on_diff_url": (
            reverse(
                "procedures:diff",
                kwargs={"slug": draft.chapter.slug, "a": draft.based_on, "b": previous.number},
            )
            if moved_on and draft.based_on
            else ""
        ),
        "cannot_publish": publishing.can_publish(user, draft),
        "can_rebase": bool(moved_on) and user.has_perm("procedures.change_draft"),
    }
