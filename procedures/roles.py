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
# What regional staff hold; feature apps' roles (partnerships.roles) build on these.
REGIONAL_EDIT = "procedures.add_draft"
REGIONAL_PUBLISH = "procedures.publish_draft"


def ensure_groups(using="default"):
    ensure(GROUPS, app_label="procedures", using=using)


def ensure(groups, *, app_label, using="default"):
    """Create each missing group with its permissions (of `app_label`'s models); a group
    that exists is left as an administrator may have adjusted it."""
    for name, codenames in groups.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
