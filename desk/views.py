"""First-line pages: intake (find the caller, type their codes, see coverage and SLA, open the
ticket) and the ticket page (everything about one ticket, and the actions its state allows)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import codes_starting
from customers import services as customer_services
from customers.models import Appliance, Site
from customers.selectors import search_customers
from customers.services import register_appliance
from dispatch import services
from fieldservice.errors import DomainError, LikelyDuplicate
from fieldservice.forms import errors_in_words
from fieldservice.media import file_response
from fieldservice.roles import dispatcher_required
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import (
    allowed_actions,
    assess_ticket,
    history_lines,
    thread_for,
    ticket_for_page,
)
from tickets.services import conversation

from . import inbound
from .forms import (
    CodeLookupForm,
    ConfirmContactForm,
    CustomerSearchForm,
    IntakeForm,
    KindForm,
    MessageForm,
    NewApplianceForm,
    NewCallerForm,
    NewSiteForm,
    NoteForm,
    PlaceSiteForm,
    PriorityForm,
    ReasonForm,
    VisitForm,
)
from .models import PendingContact, QuarantinedMail

# The new-caller form sits beside the intake form, whose fields have Django's "id_" ids.
CALLER_IDS = "caller_%s"


@dispatcher_required
def intake(request):
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.take_call(
                customer=data["site"].customer,
                site=data["site"],
                kind=data["kind"],
                appliance=data["appliance"],
                appliance_model=data["appliance_model"],
                codes=data["code_list"],
                description=data["description"],
                channel=data["channel"],
                priority=data["priority"],
                by=request.user,
                window_start=data["window_start"],
                window_end=data["window_end"],
                client_key=data["client_key"],
            )
        except DomainError as err:
            field = err.field
            field = "window_day" if field in ("window_start", "window_end") else field
            form.add_error(field if field in form.fields else None, err.message)
        else:
            messages.success(
                request,
                format_html(
                    _("{link} opened and queued."),
                    link=format_html(
                        '<a href="{}">{}</a>',
                        reverse("desk:ticket", args=[ticket.number]),
                        ticket.number,
                    ),
                ),
            )
            return redirect("desk:intake")
    return render(
        request,
        "desk/intake.html",
        {
            "form": form,
            "new_site": NewSiteForm(),
            "new_appliance": NewApplianceForm(),
            "new_caller": NewCallerForm(auto_id=CALLER_IDS),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@dispatcher_required
def add_appliance(request):
    """Register an appliance the caller has at the chosen site, without leaving the call."""
    form = NewApplianceForm(request.POST)
    appliance, error = None, ""
    if form.is_valid():
        try:
            appliance = register_appliance(**form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_new_appliance.html",
        {"appliance": appliance, "error": error},
        status=400 if error else 200,
    )


@require_POST
@dispatcher_required
def add_site(request):
    """Add an address for the found customer; it then shows among their sites to pick."""
    form = NewSiteForm(request.POST)
    site, error = None, ""
    if form.is_valid():
        try:
            site = customer_services.add_site(**form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_new_site.html",
        {"site": site, "error": error},
        status=400 if error else 200,
    )


@require_POST
@dispatcher_required
def new_caller(request):
    """Take a caller the desk does not know: customer, site and appliance in one go, then
    chosen for the call. Likely duplicates are shown first (409), each to use instead, and
    saved only when the agent says "create anyway"."""
    form = NewCallerForm(request.POST, auto_id=CALLER_IDS)
    if not form.is_valid():
        return render(
            request, "desk/_new_caller.html", {"error": errors_in_words(form)}, status=400
        )
    try:
        caller = customer_services.create_caller(**form.cleaned_data)
    except LikelyDuplicate as err:
        return render(
            request,
            "desk/_new_caller.html",
            {"duplicates": err.matches, "message": err.message},
            status=409,
        )
    except DomainError as err:
        error = err.message
        if err.field in form.fields:
            error = _("%(field)s: %(errors)s") % {"field": form[err.field].label, "errors": error}
        return render(request, "desk/_new_caller.html", {"error": error}, status=400)
    return render(request, "desk/_new_caller.html", {"caller": caller})


def place_site(request, site_id: int):
    """Put an address's pin where the agent dragged it; the site can then be booked."""
    site = get_object_or_404(Site, pk=site_id)
    form = PlaceSiteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            site = customer_services.place_site(site=site, by=request.user, **form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_placed_site.html",
        {"site": site, "error": error},
        status=400 if error else 200,
    )


@dispatcher_required
def customer_search(request):
    """Customers by name, phone, email, address or an appliance's serial number, as the agent
    types; a search that cannot be one (control characters, too long) says so by the field."""
    form = CustomerSearchForm(request.GET)
    if not form.is_valid():
        return render(
            request, "desk/_customer_results.html", {"error": errors_in_words(form)}, status=400
        )
    q = form.cleaned_data["q"]
    customers = search_customers(q=q)
    context = {"customers": customers, "q": q.strip(), "place_form": PlaceSiteForm(auto_id=False)}
    return render(request, "desk/_customer_results.html", context)


