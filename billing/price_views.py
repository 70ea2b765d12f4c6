"""The office's price lists, under /billing/prices/: every list, and one list's labour rates
(by job kind, with the after-hours and weekend factors) and part prices (over the catalog's).
Thin: billing.services.pricing validates (a refusal names the field and changes nothing) and
keeps every change with who made it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Part
from fieldservice.errors import DomainError, InvalidInput
from fieldservice.roles import dispatcher_required
from tickets.models import Ticket

from . import selectors
from .models import PriceList
from .services import pricing


@dispatcher_required
@require_GET
def price_lists(request):
    return render(request, "billing/price_lists.html", {"price_lists": selectors.price_lists()})


@dispatcher_required
@require_GET
def price_list(request, price_list_id: int):
    found = get_object_or_404(PriceList, pk=price_list_id)
    rates, parts = selectors.price_list_prices(found)
    by_kind = {rate.kind: rate for rate in rates}
    return render(
        request,
        "billing/price_list.html",
        {
            "price_list": found,
            "rates": [(kind, label, by_kind.get(kind)) for kind, label in Ticket.Kind.choices],
            "parts": parts,
        },
    )


@dispatcher_required
@require_POST
def set_rate(request, price_list_id: int):
    found = get_object_or_404(PriceList, pk=price_list_id)
    try:
        rate = pricing.set_labour_rate(
            price_list=found,
            kind=request.POST.get("kind", ""),
            hourly_rate=request.POST.get("hourly_rate", ""),
            after_hours_factor=request.POST.get("after_hours_factor", "").replace(",", "."),
            weekend_factor=request.POST.get("weekend_factor", "").replace(",", "."),
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("Labour rate for %(kind)s saved.") % {"kind": rate.get_kind_display()}
        )
    return redirect("billing:price_list", found.pk)


@dispatcher_required
@require_POST
def set_part(request, price_list_id: int):
    found = get_object_or_404(PriceList, pk=price_list_id)
    sku = request.POST.get("sku", "").strip()
    try:
        part = Part.objects.filter(sku=sku).first()
        if part is None:
            raise InvalidInput(
                _("Part (SKU): no part in the catalog has the SKU “%(sku)s”.") % {"sku": sku},
                field="sku",
            )
        pricing.set_part_price(
            price_list=found, part=part, price=request.POST.get("price", ""), by=request.user
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Price of %(part)s saved.") % {"part": part.name})
    return redirect("billing:price_list", found.pk)
