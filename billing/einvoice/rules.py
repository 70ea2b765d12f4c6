"""EN 16931's business rules that the receivers check, run on a `Document` before any export.

factur-x's own check is the XML schema only and a38 checks field formats, so the arithmetic the
receiving systems recompute is checked here: line nets (the Italian exchange's check 00423), the
VAT breakdown (BR-CO-17, BR-S-08 and its siblings), the totals (BR-CO-10, -13, -14, -15, -16), the
category rules (BR-S-05, BR-AE-02, -05, -10, ...), and that no amount is in another currency.

`check(document)` returns every problem at once; an empty list means the document may be numbered
and sent. Each `Problem` names the rule and the field (`lines[2].net_amount`).

One deliberate departure: EN 16931's BR-Z-10 forbids an exemption reason on zero-rated (Z)
rows, but the issue (and Italy, whose 0% lines need a Natura) wants every zero-rate line to carry
its legal reason. So the reason is required here for Z too, and the Factur-X export leaves it out
of the XML for Z rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.eu import vat as eu_vat

from billing.einvoice.document import (
    HUNDRED,
    ZERO,
    ZERO_RATE_CATEGORIES,
    Document,
    DocumentLine,
    Kind,
    TaxSubtotal,
    cents,
    line_net,
)

KNOWN_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "O"})
# The categories whose rules (BR-AE-02, BR-IC-02) need both parties' VAT numbers.
NEEDS_BOTH_VAT_NUMBERS = frozenset({"AE", "K"})
NEEDS_VAT_MESSAGES = {
    "seller": gettext_lazy("A line of category %(category)s needs the seller's VAT number."),
    "buyer": gettext_lazy("A line of category %(category)s needs the buyer's VAT number."),
}
NEEDS_REASON = ZERO_RATE_CATEGORIES


@dataclass(frozen=True)
class Problem:
    rule: str  # "BR-CO-10", or "LINE-NET" for the line arithmetic EN 16931 leaves implicit
    field: str  # the document's field at fault: "net_total", "lines[1].net_amount"
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.field}: {self.message}"


def _row(row: TaxSubtotal) -> dict[str, object]:
    return {"category": row.category, "rate": row.rate}


Add = Callable[[Problem], None]


def _has_cents_at_most(amount: Decimal) -> bool:
    return amount == amount.quantize(Decimal("0.01"))


def check(document: Document) -> list[Problem]:
    """Every EN 16931 rule `document` breaks, in document order."""
    problems: list[Problem] = []
    add = problems.append
    _check_header(document, add)
    for index, line in enumerate(document.lines):
        _check_line(document, index, line, add)
    _check_breakdown(document, add)
    _check_totals(document, add)
    return problems


def _check_header(document: Document, add: Add) -> None:
    if not document.number.strip():
        add(Problem("BR-02", "number", _("An invoice shall have an invoice number.")))
    if len(document.currency) != 3 or not document.currency.isupper():
        add(
            Problem(
                "BR-05",
                "currency",
                _("%(code)r is not an ISO 4217 currency code.") % {"code": document.currency},
            )
        )
    if not document.seller.name.strip():
        add(Problem("BR-06", "seller.name", _("The seller's name is missing.")))
    if not document.buyer.name.strip():
        add(Problem("BR-07", "buyer.name", _("The buyer's name is missing.")))
    if len(document.seller.country_code) != 2:
        add(Problem("BR-09", "seller.country_code", _("The seller's country code is missing.")))
    if len(document.buyer.country_code) != 2:
        add(Problem("BR-11", "buyer.country_code", _("The buyer's country code is missing.")))
    if not document.lines:
        add(Problem("BR-16", "lines", _("An invoice shall have at least one line.")))
    for who in ("seller", "buyer"):
        number = getattr(document, who).vat_number
        if number and not eu_vat.is_valid(number):
            add(
                Problem(
                    "BR-CO-09",
                    f"{who}.vat_number",
                    _("%(number)r is not a valid VAT number with its country prefix.")
                    % {"number": number},
                )
            )
    if document.kind == Kind.CREDIT_NOTE and not document.preceding_invoice_number.strip():
        add(
            Problem(
                "BR-55",
                "preceding_invoice_number",
                _("A credit note names the invoice it corrects."),
            )
        )


def _check_line(document: Document, index: int, line: DocumentLine, add: Add) -> None:
    where = f"lines[{index}]"
    if line.currency and line.currency != document.currency:
        add(
            Problem(
                "CURRENCY",
                f"{where}.currency",
                _(
                    "The line is in %(line)s, the document in %(document)s: amounts in "
                    "different currencies are never summed."
                )
                % {"line": line.currency, "document": document.currency},
            )
        )
    if line.quantity <= 0:
        add(Problem("QUANTITY", f"{where}.quantity", _("The quantity must be positive.")))
    if line.unit_price < 0:
        add(Problem("BR-27", f"{where}.unit_price", _("The item net price shall not be negative.")))
    if not ZERO <= line.discount_percent <= HUNDRED:
        add(
            Problem(
                "DISCOUNT",
                f"{where}.discount_percent",
                _("The discount must be between 0 and 100 percent."),
            )
        )
    if not _has_cents_at_most(line.net_amount):
        add(Problem("BR-DEC-23", f"{where}.net_amount", _("The amount has more than 2 decimals.")))
    expected = line_net(line.quantity, line.unit_price, line.discount_percent)
    if line.net_amount != expected:
        add(
            Problem(
                "LINE-NET",
                f"{where}.net_amount",
                _(
                    "%(amount)s is not quantity x price less the discount, rounded to the "
                    "cent (%(expected)s)."
                )
                % {"amount": line.net_amount, "expected": expected},
            )
        )
    _check_line_category(document, where, line, add)


def _check_line_category(document: Document, where: str, line: DocumentLine, add: Add) -> None:
    category = line.tax_category
    if category not in KNOWN_CATEGORIES:
        add(
            Problem(
                "BR-CL-17",
                f"{where}.tax_category",
                _("Unknown VAT category %(category)r.") % {"category": category},
            )
        )
        return
    if category == "S" and line.tax_rate <= 0:
        add(Problem("BR-S-05", f"{where}.tax_rate", _("A standard-rated line has a rate above 0.")))
    if category in ZERO_RATE_CATEGORIES and line.tax_rate != 0:
        add(
            Problem(
                f"BR-{_family(category)}-05",
                f"{where}.tax_rate",
                _("A line of category %(category)s has a VAT rate of 0.") % {"category": category},
            )
        )
    if category in NEEDS_REASON and not (line.exemption_reason or line.exemption_code):
        add(
            Problem(
                f"BR-{_family(category)}-10",
                f"{where}.exemption_reason",
                _("A line of category %(category)s carries its legal reason.")
                % {"category": category},
            )
        )
    if category in NEEDS_BOTH_VAT_NUMBERS:
        for who in ("seller", "buyer"):
            if not getattr(document, who).vat_number:
                add(
                    Problem(
                        f"BR-{_family(category)}-02",
                        f"{who}.vat_number",
                        NEEDS_VAT_MESSAGES[who] % {"category": category},
                    )
                )


def _family(category: str) -> str:
    # The rule families of EN 16931: BR-IC for K (intra-community), the code itself otherwise.
    return "IC" if category == "K" else category


def _check_breakdown(document: Document, add: Add) -> None:
    by_key: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in document.lines:
        by_key[(line.tax_category, line.tax_rate)] += line.net_amount
    if document.lines and not document.subtotals:
        add(Problem("BR-CO-18", "subtotals", _("The invoice has no VAT breakdown.")))
    seen: set[tuple[str, Decimal]] = set()
    for index, row in enumerate(document.subtotals):
        where = f"subtotals[{index}]"
        key = (row.category, row.rate)
        family = _family(row.category)
        if key in seen:
            add(
                Problem(
                    "BR-CO-18", where, _("Two rows for %(category)s at %(rate)s%%.") % _row(row)
                )
            )
        seen.add(key)
        if key not in by_key:
            add(
                Problem(
                    f"BR-{family}-08",
                    f"{where}.taxable_amount",
                    _("No line has category %(category)s at %(rate)s%%.") % _row(row),
                )
            )
        elif row.taxable_amount != by_key[key]:
            add(
                Problem(
                    f"BR-{family}-08",
                    f"{where}.taxable_amount",
                    _("%(amount)s is not the sum of its lines (%(expected)s).")
                    % {"amount": row.taxable_amount, "expected": by_key[key]},
                )
            )
        expected_tax = cents(row.taxable_amount * row.rate / HUNDRED)
        if row.tax_amount != expected_tax:
            add(
                Problem(
                    "BR-CO-17",
                    f"{where}.tax_amount",
                    _("%(amount)s is not the taxable amount x the rate, rounded (%(expected)s).")
                    % {"amount": row.tax_amount, "expected": expected_tax},
                )
            )
        if row.category in NEEDS_REASON and not (row.exemption_reason or row.exemption_code):
            add(
                Problem(
                    f"BR-{family}-10",
                    f"{where}.exemption_reason",
                    _("A %(category)s row of the VAT breakdown carries its legal reason.")
                    % _row(row),
                )
            )
    for key in by_key:
        if key not in seen:
            add(
                Problem(
                    f"BR-{_family(key[0])}-01",
                    "subtotals",
                    _("Lines of category %(category)s at %(rate)s%% have no row in the breakdown.")
                    % {"category": key[0], "rate": key[1]},
                )
            )


def _check_totals(document: Document, add: Add) -> None:
    for name in ("net_total", "tax_total", "grand_total", "amount_due", "paid_amount"):
        if not _has_cents_at_most(getattr(document, name)):
            add(Problem("BR-DEC", name, _("The amount has more than 2 decimals.")))
    line_sum = sum((line.net_amount for line in document.lines), ZERO)
    if document.net_total != line_sum:
        add(
            Problem(
                "BR-CO-10",
                "net_total",
                _("%(amount)s is not the sum of the line nets (%(expected)s).")
                % {"amount": document.net_total, "expected": line_sum},
            )
        )
    tax_sum = sum((row.tax_amount for row in document.subtotals), ZERO)
    if document.tax_total != tax_sum:
        add(
            Problem(
                "BR-CO-14",
                "tax_total",
                _("%(amount)s is not the sum of the VAT breakdown (%(expected)s).")
                % {"amount": document.tax_total, "expected": tax_sum},
            )
        )
    if document.grand_total != document.net_total + document.tax_total:
        add(
            Problem(
                "BR-CO-15",
                "grand_total",
                _("%(amount)s is not the net total plus VAT (%(expected)s).")
                % {
                    "amount": document.grand_total,
                    "expected": document.net_total + document.tax_total,
                },
            )
        )
    if document.amount_due != document.grand_total - document.paid_amount:
        add(
            Problem(
                "BR-CO-16",
                "amount_due",
                _("%(amount)s is not the grand total less what was paid (%(expected)s).")
                % {
                    "amount": document.amount_due,
                    "expected": document.grand_total - document.paid_amount,
                },
            )
        )
