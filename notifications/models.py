"""The outbox: every message to send is a row, written in the transaction of the change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one recipient on one channel, delivered at or after `due_at`."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
        VISIT_SCHEDULED = "visit_scheduled", _("Visit scheduled")
        VISIT_MOVED = "visit_moved", _("Visit moved")
        REBOOK = "rebook", _("Visit to rebook")
        VISIT_CANCELLED = "visit_cancelled", _("Visit cancelled")
        REMINDER = "reminder", _("Reminder")
        EN_ROUTE = "en_route", _("Technician on the way")
        COMPLETED = "completed", _("Visit completed")
        FOLLOW_UP = "follow_up", _("Follow-up visit needed")
        TECH_CHANGE = "tech_change", _("Change to the technician's day")
        TECH_SCHEDULE = "tech_schedule", _("Technician's next-day schedule")
        SLA_AT_RISK = "sla_at_risk", _("SLA about to be missed")
        RUNNING_LATE = "running_late", _("Visit running late")
        HANDED_BACK = "handed_back", _("Technician cannot come")
        ESCALATED = "escalated", _("Ticket moved to your tier")
        CONFIRM_EMAIL = "confirm_email", _("Email address to confirm")
        PASSWORD_RESET = "password_reset", _("Password reset link")
        TICKET_REPLY = "ticket_reply", _("Reply on a ticket")
        TICKET_RECEIVED = "ticket_received", _("Email received, ticket opened")
        HOUR_BANK_LOW = "hour_bank_low", _("Prepaid hours running low")
        RENEWAL_DUE = "renewal_due", _("Contract ending soon")
        INVOICE = "invoice", _("Invoice")
        QUOTE_SENT = "quote_sent", _("Quote to decide")
        WEEKLY_SUMMARY = "weekly_summary", _("Managers' weekly summary")
        REPAIR_RECEIVED = "repair_received", _("Unit received in the workshop")
        REPAIR_READY = "repair_ready", _("Unit ready in the workshop")
        REPAIR_RETURNED = "repair_returned", _("Unit back from the workshop")
        LOANER_DUE = "loaner_due", _("Loaner due back soon")
        LOANER_OVERDUE = "loaner_overdue", _("Loaner overdue")
        STOCK_LOW = "stock_low", _("Stock below its reorder point")
        STOCK_SHORT = "stock_short", _("Part used beyond the stock")
        CLIENT_ESCALATED = "client_escalated", _("Your company's ticket escalated")
        CLIENT_SLA_AT_RISK = "client_sla_at_risk", _("Your company's ticket about to be late")
        CLIENT_SLA_BREACHED = "client_sla_breached", _("Your company's ticket late")
        APPROVAL_REQUESTED = "approval_requested", _("Billable work to approve")
        CONTACT_INVITED = "contact_invited", _("Invitation of a new contact")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="en")
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # Rows the sweeper writes (schedules, alerts) carry a key so each is written only once.
    dedupe_key = models.CharField(
        _("dedupe key"), max_length=120, unique=True, null=True, blank=True
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class Preference(models.Model):
    """How a customer or a technician wants to hear from us."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    technician = models.OneToOneField(
        "technicians.Technician",
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False, technician__isnull=True)
                | models.Q(customer__isnull=True, technician__isnull=False),
                name="preference_of_one_person",
            )
        ]

    def __str__(self) -> str:
        return str(self.customer or self.technician)


class CalendarFeed(models.Model):
    """A technician's private calendar subscription: the secret token is the URL."""

    technician = models.OneToOneField(
        "technicians.Technician",
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.technician)
