"""A ticket and its history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import ErrorCode
from customers.models import Appliance, ApplianceModel, Customer, Site
from technicians.models import Skill


class Ticket(models.Model):
    """One customer problem or request, from first call to closing."""

    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        REPAIR = "repair", _("Repair")
        MAINTENANCE = "maintenance", _("Maintenance")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        WEB = "web", _("Web")
        CHAT = "chat", _("Chat")
        PORTAL = "portal", _("Portal")

    class Priority(models.IntegerChoices):
        P1 = 1, _("P1 critical")
        P2 = 2, _("P2 high")
        P3 = 3, _("P3 normal")
        P4 = 4, _("P4 low")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_CUSTOMER = "awaiting_customer", _("Waiting for the customer")
        AWAITING_PARTS = "awaiting_parts", _("Waiting for parts")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Tier(models.IntegerChoices):
        FIRST = 1, _("Tier 1")
        SECOND = 2, _("Tier 2")
        THIRD = 3, _("Tier 3")

    class Coverage(models.TextChoices):
        WARRANTY = "warranty", _("Warranty")
        CONTRACT = "contract", _("Contract")
        BILLABLE = "billable", _("Billable")

    OPEN_STATUSES = (
        Status.NEW,
        Status.TRIAGED,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.AWAITING_CUSTOMER,
        Status.AWAITING_PARTS,
    )
    PAUSED_STATUSES = (Status.AWAITING_CUSTOMER, Status.AWAITING_PARTS)

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="tickets"
    )
    appliance = models.ForeignKey(
        Appliance,
        verbose_name=_("appliance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    appliance_model = models.ForeignKey(
        ApplianceModel,
        verbose_name=_("appliance model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("For installations of an appliance not registered yet."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPAIR)
    reported_codes = models.JSONField(_("codes as reported"), default=list, blank=True)
    unknown_codes = models.JSONField(_("codes not in the catalog"), default=list, blank=True)
    error_codes = models.ManyToManyField(
        ErrorCode, verbose_name=_("matched error codes"), blank=True, related_name="tickets"
    )
    required_skills = models.ManyToManyField(
        Skill, verbose_name=_("skills needed"), blank=True, related_name="tickets"
    )
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    tier = models.PositiveSmallIntegerField(_("support tier"), choices=Tier.choices, default=1)
    coverage = models.CharField(_("coverage"), max_length=10, choices=Coverage.choices)
    coverage_reason = models.CharField(_("coverage reason"), max_length=250)
    contract = models.ForeignKey(
        "customers.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    sla_due_at = models.DateTimeField(_("SLA due"), db_index=True)
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    # What the desk's search reads (number, customer, description, codes), written only by
    # tickets.services.search.refresh_search. PostgreSQL keeps its words in a generated column
    # with a GIN index (migration 0005).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Given by open_ticket: the SLA is counted from this same moment.
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The key of the form that opened it (fieldservice.forms.SubmitOnceForm): a second copy
    # of that form finds this ticket instead of opening another.
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(priority__in=[1, 2, 3, 4]), name="priority"),
            models.CheckConstraint(condition=models.Q(tier__in=[1, 2, 3]), name="tier"),
            models.UniqueConstraint(
                fields=["customer", "client_key"], name="ticket_key_per_customer"
            ),
        ]
        indexes = [models.Index(fields=["status", "sla_due_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def change_stamp(self) -> str:
        """Names the ticket's last change: an If-Match names it, the services compare it."""
        return hashlib.sha256(self.updated_at.isoformat().encode()).hexdigest()[:16]

    @property
    def number(self) -> str:
        """The human number, T-000123, derived from the primary key so it never collides."""
        return f"T-{self.pk:06d}" if self.pk else "T-??????"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class TicketEvent(models.Model):
    """One line of a ticket's history: who changed what, when and why."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        STATUS = "status", _("Status changed")
        ESCALATED = "escalated", _("Escalated")
        DEESCALATED = "deescalated", _("De-escalated")
        ASSIGNED = "assigned", _("Visit assigned")
        UNASSIGNED = "unassigned", _("Visit unassigned")
        OVERRIDE = "override", _("Dispatcher override")
        VISIT = "visit", _("Visit status changed")
        VISIT_CREATED = "visit_created", _("Visit created")
        SLA = "sla", _("SLA clock")
        NOTE = "note", _("Note")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_value = models.CharField(_("from"), max_length=100, blank=True)
    to_value = models.CharField(_("to"), max_length=100, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket}: {self.get_kind_display()}"
