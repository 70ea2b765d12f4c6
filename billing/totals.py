"""The money arithmetic of invoices, pure and in Decimal only.

Rounding follows what the receiving systems check (EN 16931, and the Italian exchange):
- a line's net amount is quantity x unit price x (1 - discount), rounded half-up to the
  currency's cents (the exchange rejects any other);
- the VAT breakdown groups lines by (category, rate): its taxable amount is the sum of its lines'
  nets and its tax is taxable x rate, rounded (BR-CO-17);
- the invoice's net total is the sum of line nets (BR-CO-10), its VAT the sum of the groups'
  taxes, its total with VAT the net total plus the VAT (BR-CO-15).
Amounts in different currencies are never summed together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput

HUNDRED = Decimal("100")
# Minor units per currency (ISO 4217); the three countries' currencies have cents.
MINOR_UNITS = {"EUR": 2, "BGN": 2}
# Fixed at Bulgaria's entry into the euro (1 January 2026): leva per euro.
BGN_PER_EUR = Decimal("1.95583")
QUANTITY_PLACES = 3
# EN 16931 VAT categories used here: standard, zero rate, exempt, reverse charge.
CATEGORIES = ("S", "Z", "E", "AE")


def _quantum(currency: str) -> Decimal:
    if currency not in MINOR_UNITS:
        raise InvalidInput(
            _("The currency %(code)s is not one invoices use.") % {"code": currency},
            field="currency",
        )
    return Decimal(1).scaleb(-MINOR_UNITS[currency])


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def bgn_to_eur(amount: Decimal) -> Decimal:
    """An amount in leva as euros at the fixed rate, rounded to the cent."""
    return (Decimal(amount) / BGN_PER_EUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise InvalidInput(_("%(field)s must be a decimal number.") % {"field": name}, field=name)
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(field)s must be a number.") % {"field": name}, field=name) from None
    if not number.is_finite():
        raise InvalidInput(_("%(field)s must be a number.") % {"field": name}, field=name)
    return number


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True)
class Line:
    """One invoice line as the arithmetic sees it: rate in percent, discount in percent."""

    quantity: Decimal
    unit_price: Decimal
    currency: str = "EUR"
    discount_percent: Decimal = Decimal("0")
    rate: Decimal = Decimal("0")
    category: str = "S"


def check_line(line: Line) -> None:
    """Refuse what no invoice may carry, naming the field."""
    quantity = _decimal(line.quantity, "quantity")
    price = _decimal(line.unit_price, "unit_price")
    discount = _decimal(line.discount_percent, "discount_percent")
    rate = _decimal(line.rate, "rate")
    quantum = _quantum(line.currency)
    if quantity < 0:
        raise InvalidInput(_("The quantity cannot be negative."), field="quantity")
    if _places(quantity) > QUANTITY_PLACES:
        raise InvalidInput(
            _("The quantity has more than %(n)s decimals.") % {"n": QUANTITY_PLACES},
            field="quantity",
        )
    if price < 0:
        raise InvalidInput(
            _("The unit price cannot be negative: a credit note corrects an invoice."),
            field="unit_price",
        )
    if _places(price) > -quantum.as_tuple().exponent:  # type: ignore[operator]
        raise InvalidInput(
            _("The unit price has more decimals than %(currency)s allows.")
            % {"currency": line.currency},
            field="unit_price",
        )
    if discount < 0 or discount > HUNDRED:
        raise InvalidInput(_("The discount must be between 0 and 100%."), field="discount_percent")
    if rate < 0 or rate > HUNDRED:
        raise InvalidInput(_("The VAT rate must be between 0 and 100%."), field="rate")
    if line.category not in CATEGORIES:
        raise InvalidInput(_("Unknown VAT category."), field="category")
    if line.category != "S" and rate != 0:
        # EN 16931 BR-Z-5, BR-E-5, BR-AE-5: zero-rated, exempt and reverse-charge lines are 0%.
        raise InvalidInput(_("Only standard-rated lines carry VAT."), field="rate")


def line_net(line: Line) -> Decimal:
    """round(quantity x unit price x (1 - discount), cents), half-up."""
    check_line(line)
    gross = Decimal(line.quantity) * Decimal(line.unit_price)
    factor = (HUNDRED - Decimal(line.discount_percent)) / HUNDRED
    return round_money(gross * factor, line.currency)


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    line_nets: tuple[Decimal, ...]
    groups: tuple[VatGroup, ...] = field(default_factory=tuple)
    net: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    gross: Decimal = Decimal("0.00")


def compute(lines: Iterable[Line], currency: str = "EUR") -> Totals:
    """The invoice's line nets, VAT breakdown and totals; lines in another currency refused."""
    quantum = _quantum(currency)
    nets: list[Decimal] = []
    grouped: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        if line.currency != currency:
            raise InvalidInput(
                _("A line in %(line)s cannot be on an invoice in %(invoice)s.")
                % {"line": line.currency, "invoice": currency},
                field="currency",
            )
        net = line_net(line)
        nets.append(net)
        key = (line.category, Decimal(line.rate).quantize(Decimal("0.01")))
        grouped[key] = grouped.get(key, Decimal(0).quantize(quantum)) + net
    groups = tuple(
        VatGroup(category, rate, taxable, round_money(taxable * rate / HUNDRED, currency))
        for (category, rate), taxable in sorted(
            grouped.items(), key=lambda kv: (-kv[0][1], kv[0][0])
        )
    )
    net_total = sum(nets, Decimal(0).quantize(quantum))
    tax_total = sum((g.tax for g in groups), Decimal(0).quantize(quantum))
    return Totals(currency, tuple(nets), groups, net_total, tax_total, net_total + tax_total)
