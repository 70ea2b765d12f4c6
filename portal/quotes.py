"""The customer's quotes: read and decided in the portal, or through the emailed signed link
without logging in (the link opens that one quote and nothing else)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from billing import selectors
from billing.models import Quote
from billing.services import quotes
from fieldservice.errors import DomainError
from fieldservice.roles import acting_contact, customer_required


def _decide(request, quote: Quote, *, how: str) -> str | None:
    """The POST's decision, or the refusal's message (nothing changed)."""
    action = request.POST.get("action")
    if action not in ("accept", "decline"):
        return _("Choose to accept or to decline the quote.")
    try:
        quotes.decide_quote(
            quote=quote,
            accept=action == "accept",
            how=how,
            by=request.user if request.user.is_authenticated else None,
            name=request.POST.get("name", ""),
        )
    except DomainError as err:
        return err.message
    if action == "accept":
        messages.success(request, _("Thank you: the quote is accepted."))
    else:
        messages.success(request, _("The quote is declined."))
    return None


@customer_required
def quote(request, quote_id: int):
    contact = acting_contact(request.user)
    if contact is None:
        raise Http404
    found = get_object_or_404(
        selectors.quotes_of(
            contact.customer, requested_by=None if contact.sees_all_tickets else request.user
        ),
        pk=quote_id,
    )
    status, error = 200, None
    if request.method == "POST":
        error = _decide(request, found, how=Quote.How.PORTAL)
        if error is None:
            return redirect("portal:quote", quote_id=found.pk)
        status = 400
    return render(
        request,
        "portal/quote.html",
        {
            "quote": found,
            "error": error,
            "link": False,
            # A requester sees that a quote above the threshold waits for their approver.
            "needs_approver": not contact.sees_all_tickets and quotes.needs_approver(found),
        },
        status=status,
    )


def quote_link(request, token: str):
    try:
        found = quotes.quote_from_token(token)
    except DomainError as err:
        return render(request, "portal/quote.html", {"refused": err.message}, status=400)
    status, error = 200, None
    if request.method == "POST":
        error = _decide(request, found, how=Quote.How.LINK)
        if error is None:
            return redirect("portal:quote_link", token=token)
        status = 400
    return render(
        request, "portal/quote.html", {"quote": found, "error": error, "link": True}, status=status
    )
