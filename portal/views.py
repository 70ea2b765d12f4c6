"""The customer's pages: sign-up and its email confirmation, appliances, booking in free
windows, following the job."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import articles, articles_for_codes, codes_starting, match_codes
from customers.services import register_appliance
from depot import selectors as depot_selectors
from depot import services as depot_services
from depot.models import RepairOrder
from dispatch import availability
from fieldservice.errors import DomainError, InvalidInput, WindowTaken
from fieldservice.forms import errors_in_words
from fieldservice.roles import acting_contact, acting_customer, customer_required
from tickets import reports
from tickets.models import Visit
from tickets.selectors import thread_for, tickets_for

from . import selectors, services
from .forms import ApplianceForm, BookingForm, CodeSearchForm, ModelSearchForm, SignUpForm


def _customer(request):
    """The organization in use (customers.access), which every page of the portal is of."""
    customer = acting_customer(request.user)
    if customer is None:
        raise Http404
    return customer


def _requester_only(request):
    """The user, when they see only the tickets they requested (a requester); else None."""
    contact = acting_contact(request.user)
    return request.user if contact is not None and not contact.sees_all_tickets else None


@customer_required
def home(request):
    customer = _customer(request)
    return render(
        request,
        "portal/home.html",
        {
            "customer": customer,
            "contact": acting_contact(request.user),
            "tickets": selectors.tickets_of(customer, requested_by=_requester_only(request)),
            "appliances": customer.sites.prefetch_related("appliances__model"),
        },
    )


def sign_up(request):
    form = SignUpForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = {
            **form.cleaned_data,
            "language": form.cleaned_data["language"] or request.LANGUAGE_CODE,
        }
        try:
            customer = services.sign_up(**data)
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            user = customer.contacts.get().user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! We emailed you a link: follow it to confirm your address. Add "
                    "your appliance meanwhile; you can book once the address is confirmed."
                ),
            )
            return redirect("portal:add_appliance")
    return render(request, "portal/signup.html", {"form": form}, status=400 if form.errors else 200)


def confirm_email(request, token: str):
    """The link from the sign-up email: works without logging in (another device, say)."""
    try:
        services.confirm_email(token=token)
    except DomainError as err:
        return render(request, "portal/confirm_email.html", {"error": err.message}, status=400)
    return render(request, "portal/confirm_email.html", {"confirmed": True})


@require_POST
@customer_required
def resend_confirmation(request):
    customer = _customer(request)
    try:
        services.resend_confirmation(customer=customer)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("We sent the email again to %(email)s.") % {"email": customer.email}
        )
    return redirect("portal:book")


@customer_required
def add_appliance(request):
    customer = _customer(request)
    search = ModelSearchForm(request.GET)
    if not search.is_valid():
        # A null character PostgreSQL cannot compare, or a search longer than any model name.
        messages.error(request, errors_in_words(search))
    query = search.cleaned_data.get("q", "")
    form = ApplianceForm(request.POST or None, customer=customer, model_query=query)
    if request.method == "POST" and form.is_valid():
        try:
            register_appliance(**form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            messages.success(request, _("Appliance added."))
            return redirect("portal:book")
    return render(
        request,
        "portal/appliance_form.html",
        {"form": form, "q": query},
        status=400 if form.errors or search.errors else 200,
    )


@customer_required
def code_search(request):
    """What a code on the display means, for the customer's chosen appliance."""
    form = CodeSearchForm(request.GET, customer=_customer(request))
    if not form.is_valid():
        return render(request, "portal/_codes.html", {"form": form}, status=400)
    appliance = form.cleaned_data["appliance"]
    codes = (
        []
        if appliance is None
        else codes_starting(model=appliance.model, typed=form.cleaned_data["codes"], limit=5)
    )
    typed = form.cleaned_data["codes"].strip() if appliance is not None else ""
    return render(request, "portal/_codes.html", {"form": form, "codes": codes, "typed": typed})


@customer_required
def book(request):
    """Three steps on one page: the job, then its free windows, then a review of the chosen
    window (coverage, prices, whether it is final) whose "Confirm booking" alone books."""
    customer = _customer(request)
    if selectors.awaiting_confirmation(customer):
        return render(request, "portal/confirm_email.html", {"email": customer.email}, status=403)
    form = BookingForm(request.POST or request.GET or None, customer=customer)
    windows, review, tips = [], None, []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if request.method == "POST":
                ticket = _book(request, customer, data)
                messages.success(request, _("Booked! We will confirm by email."))
                return redirect("portal:ticket", ticket_id=ticket.pk)
            if data["window"] is not None:
                services.ensure_offered(data["window"])
                review = selectors.booking_review(
                    customer=customer,
                    kind=data["kind"],
                    site=data["site"],
                    appliance=data["appliance"],
                    model=data["model"],
                    codes=data["code_list"],
                    description=data["description"],
                    window_start=data["window"],
                )
        except WindowTaken as err:
            messages.error(request, err.message)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        if review is None and not form.errors:
            windows = _free_windows(data)
            tips = _try_first(data)
    return render(
        request,
        "portal/book.html",
        {
            "form": form,
            "windows": windows,
            "review": review,
            "tips": tips,
            "final_before": selectors.final_before(),
            "cutoff_hours": settings.FIELDSERVICE.get("CHANGE_CUTOFF_HOURS", 24),
        },
        status=400 if form.errors else 200,
    )


