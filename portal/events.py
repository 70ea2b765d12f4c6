"""Domain events of the customer portal, sent inside the services' transactions.

notifications subscribes; portal never imports it.
"""

from django.dispatch import Signal

booking_confirmed = Signal()  # ticket, visit: a customer booked a visit in a free window
confirmation_requested = Signal()  # sign_up: email the link that confirms the customer's address
