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


# --- partnerships -------------------------------------------------------------------------------
# A partnership editor drafts their own partnership's local information and contacts; with
# PARTNERSHIP_PUBLISH they also publish them (another person's drafts: four-eyes). Which
# partnerships are theirs is a PartnershipEditor row each. Regional editors and publishers
# reach every partnership through their own permissions, as for chapters.
PARTNERSHIP_EDITOR = [
    "view_partnership",
    "view_localinformation",
    "view_contactsversion",
    "view_partnershipdraft",
    "add_partnershipdraft",
    "change_partnershipdraft",
]
PARTNERSHIP_PUBLISHER = PARTNERSHIP_EDITOR + ["publish_partnershipdraft", "delete_partnershipdraft"]
PARTNERSHIP_GROUPS = {
    "Partnership editor": PARTNERSHIP_EDITOR,
    "Partnership publisher": PARTNERSHIP_PUBLISHER,
}
REGIONAL_EDIT = "procedures.add_draft"
REGIONAL_PUBLISH = "procedures.publish_draft"
PARTNERSHIP_EDIT = "partnerships.change_partnershipdraft"
PARTNERSHIP_PUBLISH = "partnerships.publish_partnershipdraft"


def is_regional(user):
    return user.has_perm(REGIONAL_EDIT) or user.has_perm(REGIONAL_PUBLISH)


def partnership_ids(user):
    """The partnerships `user` may work on: None for all (regional staff), else a set of ids
    (empty for someone with no partnership role)."""
    if not user.is_active:
        return set()
    if is_regional(user):
        return None
    if not (user.has_perm(PARTNERSHIP_EDIT) or user.has_perm(PARTNERSHIP_PUBLISH)):
        return set()
    from procedures.partnerships.models import PartnershipEditor

    return set(PartnershipEditor.objects.filter(user=user).values_list("partnership_id", flat=True))


def may_edit_partnership(user, partnership_id):
    """May `user` draft for this partnership (None: the national contacts, regional
    publishers only)?"""
    if partnership_id is None:
        return user.is_active and user.has_perm(REGIONAL_PUBLISH)
    ids = partnership_ids(user)
    return ids is None or partnership_id in ids


def may_publish_partnership(user, partnership_id):
    if not user.is_active:
        return False
    if user.has_perm(REGIONAL_PUBLISH):
        return True
    if partnership_id is None or not user.has_perm(PARTNERSHIP_PUBLISH):
        return False
    return partnership_id in (partnership_ids(user) or set())


def ensure_partnership_groups(using="default"):
    for name, codenames in PARTNERSHIP_GROUPS.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.using(using).filter(
                    content_type__app_label="partnerships", codename__in=codenames
                )
            )