def _book(request, customer, data):
    if data["window"] is None:
        raise InvalidInput(_("Choose one of the windows shown."), field="window")
    ticket, _visit = services.book_visit(
        customer=customer,
        site=data["site"],
        kind=data["kind"],
        appliance=data["appliance"],
        appliance_model=data["model"],
        codes=data["code_list"],
        description=data["description"],
        window_start=data["window"],
        by=request.user,
        client_key=data["client_key"],
    )
    return ticket


def _try_first(data):
    """The public articles for the chosen appliance and the codes typed: "try this first"."""
    appliance = data["appliance"]
    model = appliance.model if appliance is not None else data["model"]
    if model is None:
        return []
    matched = match_codes(data["code_list"], model).matched
    return list(articles_for_codes(matched, model, public_only=True))


@customer_required
def article(request, article_id: int):
    """A public knowledge-base article; an internal one is a 404 here."""
    found = get_object_or_404(articles(public_only=True), pk=article_id)
    return render(request, "portal/article.html", {"article": found})


def _free_windows(data):
    return availability.by_day(
        availability.free_windows(
            skills=services.job_skills(
                appliance=data["appliance"], model=data["model"], codes=data["code_list"]
            ),
            minutes=services.job_minutes(
                kind=data["kind"], appliance=data["appliance"], model=data["model"]
            ),
            site=data["site"],
        )
    )


def _report_url(visit: Visit) -> str | None:
    if visit.status not in (Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE):
        return None
    try:
        return reverse("tech:report", args=[visit.pk])
    except NoReverseMatch:
        return None


@customer_required
def ticket(request, ticket_id: int):
    ticket = get_object_or_404(tickets_for(request.user), pk=ticket_id)
    visits = [
        (v, selectors.eta(v), services.booking_token(v), _report_url(v))
        for v in ticket.visits.select_related("technician__user")
    ]
    thread = thread_for(ticket, include_internal=False)
    return render(
        request,
        "portal/ticket.html",
        {
            "ticket": ticket,
            "visits": visits,
            "thread": thread,
            # The repair's progress in the workshop, and the loaner the customer has.
            "repair_orders": depot_selectors.orders_of_ticket(ticket),
            "loans": depot_selectors.loans_of_ticket(ticket),
            "handovers": RepairOrder.Handover.choices,
            "tracking": selectors.tracking(ticket),
        },
    )


@customer_required
def tracking(request, ticket_id: int):
    """The tracking map's data for the customer's own ticket (polled by portal/tracking.js):
    another customer's ticket is a 404."""
    ticket = get_object_or_404(tickets_for(request.user), pk=ticket_id)
    response = JsonResponse(selectors.tracking(ticket))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@customer_required
def repair_request(request, ticket_id: int):
    """The customer asks for their appliance to be repaired in the workshop: they bring it
    (drop-off) or we pick it up."""
    ticket = get_object_or_404(tickets_for(request.user), pk=ticket_id)
    try:
        order = depot_services.open_repair_order(
            ticket=ticket,
            appliances=[ticket.appliance] if ticket.appliance else [],
            handover=request.POST.get("handover", ""),
            source=RepairOrder.Source.CUSTOMER,
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("Workshop repair %(number)s requested: we will tell you when it is received.")
            % {"number": order.number},
        )
    return redirect("portal:ticket", ticket_id=ticket.pk)


def manage(request, token: str):
    """Move or cancel one booking from the link in the confirmation, without logging in."""
    try:
        visit = services.visit_from_token(token)
    except DomainError as err:
        return render(request, "portal/manage.html", {"error": err.message}, status=400)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.cancel_booking(visit=visit)
                messages.success(request, _("Your visit is cancelled."))
            else:
                start = BookingForm.base_fields["window"].clean(request.POST.get("window"))
                services.reschedule_booking(visit=visit, window_start=start)
                messages.success(request, _("Your visit is moved."))
        except DomainError as err:
            messages.error(request, err.message)
            status = err.status
        except ValidationError:
            messages.error(request, _("Choose one of the windows shown."))
            status = 400
        else:
            return redirect("portal:manage", token=token)
        # Nothing changed: show the page again with what was wrong.
        visit.refresh_from_db()
    ticket = visit.ticket
    model = ticket.appliance.model if ticket.appliance_id else ticket.appliance_model
    windows = []
    refusal = services.change_refusal(visit)
    if refusal is None:
        windows = availability.by_day(
            availability.free_windows(
                skills=list(ticket.required_skills.all()),
                minutes=visit.duration_minutes,
                site=ticket.site,
            )
        )
    return render(
        request,
        "portal/manage.html",
        {
            "visit": visit,
            "ticket": ticket,
            "model": model,
            "windows": windows,
            "refusal": refusal,
        },
        status=status,
    )


def report(request, token: str):
    """A finished visit's service report from the link in the completion message, without
    logging in: the page, or the PDF with ?format=pdf."""
    try:
        visit = services.report_from_token(token)
    except DomainError as err:
        return render(request, "portal/manage.html", {"error": err.message}, status=400)
    return reports.response(
        visit,
        pdf=request.GET.get("format") == "pdf",
        # The customer's page of the request (after signing in, for a link opened elsewhere).
        back_url=reverse("portal:ticket", args=[visit.ticket_id]),
    )
