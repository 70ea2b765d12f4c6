"""Who pays: warranty, contract or billable, decided when a ticket opens, with the reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contracts.hours import hours_text
from contracts.models import ServiceContract
from contracts.selectors import contract_year, contracts_listing, hour_balance
from customers.models import Appliance, Customer

from .models import Ticket, Visit


@dataclass(frozen=True)
class Entitlements:
    """What a contract gives on a day: labour (included, discounted by `labour_discount_percent`,
    or billable), parts included or not, visits left in the contract year (None: no limit, or
    not counted), minutes left in the hour bank (None: no bank, or not counted)."""

    labour: str
    labour_discount_percent: Decimal
    parts_included: bool
    included_visits_per_year: int | None
    visits_left: int | None
    minutes_left: int | None

    @property
    def lines(self) -> list[str]:
        """The entitlements in words, one sentence each, for the intake and the ticket page."""
        said = []
        if self.labour == ServiceContract.Labour.INCLUDED:
            said.append(_("Labour is included."))
        elif self.labour == ServiceContract.Labour.DISCOUNTED:
            said.append(
                _("Labour is discounted by %(percent)s%%.")
                % {"percent": f"{self.labour_discount_percent.normalize():f}"}
            )
        else:
            said.append(_("Labour is billed at the price list's rates."))
        said.append(_("Parts are included.") if self.parts_included else _("Parts are billed."))
        if self.visits_left is not None and self.included_visits_per_year is not None:
            said.append(
                ngettext(
                    "%(left)d of %(total)d included visit left this contract year.",
                    "%(left)d of %(total)d included visits left this contract year.",
                    self.included_visits_per_year,
                )
                % {"left": self.visits_left, "total": self.included_visits_per_year}
            )
        if self.minutes_left is not None:
            said.append(
                _("%(hours)s h left in the bank of prepaid hours.")
                % {"hours": hours_text(self.minutes_left)}
            )
        return said


@dataclass(frozen=True)
class CoverageDecision:
    coverage: str
    reason: str
    contract: ServiceContract | None = None
    entitlements: Entitlements | None = None


def repair_visits_done(contract: ServiceContract, on: datetime.date) -> int:
    """Completed repair visits of the contract's tickets finished in the contract year of
    `on` (maintenance and installations are not counted against the included visits)."""
    start, end = contract_year(contract, on)
    return Visit.objects.filter(
        ticket__contract=contract,
        ticket__kind=Ticket.Kind.REPAIR,
        status=Visit.Status.COMPLETED,
        actual_end__date__gte=start,
        actual_end__date__lte=end,
    ).count()


def entitlements(
    contract: ServiceContract, on: datetime.date, *, counted: bool = True
) -> Entitlements:
    """The contract's entitlements on `on`; `counted` False skips the two reads (visits done,
    the bank's balance), for a caller whose rows are not written yet."""
    counted = counted and contract.pk is not None
    visits_left = None
    if counted and contract.included_visits_per_year is not None:
        done = repair_visits_done(contract, on)
        visits_left = max(contract.included_visits_per_year - done, 0)
    minutes_left = hour_balance(contract, on).left if counted and contract.hour_bank else None
    return Entitlements(
        labour=contract.labour,
        labour_discount_percent=contract.labour_discount_percent,
        parts_included=contract.parts_included,
        included_visits_per_year=contract.included_visits_per_year,
        visits_left=visits_left,
        minutes_left=minutes_left,
    )


def decide_coverage(
    *,
    customer: Customer,
    appliance: Appliance | None,
    on: datetime.date,
    listing: list[ServiceContract] | None = None,
) -> CoverageDecision:
    """Warranty while the appliance is under warranty, contract while an active contract of
    this customer lists it or its site, otherwise billable. `listing` is the contracts that list
    the appliance or its site, ending last first, for a caller that has them already (the demo
    seeder, before its rows are written); otherwise they are read, and so are the visits and
    hours left under the covering contract (its `entitlements`)."""
    counted = listing is None
    if appliance is None:
        return CoverageDecision(Ticket.Coverage.BILLABLE, _("No appliance registered yet."))
    if appliance.warranty_until and appliance.warranty_until >= on:
        return CoverageDecision(
            Ticket.Coverage.WARRANTY,
            _("Under warranty until %(date)s.") % {"date": appliance.warranty_until.isoformat()},
        )
    refurbished = appliance.refurbished_warranty_until
    if refurbished and refurbished >= on:
        return CoverageDecision(
            Ticket.Coverage.WARRANTY,
            _("Refurbished unit under the workshop's warranty until %(date)s.")
            % {"date": refurbished.isoformat()},
        )
    if listing is None:
        listing = contracts_listing(appliance)
    listing = [c for c in listing if c.customer_id == customer.pk]
    contract = next((c for c in listing if c.is_active_on(on)), None)
    if contract is not None:
        return CoverageDecision(
            Ticket.Coverage.CONTRACT,
            _("Covered by contract %(number)s until %(date)s.")
            % {"number": contract.number, "date": contract.ends_on.isoformat()},
            contract,
            entitlements(contract, on, counted=counted),
        )
    if appliance.warranty_until:
        why = _("Warranty ended on %(date)s") % {"date": appliance.warranty_until.isoformat()}
    else:
        why = _("No warranty on record")
    contract = listing[0] if listing else None
    if contract is not None:
        why += _("; contract %(number)s is not active") % {"number": contract.number}
    else:
        why += _("; no contract covers it")
    return CoverageDecision(Ticket.Coverage.BILLABLE, why + ".")
