"""Who pays: warranty, contract or billable, decided when a ticket opens, with the reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from customers.models import Appliance, Customer, ServiceContract

from .models import Ticket


@dataclass(frozen=True)
class CoverageDecision:
    coverage: str
    reason: str
    contract: ServiceContract | None = None


def decide_coverage(
    *, customer: Customer, appliance: Appliance | None, on: datetime.date
) -> CoverageDecision:
    """Warranty while the appliance is under warranty, contract while an active contract of
    this customer covers it, otherwise billable."""
    if appliance is None:
        return CoverageDecision(Ticket.Coverage.BILLABLE, _("No appliance registered yet."))
    if appliance.warranty_until and appliance.warranty_until >= on:
        return CoverageDecision(
            Ticket.Coverage.WARRANTY,
            _("Under warranty until %(date)s.") % {"date": appliance.warranty_until.isoformat()},
        )
    contract = appliance.contract
    if contract and contract.customer_id == customer.pk and contract.is_active_on(on):
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
    if contract and not contract.is_active_on(on):
        why += _("; contract %(number)s is not active") % {"number": contract.number}
    else:
        why += _("; no contract covers it")
    return CoverageDecision(Ticket.Coverage.BILLABLE, why + ".")
