"""The workshop's pages (the bench queue and a repair order) and the loaner desk's. Views
translate: they parse a form, call one service, and show its refusal as a message."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required, workshop_required
from inventory.selectors import workshop_stock
from tickets.models import Ticket
from tickets.selectors import ticket_number_pk, tickets_for

from . import selectors, services
from .forms import (
    AddUnitForm,
    LendForm,
    OpenOrderForm,
    RefurbishedForm,
    RmaForm,
    StepForm,
    UsePartForm,
)
from .models import Loan, ManufacturerReturn, RepairOrder, RepairUnit
from .transitions import IN_WORKSHOP


def ticket_panel_context(ticket: Ticket) -> dict:
    """What templates/depot/_ticket_panel.html needs, for the desk's ticket page to include:
    the ticket's repair orders and loans, and blank forms to add either."""
    lend_form = LendForm(ticket=ticket)
    lend_form.fields["unit"].queryset = selectors.available_loaners()  # type: ignore[attr-defined]
    return {
        "repair_orders": selectors.orders_of_ticket(ticket),
        "loans": selectors.loans_of_ticket(ticket),
        "repair_form": OpenOrderForm(ticket=ticket),
        "lend_form": lend_form,
    }


def _back(request, fallback: str, **kwargs):
    """Back to the page the form was on (a local `next`), else to `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback, **kwargs)


def _steps_of(order: RepairOrder) -> list[tuple[str, str]]:
    return [(s, RepairOrder.Status(s).label) for s in services.next_steps(order)]


@workshop_required
def queue(request):
    """The bench's queue: open repair orders, each with the steps that may follow."""
    orders = selectors.bench_queue()
    rows = [(o, _steps_of(o)) for o in orders]
    return render(request, "depot/queue.html", {"rows": rows})


@workshop_required
def order(request, order_id: int):
    found = get_object_or_404(selectors.repair_orders_for(request.user), pk=order_id)
    return render(
        request,
        "depot/order.html",
        {
            "order": found,
            "next_steps": _steps_of(found),
            "add_unit_form": AddUnitForm(order=found),
            "parts_used": selectors.parts_of_order(found),
            "parts_in_workshop": found.status in IN_WORKSHOP,
            "use_part_form": UsePartForm(
                initial={"key": uuid.uuid4().hex}, location=workshop_stock()
            ),
            "loans": [loan for loan in selectors.loans_of_ticket(found.ticket)],
        },
    )


def _run(request, call, success: str) -> None:
    try:
        call()
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, success)


@require_POST
@workshop_required
def order_step(request, order_id: int):
    found = get_object_or_404(selectors.repair_orders_for(request.user), pk=order_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return _back(request, "depot:order", order_id=found.pk)
    data = form.cleaned_data
    _run(
        request,
        lambda: services.record_step(
            order=found, to=data["to"], notes=data["notes"], by=request.user
        ),
        _("%(number)s: %(step)s.")
        % {"number": found.number, "step": RepairOrder.Status(data["to"]).label},
    )
    return _back(request, "depot:order", order_id=found.pk)


@require_POST
@workshop_required
def order_add_unit(request, order_id: int):
    found = get_object_or_404(selectors.repair_orders_for(request.user), pk=order_id)
    form = AddUnitForm(request.POST, order=found)
    if form.is_valid():
        _run(
            request,
            lambda: services.add_unit(
                order=found, appliance=form.cleaned_data["appliance"], by=request.user
            ),
            _("Unit added."),
        )
    else:
        messages.error(request, errors_in_words(form))
    return redirect("depot:order", order_id=found.pk)


@require_POST
@workshop_required
def order_use_part(request, order_id: int):
    """A part fitted in the workshop, taken from the workshop's stock."""
    found = get_object_or_404(selectors.repair_orders_for(request.user), pk=order_id)
    form = UsePartForm(request.POST, location=workshop_stock())
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: services.use_part(order=found, by=request.user, **data),
            _("%(part)s recorded as used.") % {"part": data["part"].name},
        )
    else:
        messages.error(request, errors_in_words(form))
    return redirect("depot:order", order_id=found.pk)


