"""First-line pages: intake (find the caller, type their codes, see coverage and SLA, open the
ticket) and the ticket list (filter, search, save the filters, export)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import codes_starting
from customers import services as customer_services
from customers.models import Appliance
from customers.selectors import search_customers
from customers.services import register_appliance
from dispatch import services
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets.selectors import assess_ticket

from . import export, selectors
from . import services as desk_services
from .forms import CodeLookupForm, IntakeForm, NewApplianceForm, NewSiteForm, TicketFilterForm


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


@dispatcher_required
def ticket_list(request):
    """Every ticket the agent may see, filtered, searched and sorted, 50 a page; the results
    alone for htmx, which sends the filters as they change."""
    form = TicketFilterForm(request.GET)
    context: dict = {"form": form, "saved_filters": selectors.saved_filters(user=request.user)}
    if not form.is_valid():
        context["error"] = errors_in_words(form)
    else:
        tickets = selectors.ticket_list(user=request.user, filters=form.filters())
        page = Paginator(tickets, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(t, selectors.technician_names(t)) for t in page.object_list]
        context.update(page=page, rows=rows, query=form.query(), sort=form.filters().sort)
    status = 400 if "error" in context else 200
    if not request.htmx:
        return render(request, "desk/tickets.html", context, status=status)
    response = render(request, "desk/_ticket_results.html", context, status=status)
    if "query" in context:
        # The address bar shows the filters given, not every empty field htmx sends.
        response["HX-Push-Url"] = _list_url(context["query"])
    return response


@dispatcher_required
def ticket_export(request):
    """The filtered list (every page of it) as CSV, streamed row by row."""
    form = TicketFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return render(request, "desk/tickets.html", context, status=400)
    tickets = selectors.ticket_list(user=request.user, filters=form.filters())
    response = StreamingHttpResponse(export.ticket_rows(tickets), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
    return response


@require_POST
@dispatcher_required
def save_filter(request):
    try:
        saved = desk_services.save_filter(
            user=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except DomainError as err:
        form = TicketFilterForm(QueryDict(request.POST.get("query", "")))
        context = {"form": form, "error": err.message}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return render(request, "desk/tickets.html", context, status=400)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(_list_url(saved.query))


@dispatcher_required
def apply_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    return redirect(_list_url(saved.query))


@require_POST
@dispatcher_required
def delete_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    desk_services.delete_filter(saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect("desk:tickets")


def _list_url(query: str) -> str:
    return f"{reverse('desk:tickets')}?{query}" if query else reverse("desk:tickets")


@dispatcher_required
def ticket(request, number):
    return redirect("dispatch:board")  # stands in for the ticket page until it is merged
