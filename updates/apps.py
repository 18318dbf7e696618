from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "updates"
    verbose_name = "Email updates"

    def ready(self):
        from updates import receivers  # noqa: F401 (connects the signal receivers)
