from django.apps import AppConfig


class PdfsConfig(AppConfig):
    """PDF copies of the manual: the whole manual and each chapter version, built by the
    background worker and kept in the database (app servers keep nothing on local disk)."""

    name = "pdfs"
    label = "pdfs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pdfs import receivers  # noqa: F401
