"""Time and materials: what a completed visit used (labour, parts, travel, the call-out fee),
priced, and who pays each line (the customer, the contract, or the manufacturer under
warranty). Invoices and warranty claims are built from these lines."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField


class ChargeLine(models.Model):
    class Kind(models.TextChoices):
        CALLOUT = "callout", _("Call-out fee")
        LABOUR = "labour", _("Labour")
        PART = "part", _("Part")
        TRAVEL = "travel", _("Travel")
        OTHER = "other", _("Other")

    class Payer(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        CONTRACT = "contract", _("Contract")
        MANUFACTURER = "manufacturer", _("Manufacturer (warranty)")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="charge_lines",
    )
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge_lines",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=250)
    part = models.ForeignKey(
        "catalog.Part",
        verbose_name=_("part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge_lines",
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit_price = MoneyField(_("unit price"), max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    payer = models.CharField(_("who pays"), max_length=12, choices=Payer.choices)
    payer_reason = models.CharField(_("why"), max_length=250, blank=True)
    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge_lines",
    )
    # The bank line a labour charge drew, when the contract's hours paid for it.
    hour_entry = models.OneToOneField(
        "contracts.HourBankEntry",
        verbose_name=_("hour bank line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charge_line",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        ordering = ["ticket", "visit", "pk"]
        indexes = [models.Index(fields=["payer", "created_at"], name="charge_payer_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.description}"
