"""Who issues the invoices and at which rates: the issuing company and the VAT rates of its
country, both data (rows loaded by a migration and edited in the back office), never constants."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Country(models.TextChoices):
    ITALY = "IT", _("Italy")
    SPAIN = "ES", _("Spain")
    BULGARIA = "BG", _("Bulgaria")


class Company(models.Model):
    """The company that issues invoices (one by default; a group may have several)."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    address = models.CharField(_("street address"), max_length=250, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.ITALY
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    language = models.CharField(
        _("invoice language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    payment_days = models.PositiveSmallIntegerField(_("days to pay"), default=30)
    is_default = models.BooleanField(_("default company"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="company_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name


class TaxRate(models.Model):
    """A VAT rate of a country. Zero and exempt rates carry the legal reason printed on the
    invoice line."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        REDUCED = "reduced", _("Reduced")
        SUPER_REDUCED = "super_reduced", _("Super-reduced")
        ZERO = "zero", _("Zero rate")
        EXEMPT = "exempt", _("Exempt")

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    legal_reason = models.CharField(_("legal reason"), max_length=250, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        ordering = ["country", "-rate", "kind"]

    def __str__(self) -> str:
        return f"{self.country} {self.rate}% ({self.get_kind_display()})"

    @property
    def category(self) -> str:
        """The EN 16931 VAT category code (UNCL5305) of lines at this rate."""
        if self.kind == self.Kind.EXEMPT:
            return "E"
        if self.kind == self.Kind.ZERO:
            return "Z"
        return "S"
