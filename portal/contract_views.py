"""The customer's contracts in the portal: what each covers and includes, hours bought, used
and left in the bank, and the included visits left this contract year. Another customer's
contract is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from contracts import selectors
from fieldservice.roles import administrator_required
from tickets.coverage import entitlements


def _mine(request):
    return selectors.contracts_for(request.user).prefetch_related("appliances__model", "sites")


def _view(contract, today):
    return {
        "contract": contract,
        "entitlements": entitlements(contract, today),
        "balance": selectors.hour_balance(contract, today) if contract.hour_bank else None,
    }


@administrator_required
def contracts(request):
    today = timezone.localdate()
    return render(
        request,
        "portal/contracts.html",
        {"contracts": [_view(c, today) for c in _mine(request)], "today": today},
    )


@administrator_required
def contract(request, contract_id: int):
    today = timezone.localdate()
    found = get_object_or_404(_mine(request), pk=contract_id)
    return render(
        request,
        "portal/contract.html",
        {
            **_view(found, today),
            "today": today,
            "ledger": selectors.ledger(found) if found.hour_bank else [],
        },
    )
