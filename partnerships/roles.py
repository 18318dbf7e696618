"""Partnership roles, with least privilege.

A partnership editor drafts their own partnership's local information and contacts; with
PARTNERSHIP_PUBLISH they also publish them (another person's drafts: four-eyes). Which
partnerships are theirs is a PartnershipEditor row each. Regional editors and publishers
reach every partnership through their own permissions, as for chapters
(`procedures.roles`).
"""

from procedures.roles import REGIONAL_EDIT, REGIONAL_PUBLISH, ensure

from .models import PartnershipEditor

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
    ensure(PARTNERSHIP_GROUPS, app_label="partnerships", using=using)
