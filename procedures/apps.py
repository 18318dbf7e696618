from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Procedures"

    def ready(self):
        from procedures import caching  # noqa: F401 - connects the page cache's invalidation

        # Connected after the auth app's handler, so the permissions exist when it runs.
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="procedures-groups")


def _ensure_groups(using="default", **kwargs):
    from procedures.roles import ensure_groups

    ensure_groups(using=using)
