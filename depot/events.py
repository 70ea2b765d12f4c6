"""Domain events of the workshop and the loaner pool, sent by depot's services inside their
transaction; notifications subscribe. Every signal is sent with `sender` set to the model class.
"""

from django.dispatch import Signal

repair_order_opened = Signal()  # order
repair_step_recorded = Signal()  # order, step
loan_started = Signal()  # loan
loan_returned = Signal()  # loan
loan_due = Signal()  # loan, overdue (False: due soon; True: past its due date)
