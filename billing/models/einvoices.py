"""What happened to an issued document outside the app: Spain's VeriFactu records (an
append-only chain per issuer) and the sending of an Italian e-invoice to the exchange (SdI).

A VerifactuRecord is never changed or deleted once written: `save()` refuses an update and
`delete()` refuses outright, and on PostgreSQL a trigger refuses UPDATE and DELETE too, so the
chain is only ever appended to (billing.services.verifactu writes it)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldservice.errors import TransitionNotAllowed

from .invoices import Invoice
from .taxes import Company

ZERO = Decimal("0.00")


class VerifactuRecord(models.Model):
    """One link of an issuer's VeriFactu chain: a registration (alta) of an issued document or
    a cancellation (anulación) of one registered before. `generated_at` is kept as the exact
    text that was hashed (with its offset), so the Huella can be computed again."""

    class Kind(models.TextChoices):
        REGISTRATION = "alta", _("Registration")
        CANCELLATION = "anulacion", _("Cancellation")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_nif = models.CharField(_("issuer's NIF"), max_length=20)
    position = models.PositiveIntegerField(_("position in the chain"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="verifactu_records",
    )
    invoice_number = models.CharField(_("invoice number"), max_length=60)
    invoice_date = models.DateField(_("invoice date"))
    invoice_type = models.CharField(_("invoice type"), max_length=2, blank=True)
    tax_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=ZERO)
    grand_total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    generated_at = models.CharField(_("generated at"), max_length=32)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("VeriFactu record")
        verbose_name_plural = _("VeriFactu records")
        ordering = ["issuer_nif", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_nif", "position"], name="verifactu_one_per_position"
            ),
            # Two records naming the same previous one would fork the chain.
            models.UniqueConstraint(
                fields=["issuer_nif", "previous_hash"], name="verifactu_no_fork"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_nif} #{self.position} {self.kind} {self.invoice_number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TransitionNotAllowed(_("A VeriFactu record is never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TransitionNotAllowed(_("A VeriFactu record is never deleted."))


class EInvoiceTransmission(models.Model):
    """The sending of one issued document's e-invoice to the exchange through a channel, and
    what the exchange answered (its receipt). The progressive is the company's own sequence,
    so no two files of the company ever share a name."""

    class State(models.TextChoices):
        TO_SEND = "to_send", _("To send")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Rejected")

    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="transmission",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    progressive = models.PositiveIntegerField(_("progressive"))
    file_name = models.CharField(_("file name"), max_length=60, unique=True)
    transmission_id = models.CharField(_("transmission id"), max_length=36, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.TO_SEND
    )
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    exchange_id = models.CharField(_("exchange's id"), max_length=40, blank=True)
    receipt_kind = models.CharField(_("receipt"), max_length=4, blank=True)
    receipt_at = models.DateTimeField(_("receipt received at"), null=True, blank=True)
    receipt_message = models.TextField(_("receipt message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-invoice transmission")
        verbose_name_plural = _("e-invoice transmissions")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "progressive"], name="transmission_progressive_once"
            )
        ]

    def __str__(self) -> str:
        return self.file_name
