"""Domain events of customers, sent inside the services' transactions.

notifications subscribes; customers never imports it.
"""

from django.dispatch import Signal

# contact (just added to their organization), by (the administrator who added them, or None),
# set_password_path (the page behind the emailed link that sets their first password; "" for a
# person who has one already): invite the new contact.
contact_added = Signal()
