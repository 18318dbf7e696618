"""Test mail backends: locmem, with a failing address and a count of connections."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Refuses any address starting with "bounce", as an SMTP server would."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if address.startswith("bounce"):
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
        return super().send_messages(messages)


class UnreachableBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("mail server down")
