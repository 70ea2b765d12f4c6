"""Domain events of contracts, sent by contracts' services inside their transaction.

Lower apps (notifications) subscribe; contracts never import them. Every signal is sent with
`sender` set to the model class.
"""

from django.dispatch import Signal

# contract, balance_minutes (left after the draw), entry (the draw's HourBankEntry or None)
hour_bank_low = Signal()
# contract, on (the day the reminder is sent; the contract ends on contract.ends_on)
renewal_due = Signal()
