"""Who pays: warranty, contract or billable, decided when a ticket opens, with the reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contracts.models import ServiceContract
from contracts.selectors import contracts_listing
from customers.models import Appliance, Customer

from .models import Ticket


@dataclass(frozen=True)
class CoverageDecision:
    coverage: str
    reason: str
    contract: ServiceContract | None = None


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
    seeder, before its rows are written); otherwise they are read."""
    if appliance is None:
        return CoverageDecision(Ticket.Coverage.BILLABLE, _("No appliance registered yet."))
    if appliance.warranty_until and appliance.warranty_until >= on:
        return CoverageDecision(
            Ticket.Coverage.WARRANTY,
            _("Under warranty until %(date)s.") % {"date": appliance.warranty_until.isoformat()},
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
