"""The support tiers' queues and who holds a ticket: take, hand over, escalate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dispatch.forms import TierForm
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import (
    tickets_for,
    tier_counts,
    tier_queue,
)

from ..forms import (
    HandOverForm,
)
from ..holder import holder_context, person_name
from .common import _visible_ticket


@dispatcher_required
def queue(request, tier: int):
    """The open tickets at one support tier, unheld first, each to take."""
    if tier not in Ticket.Tier.values:
        raise Http404
    return render(
        request,
        "desk/queue.html",
        {
            "tier": tier,
            "tickets": tier_queue(tier=tier),
            "counts": tier_counts(),
            "now": timezone.now(),
        },
    )


def _holder_reply(request, ticket: Ticket, *, done: str = "", error: str = "", status: int = 200):
    """The holder partial again for htmx; otherwise back where the form was, with a message."""
    ticket = tickets_for(request.user).select_related("held_by").get(pk=ticket.pk)
    if request.htmx:
        context = holder_context(ticket, request.user, error=error, done=done)
        return render(request, "desk/_holder.html", context, status=status)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("desk:queue", args=[ticket.tier])
    return redirect(back)


@require_POST
@dispatcher_required
def take(request, number: str):
    ticket = _visible_ticket(request, number)
    try:
        ticket = ticket_services.take_ticket(ticket=ticket, by=request.user)
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request, ticket, done=_("You hold %(number)s.") % {"number": ticket.number}
    )


@require_POST
@dispatcher_required
def hand_over(request, number: str):
    ticket = _visible_ticket(request, number)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        return _holder_reply(request, ticket, error=errors_in_words(form), status=400)
    try:
        ticket = ticket_services.hand_over(ticket=ticket, by=request.user, **form.cleaned_data)
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request,
        ticket,
        done=_("%(number)s handed over to %(name)s.")
        % {"number": ticket.number, "name": person_name(form.cleaned_data["to"])},
    )


@require_POST
@dispatcher_required
def change_tier(request, number: str):
    """Escalate (or bring back) a ticket one tier: it leaves its holder and that tier hears."""
    ticket = _visible_ticket(request, number)
    form = TierForm(request.POST)
    if not form.is_valid():
        return _holder_reply(request, ticket, error=errors_in_words(form), status=400)
    change = (
        ticket_services.escalate
        if form.cleaned_data["direction"] == "up"
        else ticket_services.deescalate
    )
    try:
        ticket = change(ticket=ticket, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request,
        ticket,
        done=_("%(number)s is now at tier %(tier)d.")
        % {"number": ticket.number, "tier": ticket.tier},
    )
