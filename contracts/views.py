"""The desk's contract pages: the list (ending soonest first) and one contract, with what it
covers and includes and its hour bank line by line, where dispatchers record hours bought and
adjustments. Dispatchers only; a contract they cannot see is a 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import dispatcher_required

from . import selectors, services
from .forms import AdjustmentForm, PurchaseForm, minutes_of
from .hours import hours_text

PAGE_SIZE = 50


@dispatcher_required
def contract_list(request):
    search = request.GET.get("q", "")[:100]
    today = timezone.localdate()
    page = Paginator(selectors.contract_list(request.user, search=search, on=today), PAGE_SIZE)
    return render(
        request,
        "contracts/list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "search": search,
            "today": today,
            "soon": today + datetime.timedelta(days=30),
        },
    )


def _contract(request, contract_id: int):
    return get_object_or_404(
        selectors.contracts_for(request.user).prefetch_related("appliances__model", "sites"),
        pk=contract_id,
    )


def _detail(request, contract, *, purchase=None, adjustment=None, status=200):
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "balance": selectors.hour_balance(contract) if contract.hour_bank else None,
            "ledger": selectors.ledger(contract),
            "purchase_form": purchase or PurchaseForm(),
            "adjustment_form": adjustment or AdjustmentForm(),
        },
        status=status,
    )


@dispatcher_required
def contract_detail(request, contract_id: int):
    return _detail(request, _contract(request, contract_id))


def _record(request, contract, form, write, *, keep: str, form_name: str):
    """Write one ledger line from a valid form (`keep` the form's text field the service
    takes); a refusal shows beside its field and nothing is written."""
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = write(
                contract=contract,
                minutes=minutes_of(data["hours"]),
                on=data["on"],
                by=request.user,
                **{keep: data[keep]},
            )
        except DomainError as err:
            field = "hours" if err.field == "minutes" else err.field
            form.add_error(field if field in form.fields else None, err.message)
        else:
            messages.success(
                request,
                _("Recorded: %(hours)s h on contract %(number)s.")
                % {"hours": hours_text(entry.minutes), "number": contract.number},
            )
            return redirect("desk:contract", contract_id=contract.pk)
    return _detail(request, contract, status=400, **{form_name: form})


@require_POST
@dispatcher_required
def record_purchase(request, contract_id: int):
    contract = _contract(request, contract_id)
    return _record(
        request,
        contract,
        PurchaseForm(request.POST),
        services.purchase_hours,
        keep="note",
        form_name="purchase",
    )


@require_POST
@dispatcher_required
def record_adjustment(request, contract_id: int):
    contract = _contract(request, contract_id)
    return _record(
        request,
        contract,
        AdjustmentForm(request.POST),
        services.adjust_hours,
        keep="reason",
        form_name="adjustment",
    )
