"""Price lists and what a piece of work costs under them. Every write records who made it
(simple_history keeps the values before and after)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from moneyed import Money

from catalog.models import Part
from fieldservice.errors import DomainError, InvalidInput
from tickets.models import Ticket

from ..models import LabourRate, PartPrice, PriceList

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from contracts.models import ServiceContract
    from customers.models import Customer

# Office hours for the after-hours factor, in the site's time zone: work started before
# OFFICE_FROM or at or after OFFICE_TO is after hours.
OFFICE_FROM = datetime.time(8, 0)
OFFICE_TO = datetime.time(18, 0)


class NoPrice(DomainError):
    code = "no_price"


def clean_amount(value: object, *, currency: str, field: str, label: str) -> Decimal:
    """A price as a Decimal of at most the currency's decimals, not negative, or a message
    naming the field (`label` in words, `field` the input's name)."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("%(field)s is not a number.") % {"field": label}, field=field) from exc
    if not amount.is_finite():
        raise InvalidInput(_("%(field)s is not a number.") % {"field": label}, field=field)
    if amount < 0:
        raise InvalidInput(_("%(field)s cannot be negative.") % {"field": label}, field=field)
    places = get_currency_precision(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InvalidInput(
            _("%(field)s has more than %(places)d decimals, which %(currency)s does not allow.")
            % {"field": label, "places": places, "currency": currency},
            field=field,
        )
    return amount.quantize(Decimal(1).scaleb(-places))


def _clean_factor(value: object, *, field: str, label: str) -> Decimal:
    try:
        factor = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("%(field)s is not a number.") % {"field": label}, field=field) from exc
    if not factor.is_finite() or factor < 1 or factor >= 100:
        raise InvalidInput(
            _("%(field)s must be between 1 and 99.99.") % {"field": label}, field=field
        )
    if factor != factor.quantize(Decimal("0.01")):
        raise InvalidInput(_("%(field)s has at most two decimals.") % {"field": label}, field=field)
    return factor


def _pk(obj: object) -> int:
    return getattr(obj, "pk", None) or 0


def set_money(obj: object, field: str, amount: Decimal | None, currency: str) -> None:
    """Set a MoneyField (which the type stubs take for a plain DecimalField)."""
    setattr(obj, field, None if amount is None else Money(amount, currency))


def _by(obj: object, by: User | None) -> None:
    # simple_history's middleware names the page's user; services called elsewhere say who.
    if by is not None:
        obj._history_user = by  # type: ignore[attr-defined]


@transaction.atomic
def save_price_list(
    *,
    name: str,
    currency: str,
    by: User | None,
    price_list: PriceList | None = None,
    is_default: bool = False,
    callout_fee: object = None,
    travel: str = PriceList.Travel.NONE,
    travel_amount: object = None,
) -> PriceList:
    """Create or change a price list. Making one the default takes the flag from the other."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the price list a name."), field="name")
    if currency not in dict(PriceList._meta.get_field("currency").choices or []):
        raise InvalidInput(_("Unknown currency: %(c)s.") % {"c": currency}, field="currency")
    if travel not in PriceList.Travel.values:
        raise InvalidInput(_("Choose how travel is charged."), field="travel")
    if PriceList.objects.filter(name=name).exclude(pk=_pk(price_list)).exists():
        raise InvalidInput(_("A price list named %(n)s exists.") % {"n": name}, field="name")
    fee = (
        None
        if callout_fee in (None, "")
        else clean_amount(
            callout_fee, currency=currency, field="callout_fee", label=_("Call-out fee")
        )
    )
    trip = None
    if travel != PriceList.Travel.NONE:
        if travel_amount in (None, ""):
            raise InvalidInput(_("Give the travel charge's amount."), field="travel_amount")
        trip = clean_amount(
            travel_amount, currency=currency, field="travel_amount", label=_("Travel charge")
        )
    if (
        price_list is not None
        and price_list.currency != currency
        and (price_list.rates.exists() or price_list.parts.exists())
    ):
        raise InvalidInput(
            _("The list has prices in %(c)s: its currency cannot change.")
            % {"c": price_list.currency},
            field="currency",
        )
    if is_default:
        for other in PriceList.objects.filter(is_default=True).exclude(pk=_pk(price_list)):
            other.is_default = False
            _by(other, by)
            other.save()
    price_list = price_list or PriceList()
    price_list.name, price_list.currency, price_list.is_default = name, currency, is_default
    set_money(price_list, "callout_fee", fee, currency)
    price_list.travel = travel
    set_money(price_list, "travel_amount", trip, currency)
    _by(price_list, by)
    price_list.save()
    return price_list


@transaction.atomic
def set_labour_rate(
    *,
    price_list: PriceList,
    kind: str,
    hourly_rate: object,
    by: User | None,
    after_hours_factor: object = "1.5",
    weekend_factor: object = "2",
) -> LabourRate:
    if kind not in Ticket.Kind.values:
        raise InvalidInput(_("Unknown kind of job: %(k)s.") % {"k": kind}, field="kind")
    amount = clean_amount(
        hourly_rate, currency=price_list.currency, field="hourly_rate", label=_("Hourly rate")
    )
    after = _clean_factor(
        after_hours_factor, field="after_hours_factor", label=_("After-hours factor")
    )
    weekend = _clean_factor(weekend_factor, field="weekend_factor", label=_("Weekend factor"))
    rate = LabourRate.objects.filter(price_list=price_list, kind=kind).first() or LabourRate(
        price_list=price_list, kind=kind
    )
    set_money(rate, "hourly_rate", amount, price_list.currency)
    rate.after_hours_factor, rate.weekend_factor = after, weekend
    _by(rate, by)
    rate.save()
    return rate


@transaction.atomic
def set_part_price(
    *, price_list: PriceList, part: Part, price: object, by: User | None
) -> PartPrice:
    amount = clean_amount(
        price,
        currency=price_list.currency,
        field="price",
        label=_("Price of %(p)s") % {"p": part.name},
    )
    row = PartPrice.objects.filter(price_list=price_list, part=part).first() or PartPrice(
        price_list=price_list, part=part
    )
    set_money(row, "price", amount, price_list.currency)
    _by(row, by)
    row.save()
    return row


def price_list_for(*, customer: Customer, contract: ServiceContract | None = None) -> PriceList:
    """The list that prices this customer's work: the contract's, the customer's, the
    default one."""
    if contract is not None:
        found = PriceList.objects.filter(contracts=contract).order_by("pk").first()
        if found is not None:
            return found
    found = PriceList.objects.filter(customers=customer).order_by("pk").first()
    if found is not None:
        return found
    found = PriceList.objects.filter(is_default=True).first()
    if found is None:
        raise NoPrice(_("There is no default price list: create one in the back office."))
    return found


def labour_rate(*, price_list: PriceList, kind: str) -> LabourRate:
    rate = LabourRate.objects.filter(price_list=price_list, kind=kind).first()
    if rate is None:
        raise NoPrice(
            _("The price list %(list)s has no labour rate for %(kind)s jobs.")
            % {"list": price_list.name, "kind": Ticket.Kind(kind).label}
        )
    return rate


def labour_factor(*, rate: LabourRate, start: datetime.datetime | None, tz: str) -> Decimal:
    """The weekend factor at weekends, the after-hours factor outside office hours, else 1."""
    if start is None:
        return Decimal(1)
    local = start.astimezone(ZoneInfo(tz))
    if local.weekday() >= 5:
        return rate.weekend_factor
    if not OFFICE_FROM <= local.time() < OFFICE_TO:
        return rate.after_hours_factor
    return Decimal(1)


def part_price(*, price_list: PriceList, part: Part) -> Money:
    """The list's price for the part, else the catalog's (in the list's currency), else
    NoPrice naming the part."""
    row = PartPrice.objects.filter(price_list=price_list, part=part).first()
    if row is not None:
        return cast(Money, row.price)
    # The catalog's price has no currency of its own: it is the company's (settings
    # DEFAULT_CURRENCY); a zero there means nobody set it.
    if part.unit_price and price_list.currency == settings.DEFAULT_CURRENCY:
        return Money(part.unit_price, price_list.currency)
    raise NoPrice(
        _("%(part)s (%(sku)s) has no price on %(list)s nor in the catalog.")
        % {"part": part.name, "sku": part.sku, "list": price_list.name}
    )