def _unit(request, unit_id: int) -> RepairUnit:
    return get_object_or_404(
        RepairUnit.objects.select_related("order", "appliance"),
        pk=unit_id,
        order__in=selectors.repair_orders_for(request.user),
    )


@require_POST
@workshop_required
def unit_rma(request, unit_id: int):
    unit = _unit(request, unit_id)
    form = RmaForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.send_to_manufacturer(unit=unit, by=request.user, **form.cleaned_data),
            _("Sent to the manufacturer."),
        )
    else:
        messages.error(request, errors_in_words(form))
    return redirect("depot:order", order_id=unit.order_id)


@require_POST
@workshop_required
def rma_back(request, rma_id: int):
    rma = get_object_or_404(
        ManufacturerReturn.objects.select_related("unit__order"),
        pk=rma_id,
        unit__order__in=selectors.repair_orders_for(request.user),
    )
    _run(
        request,
        lambda: services.back_from_manufacturer(
            rma=rma, by=request.user, notes=request.POST.get("notes", "")
        ),
        _("Back from the manufacturer."),
    )
    return redirect("depot:order", order_id=rma.unit.order_id)


@require_POST
@workshop_required
def unit_refurbished(request, unit_id: int):
    unit = _unit(request, unit_id)
    form = RefurbishedForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.mark_refurbished(
                unit=unit, warranty_months=form.cleaned_data["warranty_months"], by=request.user
            ),
            _("Marked refurbished."),
        )
    else:
        messages.error(request, errors_in_words(form))
    return redirect("depot:order", order_id=unit.order_id)


def _ticket(request, number: str) -> Ticket:
    return get_object_or_404(tickets_for(request.user), pk=ticket_number_pk(number) or 0)


@require_POST
@dispatcher_required
def order_new(request, number: str):
    """The desk sends units of the ticket's customer to the workshop."""
    ticket = _ticket(request, number)
    form = OpenOrderForm(request.POST, ticket=ticket)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("desk:ticket", number=ticket.number)
    try:
        opened = services.open_repair_order(
            ticket=ticket,
            appliances=list(form.cleaned_data["appliances"]),
            handover=form.cleaned_data["handover"],
            notes=form.cleaned_data["notes"],
            source=RepairOrder.Source.DESK,
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("desk:ticket", number=ticket.number)
    messages.success(request, _("Repair order %(number)s opened.") % {"number": opened.number})
    return redirect("depot:order", order_id=opened.pk)


@dispatcher_required
def loans(request):
    """The loaner pool: what is out (the overdue first), and what may be lent."""
    out = list(selectors.loans_out())
    return render(
        request,
        "depot/loans.html",
        {
            "overdue": list(selectors.overdue_loans()),
            "out": out,
            "available": list(selectors.available_loaners()),
        },
    )


@require_POST
@dispatcher_required
def lend(request, number: str):
    ticket = _ticket(request, number)
    form = LendForm(request.POST, ticket=ticket)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("desk:ticket", number=ticket.number)
    data = form.cleaned_data
    try:
        loan = services.lend_loaner(
            unit=data["unit"],
            ticket=ticket,
            due_on=data["due_on"],
            deposit=services.parse_deposit(data["deposit"]),
            visit=data["visit"],
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Loaner %(unit)s lent.") % {"unit": loan.unit})
    return redirect("desk:ticket", number=ticket.number)


@require_POST
@dispatcher_required
def collect(request, loan_id: int):
    loan = get_object_or_404(Loan.objects.select_related("unit", "ticket"), pk=loan_id)
    _run(
        request,
        lambda: services.collect_loaner(loan=loan, by=request.user),
        _("Loaner %(unit)s collected.") % {"unit": loan.unit},
    )
    return _back(request, "depot:loans")
