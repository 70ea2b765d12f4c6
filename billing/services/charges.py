"""Time and materials: the charge lines of a completed visit, priced by the customer's price
list, each with who pays it (the coverage decides: the manufacturer under warranty, collected
into its open warranty claim; the contract, as it includes or discounts; else the customer).

Labour is the on-site time (arrived to finished), or the minutes a technician or dispatcher
set with a reason; parts are the job record's parts used; travel is the list's flat charge,
or its rate per km times the drive dispatch measured when the technician set off
(Visit.travel_km: from the last site of the day or the home base; a visit with no measured
drive gets no per-km line); the call-out fee is the list's. A ticket with an accepted quote
not yet billed is billed at the quoted lines instead of labour and parts: that is the price
the customer agreed to.

Building is safe to run twice: a visit that has lines keeps them.
"""

from __future__ import annotations

import logging
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from contracts.models import ServiceContract
from contracts.services import draw_hours
from fieldservice.errors import DomainError, InvalidInput, TransitionNotAllowed
from tickets.models import Ticket, Visit

from ..models import ChargeLine, LabourCorrection, PriceList, Quote, WarrantyClaim
from ..models.quotes import CENT
from . import pricing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
MAX_MINUTES = 24 * 60


def on_site_minutes(visit: Visit) -> int:
    """Whole minutes from arrival to finish, a started minute counting."""
    if visit.actual_start is None or visit.actual_end is None:
        return 0
    seconds = (visit.actual_end - visit.actual_start).total_seconds()
    return max(0, math.ceil(seconds / 60))


def labour_minutes(visit: Visit) -> int:
    correction = LabourCorrection.objects.filter(visit=visit).first()
    return correction.minutes if correction is not None else on_site_minutes(visit)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _manufacturer(ticket: Ticket) -> str:
    appliance = ticket.appliance
    model = appliance.model if appliance is not None else ticket.appliance_model
    if model is not None:
        return model.manufacturer
    if appliance is not None and appliance.described_manufacturer:
        return appliance.described_manufacturer
    return _("Unknown manufacturer")


def _assign_payer(line: ChargeLine, ticket: Ticket) -> None:
    """Who pays the line, and why, from the ticket's coverage."""
    contract: ServiceContract | None = ticket.contract
    if ticket.coverage == Ticket.Coverage.WARRANTY:
        line.payer = ChargeLine.Payer.MANUFACTURER
        line.payer_reason = _("Under the manufacturer's warranty")
        return
    if ticket.coverage == Ticket.Coverage.CONTRACT and contract is not None:
        line.contract = contract
        if line.kind == ChargeLine.Kind.PART:
            if contract.parts_included:
                line.payer = ChargeLine.Payer.CONTRACT
                line.payer_reason = _("Parts included in contract %(c)s") % {"c": contract}
                return
        elif contract.labour == ServiceContract.Labour.INCLUDED:
            line.payer = ChargeLine.Payer.CONTRACT
            line.payer_reason = _("Included in contract %(c)s") % {"c": contract}
            return
        elif contract.labour == ServiceContract.Labour.DISCOUNTED:
            line.payer = ChargeLine.Payer.CUSTOMER
            line.discount_percent = contract.labour_discount_percent
            line.payer_reason = _("Discounted %(p)s%% by contract %(c)s") % {
                "p": contract.labour_discount_percent,
                "c": contract,
            }
            return
    line.payer = ChargeLine.Payer.CUSTOMER
    line.payer_reason = ticket.coverage_reason[:250] or _("Billable")


def _line(
    visit: Visit, *, kind: str, description: str, quantity: Decimal, price: Money, **extra: object
) -> ChargeLine:
    line = ChargeLine(
        ticket=visit.ticket,
        visit=visit,
        kind=kind,
        description=description[:250],
        quantity=quantity,
        **extra,
    )
    pricing.set_money(
        line, "unit_price", price.amount.quantize(CENT, rounding=ROUND_HALF_UP), str(price.currency)
    )
    _assign_payer(line, visit.ticket)
    return line


