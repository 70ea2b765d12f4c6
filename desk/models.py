"""What the desk keeps of its own: what inbound email leaves for an agent (senders to confirm,
and messages that could not be read, each with the raw message, so nothing that came in is
ever lost) and each agent's saved filters of the ticket list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingContact(models.Model):
    """An email from an address no customer has: the agent confirms whose it is (and the
    ticket opens then), or dismisses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    address = models.EmailField(_("address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    preview = models.TextField(_("text"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    raw = models.FileField(_("message as received"), upload_to="inbound/pending/%Y/%m/")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending contact")
        verbose_name_plural = _("pending contacts")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return self.address


class QuarantinedMail(models.Model):
    """A message that could not be read: kept whole, for staff to look at and download."""

    reason = models.CharField(_("reason"), max_length=500)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    # The raw message's digest: the same broken message fetched twice is kept once.
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    raw = models.FileField(_("message as received"), upload_to="inbound/quarantine/%Y/%m/")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return self.subject or self.reason


class SavedFilter(models.Model):
    """A ticket list's filters under a name an agent chose, to apply again with one click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_ticket_filters",
    )
    name = models.CharField(_("name"), max_length=100)
    # The list's query string as the filter form validated it (desk.services.save_filter).
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name
