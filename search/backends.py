"""Choose the search backend for the database in use."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from search.base import Backend


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from search.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from search.sqlite import SqliteBackend

        return SqliteBackend()
    raise ImproperlyConfigured(
        f"Search supports PostgreSQL and SQLite, not {connection.vendor}: set DATABASE_URL."
    )
