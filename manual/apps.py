from django.apps import AppConfig


class ManualConfig(AppConfig):
    name = "manual"
    verbose_name = "Manual"

    def ready(self):
        from manual import views
        from procedures import pages

        # The core's admin shows a draft as the page practitioners will see: this one.
        pages.install(views.render_version_page)
