"""What the manual tells other apps, sent only once the change is committed.

Other apps listen (the `updates` app emails subscribers); `procedures` never imports them.
"""

from django.dispatch import Signal

# A release was published: sent on commit, with `release` (a procedures.models.Release).
release_published = Signal()
# fmt: off
local_information_published = Signal()  # sent on commit with partnership=<Partnership>, versions=[LocalInformation]
# fmt: on
