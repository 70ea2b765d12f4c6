"""Reads of contracts that more than one caller needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Appliance, Site
from fieldservice import roles

from .models import HourBankEntry, ServiceContract


def contracts_for(user: User) -> QuerySet[ServiceContract]:
    """Contracts are commercial: dispatchers and the customer who holds them (its
    administrators), not technicians."""
    if roles.is_contact(user) and not roles.is_contact(user, roles.ADMINISTRATOR):
        return ServiceContract.objects.none()
    return roles.scoped(
        ServiceContract.objects.select_related("customer"), user, customer="customer"
    )


def contract_covering(
    *, appliance: Appliance | None, site: Site | None, on: datetime.date
) -> ServiceContract | None:
    """The contract of the site's customer active on `on` that lists the appliance or its site;
    of several, the one ending last."""
    site = appliance.site if appliance is not None else site
    if site is None:
        return None
    covers = Q(sites=site)
    if appliance is not None:
        covers |= Q(appliances=appliance)
    return (
        ServiceContract.objects.filter(covers, customer_id=site.customer_id)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .order_by("-ends_on", "pk")
        .first()
    )


def contracts_listing(appliance: Appliance) -> list[ServiceContract]:
    """Every contract of the appliance's customer that lists it or its site, active or not,
    the one ending last first."""
    if appliance.pk is None or appliance.site_id is None:
        return []
    return list(
        ServiceContract.objects.filter(
            Q(appliances=appliance) | Q(sites=appliance.site_id),
            customer_id=appliance.site.customer_id,
        )
        .distinct()
        .order_by("-ends_on", "pk")
    )


def _anniversary(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        return start.replace(year=start.year + years, day=28)


def contract_year(
    contract: ServiceContract, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The contract year holding `on`: from an anniversary of the start to the day before the
    next one, the last year cut at the contract's end. Before the start, the first year; after
    the end, the last one."""
    start = contract.starts_on
    on = min(max(on, start), contract.ends_on)
    years = on.year - start.year
    if _anniversary(start, years) > on:
        years -= 1
    year_start = _anniversary(start, years)
    year_end = min(_anniversary(start, years + 1) - datetime.timedelta(days=1), contract.ends_on)
    return year_start, year_end


def contract_years(contract: ServiceContract) -> list[tuple[datetime.date, datetime.date]]:
    """Every contract year, first to last."""
    years = []
    day = contract.starts_on
    while day <= contract.ends_on:
        year = contract_year(contract, day)
        years.append(year)
        day = year[1] + datetime.timedelta(days=1)
    return years


@dataclass(frozen=True)
class HourBalance:
    """A bank in minutes: bought in the contract year (purchases and hours rolled in), used in
    it (draws), and left (the whole ledger up to the day; adjustments and expiries count
    there)."""

    bought: int
    used: int
    left: int
    year_start: datetime.date
    year_end: datetime.date


def hour_balance(contract: ServiceContract, on: datetime.date | None = None) -> HourBalance:
    """The bank's figures on `on` (today by default), in one query."""
    on = on or timezone.localdate()
    year_start, year_end = contract_year(contract, on)
    in_year = Q(on__gte=year_start, on__lte=min(on, year_end))
    kind = HourBankEntry.Kind
    sums = HourBankEntry.objects.filter(contract=contract, on__lte=on).aggregate(
        bought=Sum(
            "minutes",
            filter=in_year & (Q(kind=kind.PURCHASE) | Q(kind=kind.ROLL_OVER, minutes__gt=0)),
        ),
        used=Sum("minutes", filter=in_year & Q(kind=kind.DRAW)),
        left=Sum("minutes"),
    )
    return HourBalance(
        bought=sums["bought"] or 0,
        used=-(sums["used"] or 0),
        left=sums["left"] or 0,
        year_start=year_start,
        year_end=year_end,
    )


def with_hours_left(contracts: QuerySet[ServiceContract]) -> QuerySet[ServiceContract]:
    """Each contract annotated with `minutes_left`: its whole ledger's sum (0 without lines),
    in the same query."""
    left = (
        HourBankEntry.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(s=Sum("minutes"))
        .values("s")
    )
    return contracts.annotate(minutes_left=Coalesce(Subquery(left), 0))


def contract_list(
    user: User, *, search: str = "", on: datetime.date | None = None
) -> QuerySet[ServiceContract]:
    """The contracts the user may see, running ones ending soonest first, then those ended
    (last ended first); `search` matches the number or the customer's name."""
    on = on or timezone.localdate()
    found = contracts_for(user)
    search = search.strip()
    if search:
        found = found.filter(Q(number__icontains=search) | Q(customer__name__icontains=search))
    ended = Case(When(ends_on__lt=on, then=Value(1)), default=Value(0))
    return with_hours_left(found).annotate(ended=ended).order_by("ended", "ends_on", "pk")


@dataclass(frozen=True)
class LedgerLine:
    entry: HourBankEntry
    balance: int  # minutes left after this line


def ledger(contract: ServiceContract) -> list[LedgerLine]:
    """The bank's lines in date order, each with the balance after it (a window sum in SQL)."""
    entries = (
        HourBankEntry.objects.filter(contract=contract)
        .select_related("created_by")
        .annotate(
            running=Window(Sum("minutes"), order_by=[F("on").asc(), F("pk").asc()]),
        )
        .order_by("on", "pk")
    )
    return [LedgerLine(entry=e, balance=e.running) for e in entries]
