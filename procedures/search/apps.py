from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "procedures.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procedures.search import checks  # noqa: F401 (registers the system check)

        post_migrate.connect(index_sections_stored_before_search, sender=self)
        connection_created.connect(scan_tables_from_the_start)


def scan_tables_from_the_start(connection, **kwargs):
    """PostgreSQL starts a sequential scan of a large table where the last one reached (a
    synchronised scan), so "the first 1,001 matches" (postgres.py) would differ from one
    search to the next. Once per connection; a cached page opens none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronize_seqscans = off")


def index_sections_stored_before_search(using="default", **kwargs):
    """A database whose manual was loaded before search existed gets its index once, after
    every migration has run (so migrations never import today's indexing code)."""
    from procedures.models import Section
    from procedures.search.index import rebuild_index
    from procedures.search.models import SearchDocument

    if Section.objects.using(using).exists() and not SearchDocument.objects.using(using).exists():
        rebuild_index()
