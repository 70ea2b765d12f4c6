"""Quotes: the repairs offered to a customer with their prices, and what the customer
decided, with who, when and how. Declined and expired quotes are kept."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from billing.totals import Line, line_net

from .charges import ChargeLine
from .prices import CURRENCY_CHOICES

CENT = Decimal("0.01")


def line_amount(
    quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, currency: str = "EUR"
) -> Decimal:
    """A line's amount as an invoice line's net (billing.totals.line_net: quantity times unit
    price less the discount, rounded half up to the currency's cents), so a quote's total is the
    sum of the amounts shown and matches the invoice its lines become."""
    return line_net(
        Line(
            quantity=quantity,
            unit_price=unit_price,
            currency=currency,
            discount_percent=discount_percent,
        )
    )


class Quote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    class How(models.TextChoices):
        PORTAL = "portal", _("In the portal")
        LINK = "link", _("Through the link in the email")
        PHONE = "phone", _("Signed on the technician's phone")

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="quotes"
    )
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text=_("The visit whose repair options the quote was built from."),
    )
    number = models.CharField(_("number"), max_length=30, unique=True, blank=True, null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    valid_until = models.DateField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("name of who decided"), max_length=200, blank=True)
    decided_how = models.CharField(_("how"), max_length=10, choices=How.choices, blank=True)
    signature = models.ImageField(_("signature"), upload_to="quote-signatures/%Y/%m/", blank=True)
    # The visit whose charges billed this accepted quote, so it is billed once.
    billed_visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("billed on visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal("0.00"))


class QuoteLine(models.Model):
    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ChargeLine.Kind.choices, default=ChargeLine.Kind.OTHER
    )
    description = models.CharField(_("description"), max_length=250)
    part = models.ForeignKey(
        "catalog.Part",
        verbose_name=_("part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repair_option = models.ForeignKey(
        "tickets.RepairOption",
        verbose_name=_("repair option"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quote_lines",
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("1"),
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

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return line_amount(
            self.quantity,
            self.unit_price.amount,
            self.discount_percent,
            str(self.unit_price.currency),
        )
