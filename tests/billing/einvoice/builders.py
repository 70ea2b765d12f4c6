"""A small builder of e-invoice documents for the tests: it does the arithmetic itself (not with
the module's helpers), so the rules are checked against an independent computation."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billing.einvoice.document import Document, DocumentLine, Kind, Party, TaxSubtotal

SELLER_IT = Party(
    name="Rossi Assistenza S.r.l.",
    country_code="IT",
    vat_number="IT00743110157",
    tax_code="00743110157",
    address_lines=("Via Roma 4",),
    postal_code="20121",
    city="Milano",
    province="MI",
)
BUYER_IT = Party(
    name="Bianchi Condomini S.r.l.",
    country_code="IT",
    vat_number="IT01234560017",
    address_lines=("Corso Venezia 10",),
    postal_code="20122",
    city="Milano",
    province="MI",
    recipient_code="ABC1234",
)
CONSUMER_IT = Party(
    name="Maria Verdi",
    country_code="IT",
    tax_code="VRDMRA80A41F205X",
    address_lines=("Via Dante 3",),
    postal_code="20123",
    city="Milano",
    province="MI",
)
BUYER_DE = Party(
    name="Müller Hausverwaltung GmbH",
    country_code="DE",
    vat_number="DE136695976",
    address_lines=("Hauptstraße 1",),
    postal_code="10115",
    city="Berlin",
)
SELLER_FR = Party(
    name="Dupont Dépannage SARL",
    country_code="FR",
    vat_number="FR40303265045",
    address_lines=("1 rue de la Paix",),
    postal_code="75002",
    city="Paris",
)

REASONS = {
    "E": ("Esente art. 10 DPR 633/72", "VATEX-EU-132", "N4"),
    "Z": ("Non imponibile art. 8 DPR 633/72", "", "N3.1"),
    "AE": ("Reverse charge", "VATEX-EU-AE", "N2.1"),
}


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def line(
    position: int,
    quantity: str,
    price: str,
    *,
    rate: str = "22",
    category: str = "S",
    discount: str = "0",
    description: str = "Labour",
    **extra: Any,
) -> DocumentLine:
    q, p, d = Decimal(quantity), Decimal(price), Decimal(discount)
    reason, code, local = REASONS.get(category, ("", "", ""))
    values: dict[str, Any] = {
        "position": position,
        "description": description,
        "quantity": q,
        "unit_price": p,
        "discount_percent": d,
        "net_amount": cents(q * p * (1 - d / 100)),
        "tax_category": category,
        "tax_rate": Decimal(rate),
        "exemption_reason": reason,
        "exemption_code": code,
        "local_exemption_code": local,
    }
    values.update(extra)
    return DocumentLine(**values)


def document(
    lines: list[DocumentLine],
    *,
    seller: Party = SELLER_IT,
    buyer: Party = BUYER_IT,
    kind: Kind = Kind.INVOICE,
    number: str = "2026/00001",
    **extra: Any,
) -> Document:
    taxable: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    first: dict[tuple[str, Decimal], DocumentLine] = {}
    for each in lines:
        key = (each.tax_category, each.tax_rate)
        taxable[key] += each.net_amount
        first.setdefault(key, each)
    rows = tuple(
        TaxSubtotal(
            category=key[0],
            rate=key[1],
            taxable_amount=amount,
            tax_amount=cents(amount * key[1] / 100),
            exemption_reason=first[key].exemption_reason,
            exemption_code=first[key].exemption_code,
            local_exemption_code=first[key].local_exemption_code,
        )
        for key, amount in taxable.items()
    )
    net = sum((each.net_amount for each in lines), Decimal("0.00"))
    tax = sum((row.tax_amount for row in rows), Decimal("0.00"))
    values: dict[str, Any] = {
        "kind": kind,
        "number": number,
        "issue_date": date(2026, 3, 10),
        "currency": "EUR",
        "seller": seller,
        "buyer": buyer,
        "lines": tuple(lines),
        "subtotals": rows,
        "net_total": net,
        "tax_total": tax,
        "grand_total": net + tax,
        "amount_due": net + tax,
        "payment_iban": "IT60X0542811101000000123456",
    }
    if kind == Kind.CREDIT_NOTE:
        values["preceding_invoice_number"] = "2026/00001"
        values["preceding_invoice_date"] = date(2026, 3, 1)
    values.update(extra)
    return Document(**values)


def replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)
