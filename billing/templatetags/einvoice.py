"""{% einvoice_panel invoice %}: on the office's invoice page, what happened to the document
outside the app: its e-invoice's way to the exchange (Italy) and its VeriFactu records and QR
code (Spain), with the actions that apply."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from ..einvoice_forms import ReceiptForm
from ..models import EInvoiceTransmission, Invoice, VerifactuRecord
from ..services import transmissions, verifactu

register = template.Library()


@register.inclusion_tag("billing/_einvoice.html")
def einvoice_panel(invoice: Invoice) -> dict:
    italian = transmissions.applies_to(invoice.company)
    spanish = verifactu.applies_to(invoice.company)
    row = (
        EInvoiceTransmission.objects.filter(invoice=invoice).first()
        if italian and not invoice.is_draft
        else None
    )
    records = (
        list(VerifactuRecord.objects.filter(invoice=invoice).order_by("position"))
        if spanish
        else []
    )
    return {
        "invoice": invoice,
        "italian": italian and not invoice.is_draft,
        "transmission": row,
        "sendable": row is None or row.state in transmissions.SENDABLE,
        "rejected": row is not None and row.state == EInvoiceTransmission.State.REJECTED,
        "receipt_form": ReceiptForm(),
        "records": records,
        # segno's own SVG of the AEAT's address: no user text in it.
        "qr": mark_safe(verifactu.qr_svg(invoice)) if records else "",  # noqa: S308
        "qr_url": verifactu.qr_url(invoice) if records else "",
    }
