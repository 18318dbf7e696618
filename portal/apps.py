from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site itself: background-job worker, health check, abuse limits, staff sign-in
    and structured logs. It holds no models."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import audit  # noqa: F401 (connects the sign-in and job log receivers)
