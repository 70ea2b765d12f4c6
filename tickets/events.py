"""Domain events of tickets and visits, sent by services inside their transaction.

Lower apps (notifications, and later the board's live updates) subscribe; tickets never import
them. Every signal is sent with `sender` set to the model class.
"""

from django.dispatch import Signal

ticket_opened = Signal()  # ticket, in_batch (True when one of tickets_opened's batch)
tickets_opened = Signal()  # tickets (a batch opened together; ticket_opened was sent for each)
# ticket: what the figures read of it changed with no change of status (the first response,
# the SLA due times, the kind or the priority), sent once the ticket is saved
ticket_changed = Signal()
ticket_status_changed = Signal()  # ticket, from_status, to_status, in_batch (as ticket_opened)
ticket_escalated = Signal()  # ticket, from_tier, to_tier, reason, by (either way; holder cleared)
visit_created = Signal()  # visit
visit_scheduled = Signal()  # visit (first time on a technician's day)
visit_moved = Signal()  # visit, previous (technician_id, planned_start, window), tell_customer
visit_unassigned = Signal()  # visit, previous
visit_cancelled = Signal()  # visit, previous
visit_status_changed = Signal()  # visit, from_status, to_status
part_used = Signal()  # part_used (a PartUsed, when first recorded), by (the user, or None)
public_reply_added = Signal()  # message (a public reply by staff, to be emailed to the customer)
