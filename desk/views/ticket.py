"""The ticket page: everything about one ticket and the actions its state allows, "solved on
the phone" among them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.selectors import work_approvals_of
from catalog.selectors import articles_for_codes
from depot.views import ticket_panel_context
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from inventory import selectors as stock
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import (
    allowed_actions,
    history_lines,
)
from tickets.services import resolve_remotely
from tickets.transitions import REMOTE_FIX_FROM, VISIT_STARTED

from ..forms import (
    KindForm,
    NoteForm,
    PriorityForm,
    ReasonForm,
    SolveOnPhoneForm,
    VisitForm,
    article_choices,
)
from .common import _other_articles, _visible_ticket
from .conversation import _thread_context

# The ticket page's actions: the form each one reads and what it is done with.
ACTION_FORMS = {
    "priority": PriorityForm,
    "kind": KindForm,
    "add_visit": VisitForm,
    "resolve": NoteForm,
    "close": NoteForm,
    "reopen": ReasonForm,
    "cancel": ReasonForm,
}


def _blank_form(action: str, ticket: Ticket, data=None):
    form_class = ACTION_FORMS[action]
    if form_class is VisitForm:
        return VisitForm(data, tz=ZoneInfo(str(ticket.site.timezone)), prefix=action)
    initial = {"priority": ticket.priority, "kind": ticket.kind}
    return form_class(data, initial=initial, prefix=action)


def _ticket_page(request, ticket: Ticket, *, failed=None, error: str = "", status: int = 200):
    """The page (or its body, for htmx), with a blank form per allowed action; `failed` is the
    bound form that was refused, shown with its errors and `error` in its place."""
    actions = allowed_actions(ticket, request.user)
    forms = {action: _blank_form(action, ticket) for action in actions}
    failed_action = ""
    if failed is not None:
        failed_action = failed.prefix
        forms[failed_action] = failed
    context = {
        "ticket": ticket,
        "visits": list(ticket.visits.all()),
        "history": history_lines(ticket),
        "forms": forms,
        "failed_action": failed_action,
        "error": error,
        **_thread_context(ticket),
        **solve_on_phone_context(ticket),
        **ticket_panel_context(ticket),
        **stock.ticket_parts(ticket),
        "approvals": list(work_approvals_of(ticket.pk)),
    }
    template = "desk/_ticket.html" if request.htmx else "desk/ticket.html"
    return render(request, template, context, status=status)


@dispatcher_required
def ticket(request, number: str):
    """Everything about one ticket: details, coverage, both SLA clocks, visits, history, and
    a form for each action its state allows."""
    return _ticket_page(request, _visible_ticket(request, number, for_page=True))


def _act(action: str, ticket: Ticket, by, data: dict) -> None:
    reason = data.get("reason", "")
    if action == "priority":
        ticket_services.change_priority(
            ticket=ticket, priority=data["priority"], reason=reason, by=by
        )
    elif action == "kind":
        ticket_services.change_kind(ticket=ticket, kind=data["kind"], reason=reason, by=by)
    elif action == "add_visit":
        ticket_services.create_visit(
            ticket=ticket,
            by=by,
            window_start=data["window_start"],
            window_end=data["window_end"],
            duration_minutes=data["duration_minutes"],
        )
    elif action == "resolve":
        ticket_services.resolve_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "close":
        ticket_services.close_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "reopen":
        ticket_services.reopen_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "cancel":
        ticket_services.cancel_ticket(ticket=ticket, reason=reason, by=by)


def solve_on_phone_context(ticket: Ticket, form: SolveOnPhoneForm | None = None) -> dict:
    """What templates/desk/_solve_on_phone.html needs, for the ticket page to include: the
    form with the articles for the ticket's codes first, and whether the ticket may still be
    solved on the phone (not once a visit is under way or made)."""
    suggested = list(
        articles_for_codes(
            list(ticket.error_codes.all()),
            ticket.appliance.model if ticket.appliance else ticket.appliance_model,
        )
    )
    if form is None:
        form = SolveOnPhoneForm(suggested=suggested, others=_other_articles(suggested))
    else:
        form.fields["article"].choices = article_choices(suggested, _other_articles(suggested))
    allowed = (
        ticket.status in REMOTE_FIX_FROM
        and not ticket.visits.filter(status__in=VISIT_STARTED).exists()
    )
    return {"ticket": ticket, "solve_form": form, "solve_allowed": allowed}


@require_POST
@dispatcher_required
def ticket_action(request, number: str, action: str):
    """One of the ticket page's actions. Refused input is 400 with the field named, an action
    the state does not allow 409 naming both states; nothing is changed either way."""
    ticket = _visible_ticket(request, number, for_page=True)
    if action not in ACTION_FORMS:
        raise Http404(_("No such action."))
    form = _blank_form(action, ticket, request.POST)
    if not form.is_valid():
        return _ticket_page(request, ticket, failed=form, error=errors_in_words(form), status=400)
    try:
        _act(action, ticket, request.user, form.cleaned_data)
    except DomainError as err:
        if err.field in form.fields:
            form.add_error(err.field, err.message)
        ticket = _visible_ticket(request, number, for_page=True)
        return _ticket_page(request, ticket, failed=form, error=err.message, status=err.status)
    messages.success(request, _("%(number)s updated.") % {"number": ticket.number})
    if request.htmx:
        return _ticket_page(request, _visible_ticket(request, number, for_page=True))
    return redirect("desk:ticket", number=ticket.number)


@require_POST
@dispatcher_required
def ticket_solve_remotely(request, number: str):
    """Resolve the ticket as solved on the phone. Answers the partial (htmx) or goes back to
    the ticket's page with a message."""
    ticket = _visible_ticket(request, number)
    form = SolveOnPhoneForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            ticket = resolve_remotely(
                ticket=ticket,
                by=request.user,
                resolution_code=form.cleaned_data["resolution_code"],
                article=form.cleaned_data["article"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("%(number)s solved on the phone.") % {"number": ticket.number}
            )
        return redirect(_ticket_page_url(ticket))
    context = solve_on_phone_context(ticket, form)
    context.update({"error": error, "solved": not error})
    return render(
        request,
        "desk/_solve_on_phone.html",
        context,
        status=(409 if form.is_valid() else 400) if error else 200,
    )


def _ticket_page_url(ticket: Ticket) -> str:
    return reverse("desk:ticket", kwargs={"number": ticket.number})