def _labour_line(visit: Visit, price_list: PriceList, minutes: int) -> ChargeLine:
    ticket = visit.ticket
    rate = pricing.labour_rate(price_list=price_list, kind=ticket.kind)
    factor = pricing.labour_factor(
        rate=rate, start=visit.actual_start, tz=str(ticket.site.timezone)
    )
    hourly: Money = rate.hourly_rate  # type: ignore[assignment]
    description = _("Labour, %(kind)s (%(minutes)d min)") % {
        "kind": ticket.get_kind_display().lower(),
        "minutes": minutes,
    }
    if factor != 1:
        description = _("%(labour)s at %(factor)s x the rate") % {
            "labour": description,
            "factor": factor.normalize(),
        }
    return _line(
        visit,
        kind=ChargeLine.Kind.LABOUR,
        description=description,
        quantity=_hours(minutes),
        price=hourly * factor,
    )


def _hour_bank_lines(
    visit: Visit, price_list: PriceList, contract: ServiceContract, minutes: int
) -> list[ChargeLine]:
    """Labour drawn from the contract's bank: the covered minutes paid by the contract (the
    line names the bank's ledger line), the excess billed to the customer, at the contract's
    overage rate when the draw gives one, else at the list's rate."""
    ticket = visit.ticket
    result = draw_hours(
        contract=contract,
        minutes=minutes,
        on=(visit.actual_start or visit.actual_end or timezone.now())
        .astimezone(ZoneInfo(str(ticket.site.timezone)))
        .date(),
        note=_("Visit %(visit)s of %(ticket)s") % {"visit": visit.pk, "ticket": ticket.number},
    )
    covered = result.drawn_minutes
    if result.overage_rate is not None:
        # With overdraft the ledger line takes all the labour; the part below zero is excess.
        covered -= result.excess_minutes
    lines: list[ChargeLine] = []
    entry = result.entry
    if covered > 0:
        line = _labour_line(visit, price_list, covered)
        line.payer = ChargeLine.Payer.CONTRACT
        line.discount_percent = Decimal(0)
        line.hour_entry, entry = entry, None
        line.payer_reason = _("Drawn from the hours of contract %(c)s") % {"c": contract}
        lines.append(line)
    if result.excess_minutes > 0:
        line = _labour_line(visit, price_list, result.excess_minutes)
        if result.overage_rate is not None:
            pricing.set_money(
                line,
                "unit_price",
                result.overage_rate.amount.quantize(CENT, rounding=ROUND_HALF_UP),
                str(result.overage_rate.currency),
            )
        line.payer = ChargeLine.Payer.CUSTOMER
        line.discount_percent = Decimal(0)
        line.hour_entry = entry
        line.payer_reason = _("Beyond the prepaid hours of contract %(c)s") % {"c": contract}
        lines.append(line)
    return lines


def _quoted_lines(visit: Visit, quote: Quote) -> list[ChargeLine]:
    return [
        _line(
            visit,
            kind=q.kind,
            description=_("%(line)s (quote %(number)s)") % {"line": q.description, "number": quote},
            quantity=q.quantity,
            price=q.unit_price,  # type: ignore[arg-type]
            part=q.part,
            discount_percent=q.discount_percent,
        )
        for q in quote.lines.select_related("part")
    ]


