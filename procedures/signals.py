"""What the manual tells other apps, sent only once the change is committed.

Other apps listen (the `updates` app emails subscribers); `procedures` never imports them.
"""

from django.dispatch import Signal

# A release was published: sent on commit, with `release` (a procedures.models.Release).
release_published = Signal()

# A partnership published local information: sent on commit, with `partnership`
# (a Partnership) and `versions` (the LocalInformation versions stored).
local_information_published = Signal()
