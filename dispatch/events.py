"""Domain events of dispatching, sent by dispatch's services inside their transaction.

Lower apps (notifications) subscribe; dispatch never imports them. Every signal is sent with
`sender` set to the model class.
"""

from django.dispatch import Signal

visit_handed_back = Signal()  # visit, technician (who cannot come), reason, by
# A scheduled visit taken off the day by the planner, its promised window broken: the customer
# is asked to choose a new one.
visit_needs_rebooking = Signal()  # visit, previous (visit_snapshot before)
# A technician booked as a helper on a visit's crew, or taken off it (dispatch.crew).
helper_added = Signal()  # visit, technician, by
helper_removed = Signal()  # visit, technician, by
