"""A ticket and its history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from catalog.models import Article, ErrorCode
from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from technicians.models import Skill

from ..clocks import clock_state


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

    class Resolution(models.TextChoices):
        """How a ticket solved without a visit was solved (tickets.services.resolve_remotely)."""

        EXPLAINED_USE = "explained_use", _("Explained how to use it")
        RESET_DONE = "reset_done", _("Reset done")
        SETTINGS_CHANGED = "settings_changed", _("Settings changed")
        NO_FAULT_FOUND = "no_fault_found", _("No fault found")
        OTHER = "other", _("Other")

    OPEN_STATUSES = (
        Status.NEW,
        Status.TRIAGED,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.AWAITING_CUSTOMER,
        Status.AWAITING_PARTS,
    )
    PAUSED_STATUSES = (Status.AWAITING_CUSTOMER, Status.AWAITING_PARTS)
    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)

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
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # Two clocks: the response target (met by the first public reply or a scheduled visit)
    # and the resolution target (met when resolved); each records when it was met.
    response_due_at = models.DateTimeField(_("response due"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("resolution due"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Who works on it now at its tier: cleared when the tier changes, so the ticket waits in
    # the new tier's queue until someone there takes it.
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_tickets",
    )
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    # Solved on the phone (tickets.services.resolve_remotely): how, with which article, when.
    # It counts as a remote fix while resolved or closed with no visit made since
    # (tickets.selectors.remote_fixes): a ticket reopened and then fixed on site is not one.
    resolution_code = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    solved_with = models.ForeignKey(
        Article,
        verbose_name=_("solved with article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="solved_tickets",
    )
    resolved_remotely_at = models.DateTimeField(_("solved on the phone at"), null=True, blank=True)
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
    # The organization's contact the ticket is for (who opened it in the portal, or the caller
    # the desk found): a requester sees the tickets they requested, and hears about them.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_tickets",
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
        indexes = [
            models.Index(fields=["status", "sla_due_at"]),
            # insights.kpis: tickets opened in a period (SLA compliance) and resolved in one
            # (mean time to repair, remote fixes).
            models.Index(fields=["created_at"], name="ticket_opened"),
            models.Index(fields=["resolved_at"], name="ticket_resolved"),
        ]

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

    @cached_property
    def requester(self) -> Contact | None:
        """The organization's contact who asked for the ticket (requested_by, in their role and
        with their phone at the ticket's customer), while they are still its contact. A list
        prefetches `requested_by__contacts` so that this costs no query per row."""
        if self.requested_by_id is None or self.requested_by is None:
            return None
        return next(
            (c for c in self.requested_by.contacts.all() if c.customer_id == self.customer_id),
            None,
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def response_state(self) -> str:
        """ "met", "met_late", "breached", "at_risk" or "fine" (tickets.sla.clock_state)."""
        return clock_state(
            due=self.response_due_at, met_at=self.responded_at, paused=self.sla_paused_at
        )

    @property
    def resolution_state(self) -> str:
        """The resolution clock's state, like response_state."""
        return clock_state(due=self.sla_due_at, met_at=self.resolved_at, paused=self.sla_paused_at)


class TicketEvent(models.Model):
    """One line of a ticket's history: who changed what, when and why."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        STATUS = "status", _("Status changed")
        ESCALATED = "escalated", _("Escalated")
        DEESCALATED = "deescalated", _("De-escalated")
        TAKEN = "taken", _("Taken")
        HANDED_OVER = "handed_over", _("Handed over")
        ASSIGNED = "assigned", _("Visit assigned")
        UNASSIGNED = "unassigned", _("Visit unassigned")
        OVERRIDE = "override", _("Dispatcher override")
        VISIT = "visit", _("Visit status changed")
        VISIT_CREATED = "visit_created", _("Visit created")
        SLA = "sla", _("SLA clock")
        PRIORITY = "priority", _("Priority changed")
        KIND = "kind", _("Kind of job changed")
        RESPONDED = "responded", _("Responded")
        REMOTE_FIX = "remote_fix", _("Solved on the phone")
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
