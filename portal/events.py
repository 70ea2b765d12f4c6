"""Domain events of the customer portal, sent inside the booking service's transaction.

notifications subscribes; portal never imports it.
"""

from django.dispatch import Signal

booking_confirmed = Signal()  # ticket, visit: a customer booked a visit in a free window
