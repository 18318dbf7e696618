from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "procedures.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procedures.search import checks  # noqa: F401 (registers the system check)

        post_migrate.connect(index_sections_stored_before_search, sender=self)


def index_sections_stored_before_search(using="default", **kwargs):
    """A database whose manual was loaded before search existed gets its index once, after
    every migration has run (so migrations never import today's indexing code)."""
    from procedures.models import Section
    from procedures.search.index import rebuild_index
    from procedures.search.models import SearchDocument

    if Section.objects.using(using).exists() and not SearchDocument.objects.using(using).exists():
        rebuild_index()
