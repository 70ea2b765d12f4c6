"""The office's pages for quotes and warranty claims, under /billing/."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import dispatcher_required
from tickets.models import Visit
from tickets.selectors import ticket_number_pk, tickets_for

from . import selectors
from .models import Quote
from .services import quotes

MAX_DESK_LINES = 20


@dispatcher_required
def quote_list(request):
    status = request.GET.get("status", "")
    found = selectors.quotes_for_office()
    if status in Quote.Status.values:
        found = found.filter(status=status)
    return render(
        request,
        "billing/quotes.html",
        {"quotes": found[:200], "statuses": Quote.Status.choices, "status": status},
    )


@dispatcher_required
def quote_detail(request, quote_id: int):
    quote = get_object_or_404(selectors.quotes_for_office(), pk=quote_id)
    return render(request, "billing/quote.html", {"quote": quote})


def _desk_lines(post) -> list[quotes.LineInput]:
    lines = []
    for n in range(MAX_DESK_LINES):
        description = post.get(f"description_{n}", "").strip()
        if description:
            lines.append(
                quotes.LineInput(
                    description=description,
                    unit_price=post.get(f"price_{n}", ""),
                    quantity=post.get(f"quantity_{n}", "1") or "1",
                )
            )
    return lines


@require_POST
@dispatcher_required
def quote_new(request, number: str):
    """A draft quote for the ticket: of a visit's repair options (visit=<id>), else of the
    lines written at the desk."""
    ticket = get_object_or_404(tickets_for(request.user), pk=ticket_number_pk(number) or 0)
    try:
        if request.POST.get("visit"):
            visit = get_object_or_404(Visit, ticket=ticket, pk=request.POST["visit"])
            quote = quotes.quote_from_options(visit=visit, by=request.user)
        else:
            quote = quotes.create_quote(
                ticket=ticket, lines=_desk_lines(request.POST), by=request.user
            )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("desk:ticket", number=ticket.number)
    messages.success(request, _("Quote %(n)s drafted.") % {"n": quote.number})
    return redirect("billing:quote", quote_id=quote.pk)


@require_POST
@dispatcher_required
def quote_send(request, quote_id: int):
    quote = get_object_or_404(Quote, pk=quote_id)
    try:
        quotes.send_quote(quote=quote, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Quote %(n)s sent to the customer.") % {"n": quote.number})
    return redirect("billing:quote", quote_id=quote.pk)


@dispatcher_required
def claims(request):
    return render(request, "billing/claims.html", {"claims": selectors.open_claims()})
