"""The e-invoice as the exchanges see it: plain, frozen values, no database.

The invoicing code maps an issued Invoice (or credit note, or deferred invoice) to a `Document`;
every export here (FatturaPA, Factur-X, VeriFactu records) reads only this. Amounts are Decimal in
the document's currency, positive on a credit note too (the kind says it is a credit), rounded to
cents. Tax categories are EN 16931's (UNCL5305): S standard, Z zero rated, E exempt, AE reverse
charge, K intra-community supply, G export, O outside the scope of VAT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class Kind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    DEFERRED = "deferred"  # Italy's deferred invoice (TD24): the month's visits on one invoice


class TaxCategory(StrEnum):
    """UNCL5305 as EN 16931 restricts it."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"


# Categories whose lines carry no VAT, and so a legal reason instead.
ZERO_RATE_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G", "O"})


def cents(amount: Decimal) -> Decimal:
    """Round to the cent the way the receivers do (half away from zero)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """A line's net amount: quantity x unit price x (1 - discount), rounded once, to the cent.

    Rounding once at the end (not the discounted unit price first) is what both EN 16931 and the
    Italian exchange (check 00423, with its 1-cent tolerance) accept.
    """
    return cents(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)


@dataclass(frozen=True)
class Party:
    """The seller or the buyer."""

    name: str
    country_code: str  # ISO 3166-1 alpha-2
    vat_number: str = ""  # with its country prefix: "IT00743110157"; empty for a consumer
    tax_code: str = ""  # Italy's codice fiscale, Spain's NIF, Bulgaria's EIK/EGN
    address_lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    province: str = ""  # Italy's two-letter provincia
    email: str = ""
    # Italy (SDI): where the buyer receives e-invoices. A 7-character codice destinatario, or
    # a PEC address (the code is then "0000000"); neither: "0000000", the buyer's drawer.
    recipient_code: str = ""
    pec: str = ""
    tax_regime: str = "RF01"  # Italy's regime fiscale of the seller; RF01 = ordinary


@dataclass(frozen=True)
class DocumentLine:
    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal  # net of VAT, before the discount
    net_amount: Decimal  # line_net(quantity, unit_price, discount_percent)
    tax_category: str  # a TaxCategory value
    tax_rate: Decimal  # percent: Decimal("22")
    discount_percent: Decimal = ZERO
    unit_code: str = "C62"  # UN/ECE rec. 20; C62 = one, HUR = hour
    exemption_reason: str = ""  # the legal wording, for lines without VAT
    exemption_code: str = ""  # VATEX code (CEF list): "VATEX-EU-AE"
    local_exemption_code: str = ""  # the country's own code: Italy's Natura "N4", "N6.9"
    currency: str = ""  # empty: the document's; anything else is an error the rules report


@dataclass(frozen=True)
class TaxSubtotal:
    """One row of the VAT breakdown: the lines of one category at one rate."""

    category: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""
    local_exemption_code: str = ""


@dataclass(frozen=True)
class Document:
    kind: Kind
    number: str
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    subtotals: tuple[TaxSubtotal, ...]
    net_total: Decimal  # sum of the line nets (no document-level allowances or charges)
    tax_total: Decimal
    grand_total: Decimal  # net_total + tax_total
    amount_due: Decimal  # grand_total - paid_amount
    paid_amount: Decimal = ZERO
    stamp_duty: Decimal = ZERO  # Italy's imposta di bollo (2.00 on exempt invoices > 77.47)
    preceding_invoice_number: str = ""  # the invoice a credit note corrects
    preceding_invoice_date: date | None = None
    due_date: date | None = None
    payment_iban: str = ""
    notes: tuple[str, ...] = field(default=())


def subtotals_for(lines: Iterable[DocumentLine]) -> tuple[TaxSubtotal, ...]:
    """The VAT breakdown of some lines: one row per category and rate, tax rounded per row
    (BR-CO-17), the reason taken from the row's first line."""
    groups: dict[tuple[str, Decimal], list[DocumentLine]] = defaultdict(list)
    for line in lines:
        groups[(line.tax_category, line.tax_rate)].append(line)
    rows = []
    for (category, rate), members in sorted(groups.items()):
        taxable = sum((line.net_amount for line in members), ZERO)
        first = members[0]
        rows.append(
            TaxSubtotal(
                category=category,
                rate=rate,
                taxable_amount=taxable,
                tax_amount=cents(taxable * rate / HUNDRED),
                exemption_reason=first.exemption_reason,
                exemption_code=first.exemption_code,
                local_exemption_code=first.local_exemption_code,
            )
        )
    return tuple(rows)
