"""One publish action for every versioned kind: check, then execute, then record.

Wagtail's `PublishRevisionAction` has the same shape (`check()`, `_publish_revision()`, a log
entry). A subclass per kind (a chapter draft, a release, a partnership's draft) says what to
lock and check and what to store; this class holds the transaction, the wording of every
refusal, four-eyes, the approval binding and the audit entry. All or nothing: any refusal,
or another publisher getting there first, and nothing was published.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from procedures.models import AuditEntry
from procedures.versioning.storing import VersionConflict

logger = logging.getLogger("procedures.publishing")


class PublishingError(Exception):
    """Nothing was published; the message says why and what to do.

    `problems` lists each draft's problems as lines; `codes` their codes (for callers and
    tests); `moved_on` holds the drafts whose thing gained a version since they were started.
    """

    def __init__(self, message, *, problems=(), codes=(), moved_on=()):
        super().__init__(message)
        self.problems = tuple(problems)
        self.codes = tuple(codes)
        self.moved_on = tuple(moved_on)

    def lines(self):
        return [str(self.args[0]), *self.problems]


def four_eyes(user, draft) -> str:
    """Why `user` may not publish a draft they wrote or edited ("" when they did not)."""
    if getattr(settings, "ALLOW_SELF_PUBLISH", False):
        return ""
    wrote = draft.created_by_id == user.pk or (
        draft.pk is not None and draft.authors.filter(pk=user.pk).exists()
    )
    if wrote:
        return (
            f"You wrote or edited the draft '{draft}', so another publisher must review and "
            "publish it (four-eyes)."
        )
    return ""


def record(action, *, by, what, fingerprint="", release=None, versions=()) -> AuditEntry:
    """The audit entry of an action, in the action's transaction (never changed after)."""
    entry = AuditEntry.objects.create(
        action=action,
        at=timezone.now(),
        by=by,
        what=what[:500],
        fingerprint=fingerprint,
        release=release,
    )
    if versions:
        entry.versions.set(versions)
    logger.info(
        "audit action=%s by=%s what=%r fingerprint=%s", action, by, what, fingerprint or "-"
    )
    return entry


class PublishAction:
    """Publish what `approved` (the fingerprint of the review the publisher saw) names.

    Subclasses implement `check()` (lock, then raise PublishingError for any reason not to),
    `_publish()` (store; returns the versions stored) and `describe()` (the audit's words),
    and may set `audit_action`."""

    audit_action = AuditEntry.Action.PUBLISH
    taken_meanwhile = "an address or a version number was taken meanwhile"

    def __init__(self, *, by, approved: str):
        self.by = by
        self.approved = approved
        self.release = None  # set by actions that publish through a release

    def execute(self):
        try:
            with transaction.atomic():
                self.check()
                versions = self._publish()
                record(
                    self.audit_action,
                    by=self.by,
                    what=self.describe(versions),
                    fingerprint=self.approved,
                    release=self.release,
                    versions=[v for v in versions if self.audited_by_version(v)],
                )
        except IntegrityError as error:
            raise PublishingError(
                f"Nothing was published: another change got there first ({self.taken_meanwhile})."
                f" Reload the page and try again. ({error})"
            ) from None
        except VersionConflict as conflict:
            raise PublishingError(f"Nothing was published: it moved on. {conflict}") from None
        return versions

    # --- what subclasses implement -------------------------------------------------------

    def check(self):
        raise NotImplementedError

    def _publish(self):
        raise NotImplementedError

    def describe(self, versions) -> str:
        raise NotImplementedError

    def audited_by_version(self, version) -> bool:
        """Whether the audit entry links the version (chapter versions only, so far)."""
        return False

    def store_carried(self, scheduled, plan):
        """Store `scheduled` carried forward (`plan.merged`, `plan.summary`) as the thing's
        next version, on its own effective date; returns the version."""
        raise NotImplementedError

    def send_back(self, scheduled):
        """Make `scheduled` a draft of the thing's next version, sent for review; returns it."""
        raise NotImplementedError

    # --- an urgent correction ahead of scheduled versions (procedures.versioning.carrying) -

    def carry_forward(self, plans, moved):
        """Follow the plan the review showed for each scheduled version the correction went
        ahead of: carried forward onto it, or sent back for review. Never dropped."""
        stored = []
        for plan, scheduled in zip(plans, moved, strict=True):
            if plan.sent_back:
                draft = self.send_back(scheduled)
                record(
                    AuditEntry.Action.SEND_BACK,
                    by=self.by,
                    what=f"{scheduled}: sent back for review as draft {draft.pk}, because it "
                    "and the urgent correction change the same lines",
                )
            else:
                stored.append(self.store_carried(scheduled, plan))
        return stored

    # --- the checks every kind makes -----------------------------------------------------

    def refuse(self, reason: str):
        raise PublishingError(f"Nothing was published. {reason}")

    def check_approved(self, fingerprint: str, *, what="the draft"):
        if fingerprint != self.approved:
            raise PublishingError(
                f"Nothing was published: {what} changed after you opened the review (its "
                "text, its details"
                + (" or its drafts" if what == "the release" else "")
                + "). Review what it holds now, below, and publish again if it is right.",
                codes=["changed_since_review"],
            )

    def check_problems(self, prepared: list):
        problems = [line for each in prepared for line in each.messages()]
        if problems:
            raise PublishingError(
                "Nothing was published: fix these problems in the draft"
                f"{'s' if len(prepared) > 1 else ''} first.",
                problems=problems,
                codes=[problem.code for each in prepared for problem in each.problems],
            )
