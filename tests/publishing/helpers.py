"""Publishing as a publisher does it: approving what the review shows at that moment."""

from procedures import publishing
from procedures.drafts import approval_fingerprint


def publish(*, by, draft=None, release=None):
    approved = approval_fingerprint(draft=draft, release=release)
    return publishing.publish(by=by, draft=draft, release=release, approved=approved)
