"""Intake: find the caller (or add a new one with their address on the map), type their codes,
see coverage, SLA and the articles for those codes, open the ticket or solve it on the phone."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import articles_for_codes, codes_starting
from customers import services as customer_services
from customers.models import Appliance, Contact, Customer, Site
from customers.selectors import search_contacts, search_customers
from customers.services import register_appliance
from dispatch import services
from fieldservice.errors import DomainError, LikelyDuplicate
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets.selectors import (
    assess_ticket,
)

from ..forms import (
    CodeLookupForm,
    CustomerSearchForm,
    IntakeForm,
    NewApplianceForm,
    NewCallerForm,
    NewSiteForm,
    PlaceSiteForm,
    article_choices,
)
from .common import CALLER_IDS, _other_articles


@dispatcher_required
def intake(request):
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = {
            "customer": data["site"].customer,
            "site": data["site"],
            "kind": data["kind"],
            "appliance": data["appliance"],
            "appliance_model": data["appliance_model"],
            "codes": data["code_list"],
            "description": data["description"],
            "channel": data["channel"],
            "priority": data["priority"],
            "by": request.user,
            "client_key": data["client_key"],
            "requested_by": data["requested_by"].user if data["requested_by"] else None,
        }
        solved = data["solve"]
        try:
            if solved:
                ticket = services.take_solved_call(
                    **call,
                    resolution_code=data["resolution_code"],
                    article=data["solved_with"],
                    notes=data["solve_notes"],
                )
            else:
                ticket = services.take_call(
                    **call, window_start=data["window_start"], window_end=data["window_end"]
                )
        except DomainError as err:
            field = {
                "window_start": "window_day",
                "window_end": "window_day",
                "article": "solved_with",
                "notes": "solve_notes",
                "requested_by": None,  # a hidden field: its refusal shows above the form
            }.get(err.field or "", err.field)
            form.add_error(field if field in form.fields else None, err.message)
        else:
            done = (
                _("{link} opened and solved on the phone.")
                if solved
                else _("{link} opened and queued.")
            )
            link = format_html(
                '<a href="{}">{}</a>', reverse("desk:ticket", args=[ticket.number]), ticket.number
            )
            messages.success(request, format_html(done, link=link))
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


@require_POST
@dispatcher_required
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
    types, and first the client companies' contacts the caller may be (by their name, email or
    phone), each with their organization's sites and appliances; a search that cannot be one
    (control characters, too long) says so by the field."""
    form = CustomerSearchForm(request.GET)
    if not form.is_valid():
        return render(
            request, "desk/_customer_results.html", {"error": errors_in_words(form)}, status=400
        )
    q = form.cleaned_data["q"]
    # The companies of the contacts found, each once, with the contacts found there; a company
    # shown so is not listed again on its own.
    callers: dict[int, tuple[Customer, list[Contact]]] = {}
    for contact in search_contacts(q=q):
        callers.setdefault(contact.customer_id, (contact.customer, []))[1].append(contact)
    customers = [c for c in search_customers(q=q) if c.pk not in callers]
    context = {
        "found_by_contact": list(callers.values()),
        "customers": customers,
        "q": q.strip(),
        "place_form": PlaceSiteForm(auto_id=False),
    }
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
    assessment, suggested = None, []
    if site is not None:
        assessment = assess_ticket(
            customer=site.customer,
            appliance=data.get("appliance"),
            appliance_model=data.get("appliance_model"),
            codes=data.get("code_list", []),
            priority=data.get("priority") or 3,
            at=timezone.now(),
        )
        appliance = data.get("appliance")
        model = appliance.model if appliance is not None else data.get("appliance_model")
        suggested = list(articles_for_codes(assessment.codes.matched, model))
        form.fields["solved_with"].choices = article_choices(suggested, _other_articles(suggested))
    return render(
        request,
        "desk/_intake_preview.html",
        {"assessment": assessment, "articles": suggested, "form": form},
    )
