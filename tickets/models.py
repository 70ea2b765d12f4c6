"""Tickets, their visits and history, the error-code catalog, and the SLA calendar."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from customers.models import Appliance, ApplianceModel, Customer, Site
from technicians.models import Skill, Technician


class BusinessCalendar(models.Model):
    """Opening hours and public holidays that SLA clocks count in."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(
        _("closes at"),
        default=datetime.time(18, 0),
        help_text=_("Equal to the opening time for a calendar open around the clock."),
    )
    workdays = models.CharField(
        _("workdays"),
        max_length=13,
        default="0,1,2,3,4",
        help_text=_("Weekday numbers, Monday = 0, separated by commas."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.workdays.split(",") if d.strip() != "")


class Holiday(models.Model):
    """A public holiday: no business hours that day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Part(models.Model):
    """A spare part from the catalog."""

    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class ErrorCode(models.Model):
    """What a code on an appliance's display means, and what fixing it takes.

    Belongs either to one appliance model or to a manufacturer and category; the model-specific
    entry wins when both exist.
    """

    appliance_model = models.ForeignKey(
        ApplianceModel,
        verbose_name=_("appliance model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="error_codes",
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    category = models.CharField(
        _("category"), max_length=20, choices=ApplianceModel.Category.choices
    )
    code = models.CharField(_("code"), max_length=30)
    normalized_code = models.CharField(_("normalized code"), max_length=30, editable=False)
    title = models.CharField(_("title"), max_length=200)
    probable_cause = models.TextField(_("probable cause"), blank=True)
    fix_steps = models.TextField(_("known fix steps"), blank=True)
    tools = models.CharField(_("tools to bring"), max_length=250, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills needed"), blank=True, related_name="error_codes"
    )
    parts = models.ManyToManyField(
        Part, verbose_name=_("parts likely needed"), blank=True, related_name="error_codes"
    )

    class Meta:
        verbose_name = _("error code")
        verbose_name_plural = _("error codes")
        ordering = ["manufacturer", "category", "code"]
        indexes = [
            models.Index(fields=["normalized_code", "manufacturer", "category"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appliance_model", "normalized_code"],
                condition=models.Q(appliance_model__isnull=False),
                name="error_code_per_model",
            ),
            models.UniqueConstraint(
                fields=["manufacturer", "category", "normalized_code"],
                condition=models.Q(appliance_model__isnull=True),
                name="error_code_per_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        from .codes import normalize_code

        self.normalized_code = normalize_code(self.code)
        super().save(*args, **kwargs)


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
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


class Visit(models.Model):
    """One trip of one technician for a ticket."""

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        SCHEDULED = "scheduled", _("Scheduled")
        EN_ROUTE = "en_route", _("En route")
        ON_SITE = "on_site", _("On site")
        COMPLETED = "completed", _("Completed")
        CANNOT_COMPLETE = "cannot_complete", _("Could not complete")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NEEDS_PARTS = "needs_parts", _("Needs parts")
        CUSTOMER_ABSENT = "customer_absent", _("Customer absent")
        NEEDS_WORKSHOP = "needs_workshop", _("Needs workshop repair")

    # Statuses that hold the technician's time: the exclusion constraint covers exactly these.
    BUSY_STATUSES = (Status.SCHEDULED, Status.EN_ROUTE, Status.ON_SITE)

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="visits"
    )
    technician = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UNASSIGNED,
        db_index=True,
    )
    duration_minutes = models.PositiveSmallIntegerField(_("expected minutes"), default=90)
    window_start = models.DateTimeField(_("arrival window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("arrival window to"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True, db_index=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("arrived"), null=True, blank=True)
    actual_end = models.DateTimeField(_("finished"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("left for the site"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("The planner keeps it on its technician.")
    )
    pinned = models.BooleanField(
        _("time pinned"), default=False, help_text=_("The planner keeps its planned time too.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["planned_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True, planned_end__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="visit_planned_range",
            ),
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True, window_end__isnull=True)
                | models.Q(window_end__gt=models.F("window_start")),
                name="visit_window_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["scheduled", "en_route", "on_site"])
                | models.Q(technician__isnull=False, planned_start__isnull=False),
                name="busy_visit_has_technician_and_time",
            ),
        ]
        indexes = [models.Index(fields=["technician", "planned_start"])]

    def __str__(self) -> str:
        return f"{self.ticket} visit {self.pk}"

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)


def KEY_PER_VISIT(model: str) -> models.UniqueConstraint:  # noqa: N802 - used like a constant
    """A phone's idempotency key names one record of one visit; other visits' keys are apart."""
    return models.UniqueConstraint(fields=["visit", "client_key"], name=f"{model}_key_per_visit")


class JobEntry(models.Model):
    """What a technician records on a visit: a diagnostic, a finding or a note of work done.

    `client_key` is the phone's idempotency key: a replayed action finds its first record.
    """

    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic done")
        FINDING = "finding", _("Finding")
        WORK = "work", _("Work note")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.WORK)
    text = models.TextField(_("text"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("job entry")
        verbose_name_plural = _("job entries")
        ordering = ["at", "pk"]
        constraints = [KEY_PER_VISIT("jobentry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class PartUsed(models.Model):
    """A catalog part fitted on a visit."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="parts_used"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="part_quantity_positive"
            ),
            KEY_PER_VISIT("partused"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part}"


class RepairOption(models.Model):
    """A repair offered to the customer with its price, and what they decided."""

    class Decision(models.TextChoices):
        OFFERED = "offered", _("Offered")
        CHOSEN = "chosen", _("Chosen")
        DECLINED = "declined", _("Declined")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="repair_options"
    )
    description = models.CharField(_("description"), max_length=250)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OFFERED
    )
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("repair option")
        verbose_name_plural = _("repair options")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="repair_price_not_negative"
            ),
            KEY_PER_VISIT("repairoption"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.price})"


class Signature(models.Model):
    """The customer's signature on the completed visit, drawn on the phone."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="signature"
    )
    signed_by = models.CharField(_("signed by"), max_length=200)
    image = models.ImageField(_("image"), upload_to="signatures/%Y/%m/")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return self.signed_by


class VisitPhoto(models.Model):
    """A photo taken on the visit, resized on the server with its metadata (GPS too) removed."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to="photos/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["at", "pk"]
        constraints = [KEY_PER_VISIT("visitphoto")]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SyncAction(models.Model):
    """An action the phone sent (possibly again, after a lost answer): its key and result.

    A replay with the same key gets the stored result and records nothing twice.
    """

    key = models.CharField(_("key"), max_length=64)
    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    result = models.JSONField(_("result"), default=dict)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("synced action")
        verbose_name_plural = _("synced actions")
        # Keys are the phone's: one technician's cannot collide with, or reveal, another's.
        constraints = [
            models.UniqueConstraint(fields=["technician", "key"], name="sync_key_per_technician")
        ]

    def __str__(self) -> str:
        return self.key
