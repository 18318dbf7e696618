"""The admin: editors draft, publishers review the diff and publish.

Published versions are read-only for everyone (there is no way to change or delete one here);
chapters are created and renamed only by publishing. Saving a draft changes no public page.
Every write of the manual goes through `procedures.publishing`.
"""

from django.contrib import admin

from procedures.admin import drafts, manual, releases  # noqa: F401 (registers the admins)

admin.site.site_header = "Safeguarding Children Procedures: admin"
admin.site.site_title = "Procedures admin"
admin.site.index_title = "Drafts, releases and the manual"
