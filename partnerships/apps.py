from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PartnershipsConfig(AppConfig):
    """Local safeguarding partnerships: their contacts and their local information inside
    the regional chapters, and the national contacts every chapter can point at."""

    name = "partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnerships import selectors, signals  # noqa: F401 (signals: the page cache)
        from procedures import routes

        # A chapter's routes name contacts: the core asks these names of them.
        routes.install(selectors.route_names, selectors.route_choices)

        # After the auth app's handler, so this app's permissions exist when it runs.
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="partnership-groups")


def _ensure_groups(using="default", **kwargs):
    from partnerships.roles import ensure_partnership_groups

    ensure_partnership_groups(using=using)
