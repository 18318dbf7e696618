"""What the manual tells other apps. `procedures` never imports them: they listen.

`version_stored` is sent inside the transaction that stores a version, so a listener's rows
(search's index) appear or roll back with it; the others are sent once the change commits.
"""

from django.dispatch import Signal

# A chapter version was stored (loaded or published): sent inside the storing transaction,
# with `version` (a procedures.models.ChapterVersion, its sections and links saved).
version_stored = Signal()

# A release was published: sent on commit, with `release` (a procedures.models.Release).
release_published = Signal()

# The editing desk's preview asks what is known of the external addresses its text links to,
# with `urls` (a set of http(s) addresses). Each receiver returns {url: (status, note)} for
# the ones it knows to be broken, moved or withdrawn (the `links` app, from its last check),
# and the preview marks those links. Sent during the request, not on commit: it only reads.
preview_link_statuses = Signal()
