"""Domain events of accounts, sent inside the services' transactions.

notifications subscribes; fieldservice never imports it.
"""

from django.dispatch import Signal

# user, reset_path (the page behind the emailed link), language (the page's, for a user whose
# own is not known): email the link that sets a new password.
password_reset_requested = Signal()
