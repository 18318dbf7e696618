"""Mail backends standing for a broken mail server."""

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    """A mail server that never answers: any use fails the test at once, instead of hanging,
    since a request must never get this far."""

    def send_messages(self, messages):
        raise AssertionError("a request tried to send email itself")
