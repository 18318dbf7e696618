from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "procedures.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procedures.search import checks  # noqa: F401 (registers the system check)
