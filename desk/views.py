"""First-line intake: find the caller, type their codes, see coverage and SLA, open the ticket;
the support tiers' queues and who holds a ticket; technicians' training records."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import codes_starting
from customers import services as customer_services
from customers.models import Appliance
from customers.selectors import search_customers
from customers.services import register_appliance
from dispatch import services
from dispatch.forms import TierForm
from fieldservice.errors import DomainError, NotAllowed
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required, may_edit_staff_records
from technicians import services as technician_services
from technicians.models import Technician, TrainingRecord
from technicians.selectors import technicians_for, with_qualifications
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import assess_ticket, tickets_for, tier_counts, tier_queue

from .forms import (
    CodeLookupForm,
    HandOverForm,
    IntakeForm,
    NewApplianceForm,
    NewSiteForm,
    TrainingRecordForm,
)
from .holder import holder_context, person_name

# A ticket's number as people write it: T-000123 (any case, leading zeros optional).
TICKET_NUMBER = re.compile(r"[Tt]-(\d{1,12})")


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
                request, _("%(number)s opened and queued.") % {"number": ticket.number}
            )
            return redirect("desk:intake")
    return render(
        request,
        "desk/intake.html",
        {"form": form, "new_site": NewSiteForm(), "new_appliance": NewApplianceForm()},
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


@dispatcher_required
def customer_search(request):
    """Customers by name, email, phone or an appliance's serial number, as the agent types."""
    q = request.GET.get("q", "")
    customers = search_customers(q=q)
    return render(request, "desk/_customer_results.html", {"customers": customers, "q": q.strip()})


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


# Tier queues and who holds a ticket.


def _ticket(request, number: str) -> Ticket:
    """The ticket a page names by its number (T-000123), among those the user may see."""
    found = TICKET_NUMBER.fullmatch(number.strip())
    if found is None:
        raise Http404
    return get_object_or_404(tickets_for(request.user), pk=int(found.group(1)))


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
    ticket = _ticket(request, number)
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
    ticket = _ticket(request, number)
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
    ticket = _ticket(request, number)
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


# Technicians' training records: dispatchers read them, office staff keep them.


def _training_page(request, technician: Technician, *, form=None, editing=None, status=200):
    technician = with_qualifications(technicians_for(request.user)).get(pk=technician.pk)
    return render(
        request,
        "desk/training.html",
        {
            "technician": technician,
            "records": technician.training_records.all(),
            "certifications": technician.certifications.all(),
            "today": timezone.localdate(),
            "may_edit": may_edit_staff_records(request.user),
            "form": form or TrainingRecordForm(),
            "editing": editing,
        },
        status=status,
    )


def _save_training(request, technician: Technician, record: TrainingRecord | None):
    if not may_edit_staff_records(request.user):
        raise PermissionDenied
    form = TrainingRecordForm(request.POST)
    if form.is_valid():
        try:
            saved = technician_services.save_training_record(
                technician=technician, record=record, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Saved: %(course)s.") % {"course": saved.course})
            return redirect("desk:training", technician_id=technician.pk)
    return _training_page(request, technician, form=form, editing=record, status=400)


@dispatcher_required
def training(request, technician_id: int):
    """A technician's training and certifications; staff add a record here."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    if request.method == "POST":
        return _save_training(request, technician, None)
    return _training_page(request, technician)


@dispatcher_required
def training_record(request, technician_id: int, record_id: int):
    """One training record to change (staff); the page shows its form filled in."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    if request.method == "POST":
        return _save_training(request, technician, record)
    form = TrainingRecordForm(
        initial={
            "course": record.course,
            "date": record.date,
            "trainer": record.trainer,
            "expires_on": record.expires_on,
            "notes": record.notes,
        }
    )
    return _training_page(request, technician, form=form, editing=record)


@require_POST
@dispatcher_required
def delete_training_record(request, technician_id: int, record_id: int):
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    try:
        technician_services.delete_training_record(record=record, by=request.user)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from err
    messages.success(request, _("Deleted: %(course)s.") % {"course": record.course})
    return redirect("desk:training", technician_id=technician.pk)
