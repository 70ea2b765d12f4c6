"""The office's stock pages (dispatchers, as the billing pages): stock by location, the
ledger, purchase orders and their receipt, the vans' restock lists. Thin: rules live in
inventory.services, reads in inventory.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required

from . import selectors, services
from .forms import LedgerFilterForm, LocationChoiceForm, MoveForm, OrderForm, new_key
from .models import PurchaseOrder, StockLocation

PAGE = 200


@dispatcher_required
@require_GET
def stock(request):
    """Every location, and the stock of the one chosen (read from its level rows)."""
    form = LocationChoiceForm(request.GET)
    chosen = form.cleaned_data["location"] if form.is_valid() else None
    return render(
        request,
        "inventory/stock.html",
        {
            "form": form,
            "locations": selectors.locations_for(request.user).filter(is_active=True),
            "chosen": chosen,
            "levels": selectors.levels_at([chosen.pk]) if chosen else [],
            "shortfalls": selectors.shortfalls()[:50],
            "move_form": MoveForm(initial={"from_location": chosen}),
        },
        status=400 if form.errors else 200,
    )


@dispatcher_required
@require_GET
def ledger(request):
    form = LedgerFilterForm(request.GET)
    found = selectors.moves()
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.moves(location=data["location"])
        if data["part"].strip():
            found = found.filter(part__sku__iexact=data["part"].strip())
        if data["serial"].strip():
            found = found.filter(serial__serial=data["serial"].strip()).order_by("at", "pk")
    return render(
        request,
        "inventory/moves.html",
        {
            "form": form,
            "moves": found[:PAGE],
            "error": errors_in_words(form) if form.errors else "",
        },
        status=400 if form.errors else 200,
    )


@dispatcher_required
@require_POST
def record_move(request):
    form = MoveForm(request.POST)
    back = reverse("inventory:stock")
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        services.move_stock(by=request.user, **data)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Stock move recorded."))
    place = data["from_location"] or data["to_location"]
    return redirect(f"{back}?location={place.pk}" if place else back)


@dispatcher_required
@require_GET
def orders(request):
    return render(
        request,
        "inventory/orders.html",
        {"orders": selectors.orders()[:PAGE], "form": OrderForm()},
    )


@dispatcher_required
@require_POST
def new_order(request):
    form = OrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("inventory:orders")
    try:
        order = services.order_parts(
            supplier=form.cleaned_data["supplier"],
            warehouse=form.cleaned_data["warehouse"],
            expected_on=form.cleaned_data["expected_on"],
            lines=form.lines(),
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("inventory:orders")
    messages.success(request, _("Purchase order created."))
    return redirect("inventory:order", order.pk)


@dispatcher_required
@require_GET
def order(request, order_id: int):
    found = get_object_or_404(selectors.orders(), pk=order_id)
    return render(
        request,
        "inventory/order.html",
        {"order": found, "lines": list(found.lines.all()), "key": new_key()},
    )


@dispatcher_required
@require_POST
def receive(request, order_id: int):
    found = get_object_or_404(PurchaseOrder, pk=order_id)
    received = {
        line.pk: request.POST.get(f"line_{line.pk}", "").strip() for line in found.lines.all()
    }
    try:
        services.receive_order(
            order=found, received=received, key=request.POST.get("key", "")[:60], by=request.user
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Delivery received into %(w)s.") % {"w": found.warehouse})
    return redirect("inventory:order", found.pk)


@dispatcher_required
@require_GET
def restock(request):
    """Every van's restock list for the evening, for the warehouse to load."""
    vans = list(
        StockLocation.objects.filter(kind=StockLocation.Kind.VAN, is_active=True).select_related(
            "technician__user", "restocked_from"
        )
    )
    lists = selectors.restock_lists([van.pk for van in vans])
    return render(
        request,
        "inventory/restock.html",
        {"vans": [(van, lists[van.pk]) for van in vans]},
    )