@dispatcher_required
def code_search(request):
    """The catalog codes of the chosen appliance's model that start like what is typed."""
    raw_id = request.GET.get("appliance", "")
    # Asked as the agent types: an id that is not one finds nothing, like an unknown one.
    appliance = (
        Appliance.objects.select_related("model").filter(pk=int(raw_id)).first()
        if raw_id.isascii() and raw_id.isdigit()
        else None
    )
    lookup = CodeLookupForm(request.GET)
    if not lookup.is_valid():
        # A null character PostgreSQL cannot compare, or more than any list of codes.
        return render(
            request, "desk/_code_results.html", {"error": errors_in_words(lookup)}, status=400
        )
    typed = lookup.cleaned_data["codes"].split(",")[-1]
    codes = [] if appliance is None else codes_starting(model=appliance.model, typed=typed, limit=8)
    return render(request, "desk/_code_results.html", {"codes": codes})


@dispatcher_required
def preview(request):
    """Coverage (with why) and SLA due time for what is on the form, before saving."""
    form = IntakeForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    site = data.get("site")
    assessment = None
    if site is not None:
        assessment = assess_ticket(
            customer=site.customer,
            appliance=data.get("appliance"),
            appliance_model=data.get("appliance_model"),
            codes=data.get("code_list", []),
            priority=data.get("priority") or 3,
            at=timezone.now(),
        )
    return render(request, "desk/_intake_preview.html", {"assessment": assessment})


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


def _ticket_or_404(request, number: str) -> Ticket:
    ticket = ticket_for_page(request.user, number)
    if ticket is None:
        raise Http404(_("No ticket %(number)s.") % {"number": number})
    return ticket


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
        "show_thread": False,  # the conversation joins here (desk/_thread.html)
    }
    template = "desk/_ticket.html" if request.htmx else "desk/ticket.html"
    return render(request, template, context, status=status)


@dispatcher_required
def ticket(request, number: str):
    """Everything about one ticket: details, coverage, both SLA clocks, visits, history, and
    a form for each action its state allows."""
    return _ticket_page(request, _ticket_or_404(request, number))


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


@require_POST
@dispatcher_required
def ticket_action(request, number: str, action: str):
    """One of the ticket page's actions. Refused input is 400 with the field named, an action
    the state does not allow 409 naming both states; nothing is changed either way."""
    ticket = _ticket_or_404(request, number)
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
        ticket = _ticket_or_404(request, number)
        return _ticket_page(request, ticket, failed=form, error=err.message, status=err.status)
    messages.success(request, _("%(number)s updated.") % {"number": ticket.number})
    if request.htmx:
        return _ticket_page(request, _ticket_or_404(request, number))
    return redirect("desk:ticket", number=ticket.number)


def _ticket(number: str) -> Ticket:
    """A ticket by its number as people write it (T-000123) or as the bare number."""
    digits = number.upper().removeprefix("T-")
    if not digits.isdigit():
        raise Http404
    return get_object_or_404(Ticket.objects.select_related("customer"), pk=int(digits))


def _thread_context(ticket: Ticket, form: MessageForm | None = None) -> dict:
    return {
        "ticket": ticket,
        "thread": thread_for(ticket, include_internal=True),
        "form": form or MessageForm(),
    }


def _post_message(request, number: str, write):
    ticket = _ticket(number)
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
            # Back to the ticket's page the form was on (the integrator's desk:ticket).
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("desk:intake")
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


@dispatcher_required
def mail_quarantine(request):
    return render(
        request,
        "desk/mail_quarantine.html",
        {"quarantined": QuarantinedMail.objects.all()[:200]},
    )


@dispatcher_required
def mail_quarantine_raw(request, mail_id: int):
    kept = get_object_or_404(QuarantinedMail, pk=mail_id)
    response = file_response(kept.raw)
    response["Content-Type"] = "message/rfc822"
    response["Content-Disposition"] = content_disposition_header(True, f"quarantine-{kept.pk}.eml")
    return response


@dispatcher_required
def mail_pending(request):
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request, "desk/mail_pending.html", {"pending": pending, "form": ConfirmContactForm()}
    )


@require_POST
@dispatcher_required
def mail_pending_confirm(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    form = ConfirmContactForm(request.POST)
    if form.is_valid():
        try:
            ticket = inbound.confirm_contact(
                contact=contact, customer=form.cleaned_data["customer"], by=request.user
            )
        except DomainError as err:
            form.add_error("customer" if err.field == "customer" else None, err.message)
        else:
            messages.success(request, _("%(number)s opened.") % {"number": ticket.number})
            return redirect("desk:mail_pending")
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request,
        "desk/mail_pending.html",
        {"pending": pending, "form": ConfirmContactForm(), "errors_for": contact.pk, "bad": form},
        status=400,
    )


@require_POST
@dispatcher_required
def mail_pending_dismiss(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    inbound.dismiss_contact(contact=contact)
    messages.success(request, _("Dismissed."))
    return redirect("desk:mail_pending")
