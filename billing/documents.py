"""An invoice as HTML and PDF (WeasyPrint), in the customer's language, and the accountant's
CSV of invoices and lines."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import totals
from .einvoice import facturx
from .einvoice.errors import EInvoiceInvalid
from .einvoice.transmission import transmission_id
from .models import Invoice, InvoiceLine
from .services import einvoices, transmissions, verifactu
from .services.taxes import REVERSE_CHARGE_WORDING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def with_document_data(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return invoices.select_related("company", "customer", "corrects").prefetch_related(
        "lines", "payments"
    )


def breakdown(invoice: Invoice) -> totals.Totals:
    return totals.compute(
        (
            totals.Line(
                quantity=line.quantity,
                unit_price=line.unit_price,
                currency=invoice.currency,
                discount_percent=line.discount_percent,
                rate=line.rate,
                category=line.category,
            )
            for line in invoice.lines.all()
        ),
        invoice.currency,
    )


def as_html(invoice: Invoice, *, language: str | None = None, back_url: str = "") -> str:
    language = language or invoice.language or "en"
    with translation.override(language):
        return render_to_string(
            "billing/document.html",
            {
                "invoice": invoice,
                "company": invoice.company,
                "lines": invoice.lines.all(),
                "groups": breakdown(invoice).groups,
                "reverse_charge_wording": str(REVERSE_CHARGE_WORDING),
                "back_url": back_url,
                "LANGUAGE_CODE": language,
                # segno's own SVG of the AEAT's address: no user text in it.
                "verifactu_qr": mark_safe(verifactu.qr_svg(invoice)),  # noqa: S308
            },
        )


def as_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - it needs Debian's pango, only for PDFs

    return bytes(HTML(string=as_html(invoice, language=language)).write_pdf())


def filename(invoice: Invoice) -> str:
    name = (invoice.number or f"draft-{invoice.pk}").replace("/", "-")
    return f"invoice-{name}.pdf"


def pdf_response(invoice: Invoice) -> HttpResponse:
    answer = HttpResponse(as_pdf(invoice), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{filename(invoice)}"'
    return answer


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(invoices: Iterable[Invoice]) -> Iterator[str]:
    """One row per invoice line, with its invoice's fields: what an accountant imports."""
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            _("Number"),
            _("Kind"),
            _("Issued on"),
            _("Due on"),
            _("Customer"),
            _("VAT number"),
            _("Country"),
            _("Currency"),
            _("Net total"),
            _("VAT"),
            _("Stamp duty"),
            _("Total"),
            _("Paid"),
            _("Corrects"),
            _("Line"),
            _("Description"),
            _("Quantity"),
            _("Unit price"),
            _("Discount (%)"),
            _("VAT category"),
            _("VAT (%)"),
            _("Exemption reason"),
            _("Amount"),
        ]
    )
    for invoice in invoices:
        head = [
            invoice.number,
            invoice.get_kind_display(),
            invoice.issued_on,
            invoice.due_on or "",
            invoice.buyer_name,
            invoice.buyer_vat_number,
            invoice.buyer_country,
            invoice.currency,
            invoice.net_total,
            invoice.tax_total,
            invoice.stamp_duty,
            invoice.gross_total,
            invoice.paid_total,
            invoice.corrects.number if invoice.corrects else "",
        ]
        line: InvoiceLine
        for line in invoice.lines.all():
            yield writer.writerow(
                [
                    _cell(v)
                    for v in [
                        *head,
                        line.position,
                        line.description,
                        line.quantity,
                        line.unit_price,
                        line.discount_percent,
                        line.category,
                        line.rate,
                        line.exemption_reason,
                        line.net_amount,
                    ]
                ]
            )


def einvoice(invoice: Invoice) -> tuple[str, str, bytes]:
    """The e-invoice of an issued invoice: (file name, content type, bytes). FatturaPA for an
    Italian company, Factur-X elsewhere; validated first, so a failing export says which
    field and produces nothing. The same document gives the same transmission id and file
    name every time, so sending it again never makes a second one at the receiver."""
    if invoice.is_draft:
        raise EInvoiceInvalid(_("Issue the invoice first: a draft has no number."), field="status")
    if transmissions.applies_to(invoice.company):
        # The file under its transmission's name and progressive: the one sent to the exchange.
        row = transmissions.ensure_queued(invoice)
        return row.file_name, "application/xml", transmissions.xml_of(row)
    document = einvoices.document_for(invoice)
    name = f"{invoice.number.replace('/', '-')}-{transmission_id(document)[:8]}.pdf"
    return name, "application/pdf", facturx.to_facturx(document, as_pdf(invoice))
