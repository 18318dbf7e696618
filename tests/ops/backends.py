"""Mail backends standing for a broken mail server."""

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    """A mail server that never answers: any use fails the test at once, instead of hanging,
    since a request must never get this far."""

    def send_messages(self, messages):
        raise AssertionError("a request tried to send email itself")


class SlowLocmemBackend(BaseEmailBackend):
    """A mail server that takes `delay` seconds a message (locmem otherwise), and calls
    `during()` at the end of that time, before it accepts the message."""

    delay = 0.0
    during = None
    seen: list = []

    def send_messages(self, messages):
        import time

        from django.core import mail

        time.sleep(self.delay)
        if type(self).during:
            type(self).during()
        if not hasattr(mail, "outbox"):
            mail.outbox = []
        mail.outbox.extend(messages)
        return len(messages)
