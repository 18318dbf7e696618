from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    """Terms and abbreviations practitioners meet in the manual, with their definitions."""

    name = "glossary"
    label = "glossary"
    verbose_name = "Glossary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from glossary import signals  # noqa: F401 (connects the cache receivers)
