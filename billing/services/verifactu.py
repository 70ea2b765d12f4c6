"""Spain's VeriFactu chain kept in the database: a registration record (alta) for every
document a Spanish company issues (a credit note is a corrective invoice, R1), and a
cancellation record (anulación) when an invoice issued in error is cancelled. Records are
chained per issuer by their Huella (billing.einvoice.verifactu does the arithmetic) and only
ever appended (billing.models.VerifactuRecord).

The chain is written inside the issuing transaction, holding the issuing company's row lock,
so two documents issued at once never name the same previous record (and the unique
constraint on (issuer, previous hash) would refuse a fork if they did)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput

from ..einvoice import verifactu
from ..models import Company, Invoice, VerifactuRecord
from . import einvoices

SPAIN = "ES"
# The record's generation time is written with the issuer's offset (peninsular Spain).
SPANISH_TIME = ZoneInfo("Europe/Madrid")


def applies_to(company: Company) -> bool:
    return company.country == SPAIN


def as_record(row: VerifactuRecord) -> verifactu.Record:
    """The pure record of a stored row, as it was hashed."""
    return verifactu.Record(
        kind=verifactu.RecordKind(row.kind),
        issuer_nif=row.issuer_nif,
        invoice_number=row.invoice_number,
        invoice_date=row.invoice_date,
        generated_at=datetime.datetime.fromisoformat(row.generated_at),
        previous_hash=row.previous_hash,
        invoice_type=row.invoice_type,
        tax_total=row.tax_total,
        grand_total=row.grand_total,
        hash=row.hash,
    )


def _now() -> datetime.datetime:
    return timezone.now().astimezone(SPANISH_TIME).replace(microsecond=0)


def _last(nif: str) -> VerifactuRecord | None:
    return VerifactuRecord.objects.filter(issuer_nif=nif).order_by("-position").first()


def _store(
    company: Company, invoice: Invoice, record: verifactu.Record, last: VerifactuRecord | None
) -> VerifactuRecord:
    row = VerifactuRecord(
        company=company,
        issuer_nif=record.issuer_nif,
        position=(last.position + 1) if last else 1,
        kind=str(record.kind),
        invoice=invoice,
        invoice_number=record.invoice_number,
        invoice_date=record.invoice_date,
        invoice_type=record.invoice_type,
        tax_total=record.tax_total,
        grand_total=record.grand_total,
        generated_at=record.generated_at.isoformat(timespec="seconds"),
        previous_hash=record.previous_hash,
        hash=record.hash,
    )
    row.save()
    return row


def _lock_issuer(company: Company) -> None:
    Company.objects.select_for_update().filter(pk=company.pk).first()


def register_issued(invoice: Invoice) -> VerifactuRecord | None:
    """The registration record of an issued document of a Spanish company (None elsewhere).
    Call inside the issuing transaction, after the number is given."""
    company = invoice.company
    if not applies_to(company):
        return None
    if invoice.is_draft:
        raise InvalidInput(_("Only an issued document is registered."), field="invoice")
    _lock_issuer(company)
    document = einvoices.document_for(invoice)
    nif = verifactu.issuer_nif(document)
    if not nif:
        raise InvalidInput(
            _("The company needs its NIF (tax code or VAT number) for VeriFactu."),
            field="tax_code",
        )
    last = _last(nif)
    record = verifactu.registration(
        document, previous=as_record(last) if last else None, generated_at=_now()
    )
    return _store(company, invoice, record, last)


def register_cancellation(invoice: Invoice) -> VerifactuRecord | None:
    """The cancellation record of an invoice registered before (issued in error), None outside
    Spain. Call inside the transaction that cancels it."""
    company = invoice.company
    if not applies_to(company):
        return None
    _lock_issuer(company)
    registered = (
        VerifactuRecord.objects.filter(invoice=invoice, kind=VerifactuRecord.Kind.REGISTRATION)
        .order_by("position")
        .first()
    )
    if registered is None:
        raise InvalidInput(
            _("Invoice %(number)s has no VeriFactu record to cancel.") % {"number": invoice},
            field="invoice",
        )
    if VerifactuRecord.objects.filter(
        invoice=invoice, kind=VerifactuRecord.Kind.CANCELLATION
    ).exists():
        raise InvalidInput(
            _("Invoice %(number)s is already cancelled.") % {"number": invoice}, field="invoice"
        )
    last = _last(registered.issuer_nif)
    assert last is not None  # the registration itself is in the chain
    record = verifactu.cancellation(
        as_record(registered), previous=as_record(last), generated_at=_now()
    )
    return _store(company, invoice, record, last)


def chain(nif: str) -> list[verifactu.Record]:
    return [
        as_record(row)
        for row in VerifactuRecord.objects.filter(issuer_nif=nif).order_by("position")
    ]


def verify(nif: str) -> list[verifactu.ChainProblem]:
    """What is wrong with the issuer's stored chain; empty when every link holds."""
    return verifactu.verify_chain(chain(nif))


def registration_of(invoice: Invoice) -> VerifactuRecord | None:
    return (
        VerifactuRecord.objects.filter(invoice=invoice, kind=VerifactuRecord.Kind.REGISTRATION)
        .order_by("position")
        .first()
    )


def qr_svg(invoice: Invoice) -> str:
    """The AEAT's verification QR code of a registered invoice as inline SVG, or ""."""
    row = registration_of(invoice)
    if row is None:
        return ""
    svg = verifactu.qr_svg(as_record(row))
    # Drop the XML declaration: the SVG is inlined into the invoice's HTML.
    return svg[svg.index("<svg") :]


def qr_url(invoice: Invoice) -> str:
    row = registration_of(invoice)
    return verifactu.qr_url(as_record(row)) if row is not None else ""
