"""Stock: where parts are (warehouses and each technician's van), the append-only ledger of
stock moves, the level row per part and place that the moves keep, reservations for tickets,
serial numbers, suppliers' purchase orders and reorder points.

Quantities change only through inventory.services.move_stock, which writes a StockMove and
updates its StockLevel rows in the same transaction under row locks: a level is the ledger's
sum without summing the ledger on every read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Part
from technicians.models import Technician
from tickets.models import Ticket, Visit

QUANTITY = {"max_digits": 12, "decimal_places": 3}


class StockLocation(models.Model):
    """A place that holds parts: a warehouse (or the workshop's shelf), or a technician's van
    (one per technician)."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        VAN = "van", _("Van")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    technician = models.OneToOneField(
        Technician,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="van",
    )
    # The warehouse a van is restocked from in the evening.
    restocked_from = models.ForeignKey(
        "self",
        verbose_name=_("restocked from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "warehouse"},
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Where the workshop's repairs take their parts from (depot.services.use_part): one
    # warehouse at most, chosen in the back office.
    is_workshop = models.BooleanField(
        _("the workshop's stock"),
        default=False,
        help_text=_("Parts used on repair orders in the workshop are taken from here."),
    )

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="van", technician__isnull=False)
                    | models.Q(kind="warehouse", technician__isnull=True)
                ),
                name="van_has_its_technician",
            ),
            models.CheckConstraint(
                condition=models.Q(is_workshop=False) | models.Q(kind="warehouse"),
                name="workshop_stock_is_a_warehouse",
            ),
            models.UniqueConstraint(
                fields=["is_workshop"],
                condition=models.Q(is_workshop=True),
                name="one_workshop_stock",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_van(self) -> bool:
        return self.kind == self.Kind.VAN


class SerialNumber(models.Model):
    """One serial-tracked unit of a part: in one place at a time (none once fitted on a visit
    or sent away). Its moves are its history."""

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="serials"
    )
    serial = models.CharField(_("serial number"), max_length=100)
    location = models.ForeignKey(
        StockLocation,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="serials",
    )

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        ordering = ["part", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["part", "serial"], name="serial_once_per_part")
        ]

    def __str__(self) -> str:
        return f"{self.part.sku} {self.serial}"


class StockLevel(models.Model):
    """How many of a part are at a location (`on_hand`) and how many of those are held for
    tickets (`reserved`). Written only by inventory.services, under this row's lock."""

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), on_delete=models.PROTECT, related_name="levels"
    )
    on_hand = models.DecimalField(_("on hand"), default=0, **QUANTITY)
    reserved = models.DecimalField(_("reserved"), default=0, **QUANTITY)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["location", "part"]
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="one_level_per_place"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="reserved_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.sku} @ {self.location}: {self.on_hand}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class StockMove(models.Model):
    """One line of the ledger: never edited, never deleted. A correction is a new adjustment
    dated when it is made. `key` makes a replay (the phone's sync, a form sent twice) a no-op.
    `shortfall` is what a consumption took beyond the stock of a part allowed below zero."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        TRANSFER = "transfer", _("Transfer")
        CONSUMPTION = "consumption", _("Consumption on a visit")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock_moves"
    )
    from_location = models.ForeignKey(
        StockLocation,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves_out",
    )
    to_location = models.ForeignKey(
        StockLocation,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves_in",
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    shortfall = models.DecimalField(_("shortfall"), default=0, **QUANTITY)
    serial = models.ForeignKey(
        SerialNumber,
        verbose_name=_("serial number"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_moves",
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False, db_index=True)
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="move_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(from_location__isnull=False)
                | models.Q(to_location__isnull=False),
                name="move_goes_somewhere",
            ),
        ]
        indexes = [models.Index(fields=["part", "at"], name="move_part_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} x {self.part.sku}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A stock move is never edited: record an adjustment instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A stock move is never deleted: record an adjustment instead.")


class Reservation(models.Model):
    """Parts held at a location for a ticket (and the visit that will fit them). HELD counts in
    its level's `reserved`; WAITING does not (not enough free stock yet): it turns HELD when
    stock arrives (when a purchase order says it is due: inventory.selectors.parts_status)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for stock")
        HELD = "held", _("Held")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="reservations"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reservations",
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="reservations"
    )
    location = models.ForeignKey(
        StockLocation,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"
            )
        ]
        indexes = [
            models.Index(
                fields=["ticket"],
                name="reservation_open",
                condition=models.Q(status__in=["waiting", "held"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part.sku} for {self.ticket}"


class ReorderPoint(models.Model):
    """Below `minimum` at this location the part is reordered (a warehouse) or restocked (a van)
    up to `target`."""

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.CASCADE, related_name="reorder_points"
    )
    location = models.ForeignKey(
        StockLocation,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="reorder_points",
    )
    minimum = models.DecimalField(_("reorder below"), **QUANTITY)
    target = models.DecimalField(_("fill up to"), **QUANTITY)

    class Meta:
        verbose_name = _("reorder point")
        verbose_name_plural = _("reorder points")
        ordering = ["location", "part"]
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="one_reorder_point"),
            models.CheckConstraint(
                condition=models.Q(minimum__gte=0, target__gte=models.F("minimum")),
                name="reorder_target_above_minimum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.sku} @ {self.location}: {self.minimum} -> {self.target}"


class Supplier(models.Model):
    """Who parts are bought from."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(models.Model):
    """Parts ordered from a supplier, to be received into a warehouse."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        PARTIAL = "partial", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="orders"
    )
    warehouse = models.ForeignKey(
        StockLocation,
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        limit_choices_to={"kind": "warehouse"},
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ORDERED
    )
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"PO-{self.pk} {self.supplier}"


class PurchaseOrderLine(models.Model):
    """One part on a purchase order and how many of it have arrived."""

    order = models.ForeignKey(
        PurchaseOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    received = models.DecimalField(_("received"), default=0, **QUANTITY)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="po_line_positive"),
            models.CheckConstraint(
                condition=models.Q(received__gte=0, received__lte=models.F("quantity")),
                name="po_line_received_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part.sku}"

    @property
    def outstanding(self):
        return self.quantity - self.received
