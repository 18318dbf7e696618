from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "links"
    label = "links"
    verbose_name = "Link checks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Listens to the core (procedures never imports this app): the editing desk's preview
        # asks what is known of the addresses it links to.
        from links import receivers  # noqa: F401
