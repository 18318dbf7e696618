"""A mail backend for bench/load.py: Django's file backend (one file per message batch, read
back by the benchmark) that takes BENCH_MAIL_DELAY seconds a message, like a slow SMTP
server."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, file_path=file_path or os.environ["EMAIL_FILE_PATH"], **kwargs)

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("BENCH_MAIL_DELAY", "0.05")) * len(messages))
        return super().send_messages(messages)
