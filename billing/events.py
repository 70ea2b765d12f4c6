"""Domain events of billing, sent by its services inside their transaction. Notifications
subscribe; billing never imports them."""

from django.dispatch import Signal

invoice_to_send = Signal()  # invoice: email the issued invoice (its PDF) to the customer
quote_sent = Signal()  # quote, link (the signed link that lets the customer decide)
quote_decided = Signal()  # quote (accepted or declined)
approval_requested = Signal()  # approval (a WorkApproval): its organization's approvers to ask
approval_decided = Signal()  # approval (approved or declined)