def _priced_lines(visit: Visit, price_list: PriceList) -> list[ChargeLine]:
    ticket = visit.ticket
    lines: list[ChargeLine] = []
    if price_list.callout_fee is not None:
        lines.append(
            _line(
                visit,
                kind=ChargeLine.Kind.CALLOUT,
                description=_("Call-out fee"),
                quantity=Decimal(1),
                price=price_list.callout_fee,  # type: ignore[arg-type]
            )
        )
    if price_list.travel == PriceList.Travel.FLAT and price_list.travel_amount is not None:
        lines.append(
            _line(
                visit,
                kind=ChargeLine.Kind.TRAVEL,
                description=_("Travel"),
                quantity=Decimal(1),
                price=price_list.travel_amount,  # type: ignore[arg-type]
            )
        )
    if (
        price_list.travel == PriceList.Travel.PER_KM
        and price_list.travel_amount is not None
        and visit.travel_km
    ):
        lines.append(
            _line(
                visit,
                kind=ChargeLine.Kind.TRAVEL,
                description=_("Travel, %(km)s km") % {"km": visit.travel_km},
                quantity=visit.travel_km,
                price=price_list.travel_amount,  # type: ignore[arg-type]
            )
        )
    quote = (
        Quote.objects.select_for_update()
        .filter(ticket=ticket, status=Quote.Status.ACCEPTED, billed_visit__isnull=True)
        .order_by("decided_at")
        .first()
    )
    if quote is not None:
        quote.billed_visit = visit
        quote.save(update_fields=["billed_visit"])
        return lines + _quoted_lines(visit, quote)
    minutes = labour_minutes(visit)
    contract = ticket.contract
    if minutes and ticket.coverage == Ticket.Coverage.CONTRACT and contract and contract.hour_bank:
        lines.extend(_hour_bank_lines(visit, price_list, contract, minutes))
    elif minutes:
        lines.append(_labour_line(visit, price_list, minutes))
    for used in visit.parts_used.select_related("part"):
        lines.append(
            _line(
                visit,
                kind=ChargeLine.Kind.PART,
                description=used.part.name,
                quantity=Decimal(used.quantity),
                price=pricing.part_price(price_list=price_list, part=used.part),
                part=used.part,
            )
        )
    return lines


def _claim(lines: list[ChargeLine], ticket: Ticket) -> None:
    warranty = [line for line in lines if line.payer == ChargeLine.Payer.MANUFACTURER]
    if not warranty:
        return
    manufacturer = _manufacturer(ticket)
    claim = (
        WarrantyClaim.objects.select_for_update()
        .filter(manufacturer=manufacturer, status=WarrantyClaim.Status.OPEN)
        .first()
    ) or WarrantyClaim.objects.create(manufacturer=manufacturer)
    claim.lines.add(*warranty)


@transaction.atomic
def build_visit_charges(*, visit: Visit) -> list[ChargeLine]:
    """The charge lines of a completed visit; its existing lines if it has them."""
    visit = Visit.objects.select_for_update().select_related("ticket__site").get(pk=visit.pk)
    if visit.status != Visit.Status.COMPLETED:
        raise TransitionNotAllowed(_("Only a completed visit is charged."))
    existing = list(ChargeLine.objects.filter(visit=visit))
    if existing:
        return existing
    ticket = visit.ticket
    price_list = pricing.price_list_for(customer=ticket.customer, contract=ticket.contract)
    lines = _priced_lines(visit, price_list)
    for line in lines:
        line.full_clean(exclude=["ticket", "visit", "part", "contract", "hour_entry"])
        line.save()
    _claim(lines, ticket)
    return lines


def charge_completed_visit(*, visit: Visit) -> None:
    """The completion's reaction: a missing price must not stop the technician completing
    the visit, so a refusal is logged for the office and nothing is charged yet."""
    try:
        build_visit_charges(visit=visit)
    except DomainError as err:
        log.warning("visit %s not charged: %s", visit.pk, err.message)


@transaction.atomic
def correct_labour(*, visit: Visit, minutes: int, reason: str, by: User | None) -> LabourCorrection:
    """Set the labour minutes of a visit in place of its on-site times, with why. A labour
    line already built follows."""
    if not 0 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            _("The minutes must be between 0 and %(n)d.") % {"n": MAX_MINUTES}, field="minutes"
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the time is corrected."), field="reason")
    if len(reason) > 250:
        raise InvalidInput(_("The reason is at most 250 characters."), field="reason")
    line = ChargeLine.objects.filter(visit=visit, kind=ChargeLine.Kind.LABOUR).first()
    if line is not None and line.hour_entry_id is not None:
        raise TransitionNotAllowed(
            _("The labour was drawn from the contract's hours: adjust the hour bank instead.")
        )
    correction, _created = LabourCorrection.objects.update_or_create(
        visit=visit,
        defaults={
            "minutes": minutes,
            "measured_minutes": on_site_minutes(visit),
            "reason": reason,
            "by": by,
        },
    )
    if line is not None:
        line.quantity = _hours(minutes)
        line.save(update_fields=["quantity"])
    return correction
