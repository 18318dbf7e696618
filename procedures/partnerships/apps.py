from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """Local safeguarding partnerships: their contacts and their local information inside
    the regional chapters, and the national contacts every chapter can point at."""

    name = "procedures.partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"
