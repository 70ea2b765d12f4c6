"""Domain events of billing, sent inside the services' transactions.

notifications subscribes; billing never imports it.
"""

from django.dispatch import Signal

invoice_to_send = Signal()  # invoice: email the issued invoice (its PDF) to the customer
