"""A ticket's conversation on the desk: public replies (emailed to the customer) and internal
notes."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import dispatcher_required
from tickets.models import Ticket
from tickets.selectors import (
    thread_for,
)
from tickets.services import conversation

from ..forms import (
    MessageForm,
)
from .common import _visible_ticket


def _thread_context(ticket: Ticket, form: MessageForm | None = None) -> dict:
    return {
        "ticket": ticket,
        "thread": thread_for(ticket, include_internal=True),
        "form": form or MessageForm(),
    }


def _post_message(request, number: str, write):
    ticket = _visible_ticket(request, number)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            write(
                ticket=ticket,
                by=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as err:
            field = err.field if err.field in form.fields else None
            form.add_error(field, err.message)
        else:
            if request.htmx:
                return render(request, "desk/_thread.html", _thread_context(ticket))
            # Back to the page the form was on, else the ticket's page.
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("desk:ticket", args=[ticket.number])
            return redirect(back)
    return render(request, "desk/_thread.html", _thread_context(ticket, form), status=400)


@require_POST
@dispatcher_required
def ticket_reply(request, number: str):
    """A public reply: shown to the customer and emailed to them."""
    return _post_message(request, number, conversation.reply)


@require_POST
@dispatcher_required
def ticket_note(request, number: str):
    """An internal note: for staff only."""
    return _post_message(request, number, conversation.add_note)
