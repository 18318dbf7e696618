"""A mail backend for worker-process tests: Django's file backend that takes
WORKER_MAIL_DELAY seconds a message, like an SMTP server, so a test can stop the worker while a
release is half sent."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(float(os.environ.get("WORKER_MAIL_DELAY", "0")) * len(messages))
        return super().send_messages(messages)
