"""Domain events of the desk, sent inside the transaction of the change; notifications
subscribes."""

from django.dispatch import Signal

email_ticket_opened = Signal()  # ticket, message (the email that opened it), to (its sender)
