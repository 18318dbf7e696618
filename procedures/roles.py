"""The two admin roles and their permissions, with least privilege.

Editor: prepares drafts and reads the manual in the admin. Publisher: also approves and
publishes drafts and releases, manages releases and may discard drafts. Nobody can change or
delete a published version (the admin offers no way to). Migration 0003 creates the groups;
`ensure_groups` re-creates a missing one after every migrate or database flush, without
touching groups an administrator has adjusted.
"""

from django.contrib.auth.models import Group, Permission

EDITOR = [
    "view_chapter",
    "view_chapterversion",
    "view_part",
    "view_release",
    "view_draft",
    "add_draft",
    "change_draft",
]
PUBLISHER = EDITOR + [
    "publish_draft",
    "delete_draft",
    "add_release",
    "change_release",
    "view_auditentry",
    "view_dueforreview",
    "view_review",
    "add_review",
]
GROUPS = {"Editor": EDITOR, "Publisher": PUBLISHER}


def ensure_groups(using="default"):
    for name, codenames in GROUPS.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.using(using).filter(
                    content_type__app_label="procedures", codename__in=codenames
                )
            )
