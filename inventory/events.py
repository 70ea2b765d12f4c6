"""Domain events of stock, sent by inventory.services inside their transaction, for lower apps
(notifications) to react to. Every signal is sent with `sender` set to the model class."""

from django.dispatch import Signal

stock_short = Signal()  # move (a consumption beyond the stock of a part allowed below zero)
stock_low = Signal()  # level, point (on hand fell below the reorder point's minimum)
