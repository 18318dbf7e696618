from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FeedbackConfig(AppConfig):
    name = "feedback"
    label = "feedback"
    verbose_name = "Feedback and reading figures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connected after the auth app's handler, so the permissions exist when it runs.
        post_migrate.connect(_ensure_manager_group, sender=self, dispatch_uid="feedback-group")


def _ensure_manager_group(using="default", **kwargs):
    from feedback.managers import ensure_manager_group

    ensure_manager_group(using=using)
