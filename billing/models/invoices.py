"""Invoices, credit notes and deferred invoices, their lines, payments and number series.

A draft has no number; issuing (billing.services.invoices.issue_invoice) takes the buyer's
snapshot, stores the totals and assigns the next number of its series in one transaction.
An issued document is never edited: a credit note corrects it. Amounts are Decimals in the
invoice's currency (billing.totals does the arithmetic)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .taxes import Company, Country, TaxRate

ZERO = Decimal("0.00")


class CustomerBilling(models.Model):
    """What an invoice needs to know of a customer beyond its name: the billing address, the
    VAT number and tax code, the country."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="billing",
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    address = models.CharField(_("billing address"), max_length=250, blank=True)
    country = models.CharField(_("country"), max_length=2, default="IT")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer billing details")
        verbose_name_plural = _("customer billing details")

    def __str__(self) -> str:
        return str(self.customer_id)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        DEFERRED = "deferred", _("Deferred invoice")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="invoices"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    # NULL, not "", on drafts: a draft has no number at all (and the check constraint says so).
    number = models.CharField(_("number"), max_length=30, null=True, blank=True)  # noqa: DJ001
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    language = models.CharField(_("language"), max_length=8, default="en")
    # The buyer as they were when the document was issued.
    buyer_name = models.CharField(_("buyer"), max_length=200, blank=True)
    buyer_address = models.CharField(_("buyer's address"), max_length=250, blank=True)
    buyer_vat_number = models.CharField(_("buyer's VAT number"), max_length=20, blank=True)
    buyer_tax_code = models.CharField(_("buyer's tax code"), max_length=20, blank=True)
    buyer_country = models.CharField(_("buyer's country"), max_length=2, blank=True)
    reverse_charge = models.BooleanField(_("reverse charge"), default=False)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    work_done_on = models.DateField(_("work done on"), null=True, blank=True)
    net_total = models.DecimalField(_("net total"), max_digits=14, decimal_places=2, default=ZERO)
    tax_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=ZERO)
    stamp_duty = models.DecimalField(_("stamp duty"), max_digits=8, decimal_places=2, default=ZERO)
    gross_total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    paid_total = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=ZERO)
    credited_total = models.DecimalField(
        _("credited"), max_digits=14, decimal_places=2, default=ZERO
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="invoice_number_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(status="draft", number__isnull=True))
                | (models.Q(status="issued", number__isnull=False)),
                name="invoice_number_only_issued",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="invoice_customer_status"),
            models.Index(fields=["status", "due_on"], name="invoice_status_due"),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def amount_due(self) -> Decimal:
        """The total with VAT (BR-CO-15) and the stamp duty charged to the buyer."""
        return self.gross_total + self.stamp_duty

    @property
    def balance(self) -> Decimal:
        """What is left to pay: the amount due less payments and issued credit notes."""
        return self.amount_due - self.paid_total - self.credited_total


class InvoiceLine(models.Model):
    class Category(models.TextChoices):
        STANDARD = "S", _("Standard rate")
        ZERO = "Z", _("Zero rate")
        EXEMPT = "E", _("Exempt")
        REVERSE_CHARGE = "AE", _("Reverse charge")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=250)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    tax_rate = models.ForeignKey(
        TaxRate,
        verbose_name=_("tax rate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rate = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2, default=ZERO)
    category = models.CharField(
        _("VAT category"), max_length=2, choices=Category.choices, default=Category.STANDARD
    )
    exemption_reason = models.CharField(_("exemption reason"), max_length=250, blank=True)
    net_amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=ZERO)
    # The charge this line bills: a charge is on one invoice line at most.
    charge = models.OneToOneField(
        "billing.ChargeLine",
        verbose_name=_("charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_line",
    )
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        OTHER = "other", _("Other")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    method = models.CharField(_("method"), max_length=14, choices=Method.choices)
    paid_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


class NumberSeries(models.Model):
    """The last number given in a company's series (invoices, credit notes, deferred
    invoices) of one year; issuing locks the row, so numbers have no gaps and no doubles."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="series"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Invoice.Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "year"], name="series_once")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.kind} {self.year}: {self.last_number}"


__all__ = ["Country", "CustomerBilling", "Invoice", "InvoiceLine", "NumberSeries", "Payment"]
