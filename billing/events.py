"""Domain events of billing, sent by its services inside their transaction. Notifications
subscribe; billing never imports them."""

from django.dispatch import Signal

quote_sent = Signal()  # quote, link (the signed link that lets the customer decide)
quote_decided = Signal()  # quote (accepted or declined)
