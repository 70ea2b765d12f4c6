"""Workshop repairs (repair orders, their units and steps, manufacturer returns) and the loaner
pool (loaner units and their loans)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from catalog.models import Part
from customers.models import Appliance, ApplianceModel, Customer
from inventory.models import QUANTITY, StockMove
from tickets.models import Ticket, Visit


class RepairOrder(models.Model):
    """Units of one ticket taken to the workshop, and where they are in it. The ticket stays
    open until the order is returned (tickets.closing)."""

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")
        RECEIVED = "received", _("Received in the workshop")
        DIAGNOSING = "diagnosing", _("Diagnosing")
        WAITING_FOR_PARTS = "waiting_for_parts", _("Waiting for parts")
        REPAIRING = "repairing", _("Repairing")
        TESTING = "testing", _("Testing")
        READY = "ready", _("Ready")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    class Handover(models.TextChoices):
        PICK_UP = "pick_up", _("We pick it up")
        DROP_OFF = "drop_off", _("The customer drops it off")

    class Source(models.TextChoices):
        VISIT = "visit", _("A visit that needs the workshop")
        DESK = "desk", _("The desk")
        CUSTOMER = "customer", _("The customer")

    OPEN_STATUSES = (
        Status.OPENED,
        Status.RECEIVED,
        Status.DIAGNOSING,
        Status.WAITING_FOR_PARTS,
        Status.REPAIRING,
        Status.TESTING,
        Status.READY,
    )

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="repair_orders"
    )
    source = models.CharField(_("opened by"), max_length=10, choices=Source.choices)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repair_orders",
        help_text=_("The visit that found the unit needs the workshop."),
    )
    handover = models.CharField(_("handover"), max_length=10, choices=Handover.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPENED, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"RO-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RepairUnit(models.Model):
    """One appliance of a repair order."""

    order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="units"
    )
    appliance = models.ForeignKey(
        Appliance, verbose_name=_("appliance"), on_delete=models.PROTECT, related_name="repairs"
    )
    fault = models.TextField(_("fault"), blank=True)

    class Meta:
        verbose_name = _("unit in repair")
        verbose_name_plural = _("units in repair")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "appliance"], name="repair_unit_once"),
        ]

    def __str__(self) -> str:
        return str(self.appliance)


class RepairStep(models.Model):
    """One step of a repair order in the workshop: when, who, notes. Never edited."""

    order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(_("step"), max_length=20, choices=RepairOrder.Status.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("workshop step")
        verbose_name_plural = _("workshop steps")
        ordering = ["order", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.get_status_display()}"


class RepairPart(models.Model):
    """A part fitted on a repair order in the workshop, taken from the workshop's stock by its
    stock move (depot.services.use_part). Never edited: a correction is a stock adjustment."""

    order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="parts"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="repair_uses"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    move = models.OneToOneField(
        StockMove,
        verbose_name=_("stock move"),
        on_delete=models.PROTECT,
        related_name="repair_part",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("part used in the workshop")
        verbose_name_plural = _("parts used in the workshop")
        ordering = ["order", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="repair_part_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.part.sku} x {self.amount}"

    @property
    def amount(self) -> str:
        """The quantity as a person writes it: 2, 1.5 (not 2.000)."""
        return f"{self.quantity.normalize():f}"


class ManufacturerReturn(models.Model):
    """A unit under the manufacturer's warranty sent on to the manufacturer (RMA), until it
    comes back."""

    unit = models.ForeignKey(
        RepairUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="manufacturer_returns",
    )
    rma_number = models.CharField(_("manufacturer's RMA number"), max_length=60)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    back_at = models.DateTimeField(_("back"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("manufacturer return")
        verbose_name_plural = _("manufacturer returns")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # A unit is at the manufacturer once at a time.
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(back_at__isnull=True), name="one_open_rma"
            ),
        ]

    def __str__(self) -> str:
        return self.rma_number


class LoanerUnit(models.Model):
    """A serial-tracked unit of the loaner pool."""

    serial_number = models.CharField(_("serial number"), max_length=100, unique=True)
    model = models.ForeignKey(
        ApplianceModel,
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loaners",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("in the pool"), default=True)

    class Meta:
        verbose_name = _("loaner unit")
        verbose_name_plural = _("loaner units")
        ordering = ["serial_number"]

    def __str__(self) -> str:
        what = str(self.model) if self.model_id else self.description
        return f"{what} #{self.serial_number}".strip()


class Loan(models.Model):
    """A loaner lent to a customer for a ticket, from hand-over to collection."""

    unit = models.ForeignKey(
        LoanerUnit, verbose_name=_("loaner unit"), on_delete=models.PROTECT, related_name="loans"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="loans"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="loans"
    )
    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loans",
    )
    due_on = models.DateField(_("due back on"))
    deposit = MoneyField(
        _("deposit"),
        max_digits=10,
        decimal_places=2,
        default_currency="EUR",
        null=True,
        blank=True,
    )
    lent_at = models.DateTimeField(_("handed over"), default=timezone.now)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lent_at_visit = models.ForeignKey(
        Visit,
        verbose_name=_("handed over at visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loans_handed_over",
    )
    returned_at = models.DateTimeField(_("collected"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at_visit = models.ForeignKey(
        Visit,
        verbose_name=_("collected at visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loans_collected",
    )
    # Set by the reminder sweep with a conditional update, so each reminder is sent once.
    reminded_before_at = models.DateTimeField(_("reminded before due"), null=True, blank=True)
    reminded_after_at = models.DateTimeField(_("reminded when overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_at", "-pk"]
        constraints = [
            # Never lent twice at once: one open loan per unit, whatever the caller.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(returned_at__isnull=True),
                name="one_open_loan_per_loaner",
            ),
            models.CheckConstraint(
                condition=models.Q(deposit__isnull=True) | models.Q(deposit__gte=0),
                name="loan_deposit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.customer}"

    @property
    def is_out(self) -> bool:
        return self.returned_at is None
