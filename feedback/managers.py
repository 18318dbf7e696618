"""The Manager group: may read problem reports and the reading figures in the admin, and
nothing else (least privilege; give it to procedures managers and business managers as well
as their Editor or Publisher group). Migration 0002 creates it; `ensure_manager_group`
re-creates it after every migrate or database flush if it is missing, without touching a
group an administrator has adjusted (as procedures.roles does for Editor and Publisher)."""

from django.contrib.auth.models import Group, Permission

MANAGER = "Manager"
CODENAMES = ["view_feedback", "view_weeklyreads"]


def ensure_manager_group(using="default"):
    group, created = Group.objects.using(using).get_or_create(name=MANAGER)
    if created:
        group.permissions.set(
            Permission.objects.using(using).filter(
                content_type__app_label="feedback", codename__in=CODENAMES
            )
        )
