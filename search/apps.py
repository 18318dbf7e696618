from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procedures.signals import version_stored
        from search import checks  # noqa: F401 (registers the system check)

        version_stored.connect(index_stored_version, dispatch_uid="search-index-version")

        post_migrate.connect(index_sections_stored_before_search, sender=self)
        connection_created.connect(scan_tables_from_the_start)


def index_stored_version(version, **kwargs):
    """A version's sections are indexed in the transaction that stores it, so they appear,
    or roll back, together."""
    from search import index

    index.index_version(version)


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
    from search.index import rebuild_index
    from search.models import SearchDocument

    if Section.objects.using(using).exists() and not SearchDocument.objects.using(using).exists():
        rebuild_index()
