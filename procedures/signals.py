"""What the manual tells other apps, sent only once the change is committed.

Other apps listen (the `updates` app emails subscribers); `procedures` never imports them.
"""

from django.dispatch import Signal

# A release was published: sent on commit, with `release` (a procedures.models.Release).
release_published = Signal()

# A partnership published local information: sent on commit, with `partnership`
# (a Partnership) and `versions` (the LocalInformation versions stored).
local_information_published = Signal()

# The editing desk's preview asks what is known of the external addresses its text links to,
# with `urls` (a set of http(s) addresses). Each receiver returns {url: (status, note)} for
# the ones it knows to be broken, moved or withdrawn (the `links` app, from its last check),
# and the preview marks those links. Sent during the request, not on commit: it only reads.
preview_link_statuses = Signal()
