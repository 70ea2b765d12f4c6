"""Sending an Italian company's e-invoices to the exchange (SdI) through a channel, and what
its receipts say: to send -> sent -> delivered or rejected. A rejected invoice was never
issued as far as the exchange knows: it is corrected by an internal credit note and issued
again as a new invoice (billing.services.invoices.reissue_rejected).

The channel is settings.BILLING_EINVOICE_CHANNEL (a dotted path, default the folder outbox of
billing.einvoice.transmission.OutboxChannel) built with settings.BILLING_EINVOICE_CHANNEL_OPTIONS
(default: the folder var/sdi). Each transmission takes the next number of its company's own
progressive, under the company's row lock, so no two files of a company share a name; a
re-send reuses the transmission's name and id, so the exchange sees a duplicate, never a
second invoice."""

from __future__ import annotations

import contextlib
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput, TransitionNotAllowed

from ..einvoice import fatturapa
from ..einvoice.transmission import Channel, Receipt, ReceiptKind, parse_receipt, transmission_id
from ..models import Company, EInvoiceTransmission, Invoice
from . import einvoices

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ITALY = "IT"
State = EInvoiceTransmission.State
SENDABLE = (State.TO_SEND, State.SENT)  # sent again after a timeout: the same file


def channel() -> Channel:
    return import_string(settings.BILLING_EINVOICE_CHANNEL)(
        **settings.BILLING_EINVOICE_CHANNEL_OPTIONS
    )


def applies_to(company: Company) -> bool:
    return company.country == ITALY


def _rejected_original(invoice: Invoice) -> bool:
    corrected = invoice.corrects
    if corrected is None:
        return False
    return EInvoiceTransmission.objects.filter(invoice=corrected, state=State.REJECTED).exists()


def queue(invoice: Invoice) -> EInvoiceTransmission | None:
    """The transmission of a newly issued document of an Italian company, to send; None
    elsewhere, and for the internal credit note of a rejected invoice (the exchange never took
    that invoice). Call inside the issuing transaction."""
    if not applies_to(invoice.company) or invoice.is_draft or _rejected_original(invoice):
        return None
    if not invoice.company.vat_number:
        return None  # no file name without the transmitter's VAT number: ensure_queued says so
    existing = EInvoiceTransmission.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    Company.objects.select_for_update().filter(pk=invoice.company_id).first()
    last = EInvoiceTransmission.objects.filter(company_id=invoice.company_id).aggregate(
        m=Max("progressive")
    )["m"]
    sequence = (last or 0) + 1
    document = einvoices.document_for(invoice)
    return EInvoiceTransmission.objects.create(
        invoice=invoice,
        company_id=invoice.company_id,
        progressive=sequence,
        file_name=fatturapa.file_name(document, sequence),
        transmission_id=transmission_id(document),
    )


def ensure_queued(invoice: Invoice) -> EInvoiceTransmission:
    """The document's transmission, made now for one issued before transmissions existed."""
    with transaction.atomic():
        found = queue(invoice)
    if found is None and applies_to(invoice.company) and not invoice.company.vat_number:
        raise InvalidInput(
            _("The company needs its VAT number to send e-invoices to the exchange."),
            field="vat_number",
        )
    if found is None and applies_to(invoice.company) and not invoice.is_draft:
        raise InvalidInput(
            _(
                "This credit note corrects an invoice the exchange rejected: it stays in the "
                "books and is not sent."
            ),
            field="invoice",
        )
    if found is None:
        raise InvalidInput(
            _("Only an Italian company's issued documents go to the exchange."), field="invoice"
        )
    return found


def xml_of(row: EInvoiceTransmission) -> bytes:
    """The FatturaPA file of the transmission, validated (EInvoiceInvalid names the field)."""
    return fatturapa.to_fatturapa(einvoices.document_for(row.invoice), row.progressive)


def send(*, invoice: Invoice, by: User | None = None) -> EInvoiceTransmission:
    """Send the document's file through the channel: the first time, or again with the same
    name after a timeout. A delivered or rejected one is not sent again. A failing export or
    channel marks nothing sent."""
    row = ensure_queued(invoice)
    with transaction.atomic():
        row = (
            EInvoiceTransmission.objects.select_for_update(of=("self",))
            .select_related("invoice__company", "invoice__customer", "invoice__corrects")
            .get(pk=row.pk)
        )
        if row.state not in SENDABLE:
            raise TransitionNotAllowed(
                _("This e-invoice is %(state)s: it is not sent again.")
                % {"state": row.get_state_display().lower()},
                field="state",
            )
        content = xml_of(row)
        digest = hashlib.sha256(content).hexdigest()
        out = channel()
        out.send(file_name=row.file_name, content=content, transmission_id=row.transmission_id)
        row.state = State.SENT
        row.channel = out.name
        row.content_sha256 = digest
        row.attempts += 1
        row.sent_at = timezone.now()
        row.save()
    return row


def _apply(row: EInvoiceTransmission, receipt: Receipt) -> bool:
    state = State.REJECTED if receipt.kind == ReceiptKind.REJECTED else State.DELIVERED
    if row.state == state and row.receipt_kind == receipt.kind:
        return False  # the same receipt again
    if row.state in (State.DELIVERED, State.REJECTED):
        raise TransitionNotAllowed(
            _("%(file)s already has its receipt (%(state)s).")
            % {"file": row.file_name, "state": row.get_state_display().lower()},
            field="receipt",
        )
    row.state = state
    row.receipt_kind = str(receipt.kind)
    row.receipt_at = receipt.received_at or timezone.now()
    row.exchange_id = receipt.exchange_id[:40]
    if receipt.kind == ReceiptKind.NOT_DELIVERED:
        row.receipt_message = _(
            "Not delivered to the buyer: it waits in their reserved area at the Agenzia."
        )
    else:
        row.receipt_message = "\n".join(receipt.errors)
    row.save()
    return True


@transaction.atomic
def import_receipt(*, content: bytes, by: User | None = None) -> EInvoiceTransmission:
    """Record what a receipt of the exchange says about the file it names. The same receipt
    twice changes nothing; a receipt for a file never sent is refused."""
    receipt = parse_receipt(content)
    row = (
        EInvoiceTransmission.objects.select_for_update().filter(file_name=receipt.file_name).first()
    )
    if row is None:
        raise InvalidInput(
            _("No e-invoice was sent as %(file)s.") % {"file": receipt.file_name},
            field="receipt",
        )
    if row.state == State.TO_SEND:
        raise TransitionNotAllowed(
            _("%(file)s was never sent: a receipt for it is not believed.")
            % {"file": row.file_name},
            field="receipt",
        )
    _apply(row, receipt)
    return row


def collect_receipts() -> int:
    """Import the receipts the channel has waiting; each one imported (or refused for good) is
    not offered again. Safe to run twice. Returns the receipts read."""
    out = channel()
    read = 0
    for name, content in out.receipts():
        # A receipt for another system's file is set aside with the rest.
        with contextlib.suppress(InvalidInput):
            import_receipt(content=content)
        out.done(name)
        read += 1
    return read
