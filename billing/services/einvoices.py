"""An invoice as the e-invoice modules read it (billing.einvoice.Document), and its
business-rule check before a number is given. The exports are billing.documents.einvoice."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from ..einvoice import rules
from ..einvoice.document import Document, DocumentLine, Kind, Party, subtotals_for
from ..einvoice.errors import EInvoiceInvalid
from ..models import Company, Invoice, InvoiceLine

# The number a draft is checked under: the real one is given only once the check has passed.
PENDING_NUMBER = "PENDING"


def _vat(number: str, country: str) -> str:
    """A VAT number with its country prefix, as EN 16931 and FatturaPA write it."""
    number = number.replace(" ", "").upper()
    if number and not number[:2].isalpha():
        number = country.upper() + number
    return number


def _seller(company: Company) -> Party:
    return Party(
        name=company.legal_name,
        country_code=company.country,
        vat_number=_vat(company.vat_number, company.country),
        tax_code=company.tax_code,
        address_lines=(company.address,) if company.address else (),
        postal_code=company.postal_code,
        city=company.city,
    )


def _buyer(invoice: Invoice) -> Party:
    country = invoice.buyer_country or invoice.company.country
    site = invoice.customer.sites.order_by("pk").first()
    if site is not None:
        street, postal_code, city = site.address, site.postal_code, site.city
    else:
        street, postal_code, city = invoice.buyer_address, "", ""
    return Party(
        name=invoice.buyer_name or invoice.customer.name,
        country_code=country,
        vat_number=_vat(invoice.buyer_vat_number, country),
        tax_code=invoice.buyer_tax_code,
        address_lines=(street,) if street else (),
        postal_code=postal_code,
        city=city,
        email=invoice.customer.email or "",
    )


def document_for(
    invoice: Invoice,
    lines: Sequence[InvoiceLine] | None = None,
    *,
    number: str | None = None,
    issued_on: datetime.date | None = None,
) -> Document:
    """The invoice as an e-invoice document. A draft is read under PENDING_NUMBER and today's
    date, so that it can be checked before it is numbered."""
    lines = list(invoice.lines.all()) if lines is None else list(lines)
    doc_lines = tuple(
        DocumentLine(
            position=index,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            net_amount=line.net_amount,
            tax_category=line.category,
            tax_rate=line.rate,
            discount_percent=line.discount_percent,
            exemption_reason=line.exemption_reason,
        )
        for index, line in enumerate(sorted(lines, key=lambda x: (x.position, x.pk or 0)), 1)
    )
    subtotals = subtotals_for(doc_lines)
    net = sum((line.net_amount for line in doc_lines), Decimal("0.00"))
    tax = sum((row.tax_amount for row in subtotals), Decimal("0.00"))
    corrected = invoice.corrects
    return Document(
        kind=Kind(invoice.kind),
        number=number or invoice.number or PENDING_NUMBER,
        issue_date=issued_on or invoice.issued_on or timezone.localdate(),
        currency=invoice.currency,
        seller=_seller(invoice.company),
        buyer=_buyer(invoice),
        lines=doc_lines,
        subtotals=subtotals,
        net_total=net,
        tax_total=tax,
        grand_total=net + tax,
        amount_due=net + tax - invoice.paid_total,
        paid_amount=invoice.paid_total,
        stamp_duty=invoice.stamp_duty,
        preceding_invoice_number=corrected.number or "" if corrected else "",
        preceding_invoice_date=corrected.issued_on if corrected else None,
        due_date=invoice.due_on,
        payment_iban=invoice.company.iban,
        notes=tuple(n for n in (invoice.reason, invoice.notes) if n),
    )


def check_before_numbering(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """Refuse, naming the field and the rule, an invoice whose amounts and VAT breakdown the
    receiving systems would reject (EN 16931's business rules). Called by issue_invoice with
    the invoice's final lines and totals, before it takes a number."""
    problems = [
        p
        for p in rules.check(document_for(invoice, lines))
        # The parties' details are checked by the export for the channel that needs them; a
        # consumer's invoice without a postal code is still an invoice.
        if p.field.startswith(("lines", "subtotals", "net_total", "tax_total", "grand_total"))
        or p.rule == "CURRENCY"
    ]
    if problems:
        first = problems[0]
        raise EInvoiceInvalid(str(first), field=first.field, rule=first.rule)
