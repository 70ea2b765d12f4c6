"""Price lists: what labour, the call-out, travel and parts cost for the customers and
contracts a list applies to (else the company's default list). Every change is kept with who
made it and the values before and after (simple_history)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from tickets.models import Ticket

CURRENCY_CHOICES = [(code, code) for code in settings.CURRENCIES]


class PriceList(models.Model):
    """The prices of one currency. The default list prices work for anyone without a list of
    their own (a contract's list comes first, then the customer's)."""

    class Travel(models.TextChoices):
        NONE = "none", _("No travel charge")
        FLAT = "flat", _("Flat charge per visit")
        PER_KM = "per_km", _("Per kilometre")

    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default=settings.DEFAULT_CURRENCY
    )
    is_default = models.BooleanField(_("default list"), default=False)
    customers = models.ManyToManyField(
        "customers.Customer", verbose_name=_("customers"), blank=True, related_name="price_lists"
    )
    contracts = models.ManyToManyField(
        "contracts.ServiceContract",
        verbose_name=_("contracts"),
        blank=True,
        related_name="price_lists",
    )
    callout_fee = MoneyField(
        _("call-out fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    travel = models.CharField(
        _("travel charge"), max_length=10, choices=Travel.choices, default=Travel.NONE
    )
    travel_amount = MoneyField(
        _("travel amount (per visit or per km)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    history = HistoricalRecords(m2m_fields=[customers, contracts])

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_price_list",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LabourRate(models.Model):
    """The hourly rate of one kind of job on a price list, and the factors for work outside
    office hours and at weekends."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="rates"
    )
    kind = models.CharField(_("job kind"), max_length=20, choices=Ticket.Kind.choices)
    hourly_rate = MoneyField(_("hourly rate"), max_digits=10, decimal_places=2)
    after_hours_factor = models.DecimalField(
        _("after-hours factor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    weekend_factor = models.DecimalField(
        _("weekend factor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["price_list", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "kind"], name="one_rate_per_kind"),
            models.CheckConstraint(
                condition=models.Q(hourly_rate__gte=0), name="labour_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list}: {self.kind}"


class PartPrice(models.Model):
    """A part's price on one list, in place of the catalog's price."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="parts"
    )
    part = models.ForeignKey(
        "catalog.Part", verbose_name=_("part"), on_delete=models.CASCADE, related_name="prices"
    )
    price = MoneyField(_("price"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("part price")
        verbose_name_plural = _("part prices")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "part"], name="one_price_per_part"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="part_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list}: {self.part_id}"
