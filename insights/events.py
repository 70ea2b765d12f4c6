"""Domain events of insights, sent by insights' services inside their transaction.

Lower apps (notifications) subscribe; insights never imports them. Every signal is sent with
`sender` set to the model class.
"""

from django.dispatch import Signal

# week_start, week_end (dates, both included), figures (insights.selectors.headline: plain
# numbers or None), query (the managers' page's query string for that week)
weekly_summary = Signal()
