"""The outbox: rows written with the change that causes them, delivered once by a worker,
swept every minute; staff digests, calendar feeds and each person's preferences.

The one case that can repeat a message is a worker killed between the mail server's OK and the
row's SENT mark (one UPDATE): the row is sent again after the sweeper's `stale_after`, with the
same Message-ID.
"""

from .clients import ask_approvers, tell_contacts_of_escalation, write_client_sla_alerts
from .delivery import deliver
from .digests import write_dispatcher_alerts, write_next_day_schedules
from .feeds import feed_calendar, issue_feed, open_feed, revoke_feed
from .links import public_url, unsubscribe_token
from .outbox import (
    acknowledge_email,
    alert_dispatchers_of_hand_back,
    alert_hour_bank_low,
    alert_stock_low,
    alert_stock_short,
    alert_tier_of_escalation,
    cancel_reminders,
    confirm_booking,
    confirm_email_address,
    email_invoice,
    email_reply,
    invite_contact,
    notify_customer,
    notify_technician,
    remind_loan,
    remind_renewal,
    resend,
    schedule_reminders,
    send_password_reset,
    send_quote_link,
    tell_repair_step,
)
from .preferences import set_preferences, unsubscribe
from .smtp import close_mail_connection
from .summaries import summarize_week
from .sweeper import sweep

__all__ = [
    "acknowledge_email",
    "alert_dispatchers_of_hand_back",
    "alert_hour_bank_low",
    "alert_stock_low",
    "alert_stock_short",
    "alert_tier_of_escalation",
    "ask_approvers",
    "cancel_reminders",
    "close_mail_connection",
    "confirm_booking",
    "confirm_email_address",
    "deliver",
    "email_invoice",
    "email_reply",
    "feed_calendar",
    "invite_contact",
    "issue_feed",
    "notify_customer",
    "notify_technician",
    "open_feed",
    "public_url",
    "remind_loan",
    "remind_renewal",
    "resend",
    "revoke_feed",
    "schedule_reminders",
    "send_password_reset",
    "send_quote_link",
    "set_preferences",
    "summarize_week",
    "sweep",
    "tell_contacts_of_escalation",
    "tell_repair_step",
    "unsubscribe",
    "unsubscribe_token",
    "write_client_sla_alerts",
    "write_dispatcher_alerts",
    "write_next_day_schedules",
]
