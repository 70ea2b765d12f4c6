"""Writes of the workshop and the loaner pool. Each validates before it writes (a refusal names
what is wrong and changes nothing), writes in one transaction, records a line in the ticket's
history and sends a domain event.

Lock order, after tickets.locks: the ticket, then the repair order or loaner unit, then (parts
used in the workshop) the stock level rows that inventory.services.move_stock locks.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from catalog.models import Part
from customers.models import Appliance
from fieldservice import texts
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from inventory import selectors as stock
from inventory.models import StockMove
from inventory.services import move_stock
from tickets import closing, locks
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import record, transition_ticket
from tickets.transitions import ticket_can

from . import events
from .models import (
    Loan,
    LoanerUnit,
    ManufacturerReturn,
    RepairOrder,
    RepairPart,
    RepairStep,
    RepairUnit,
)
from .transitions import IN_WORKSHOP, REPAIR_TRANSITIONS, repair_can

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = RepairOrder.Status
NOTES = texts.NOTE


def _config(name: str, default: object) -> object:
    return settings.FIELDSERVICE.get("DEPOT", {}).get(name, default)


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# The repair order ------------------------------------------------------------------------------


@transaction.atomic
def open_repair_order(
    *,
    ticket: Ticket,
    appliances: list[Appliance],
    handover: str,
    source: str,
    by: User | None,
    visit: Visit | None = None,
    notes: str = "",
) -> RepairOrder:
    """Open a repair order for units of the ticket's customer, to be picked up or dropped off.
    A visit may open one with no unit named yet (its ticket's appliance is not registered):
    the workshop adds it on receipt (add_unit)."""
    if handover not in RepairOrder.Handover.values:
        raise InvalidInput(
            _("Say whether we pick the unit up or it is dropped off."), field="handover"
        )
    if source not in RepairOrder.Source.values:
        raise InvalidInput(
            _("Unknown origin of a repair order: %(s)s.") % {"s": source}, field="source"
        )
    if not appliances and source != RepairOrder.Source.VISIT:
        raise InvalidInput(_("Choose the units that go to the workshop."), field="appliances")
    texts.ensure_length(notes, limit=NOTES, field="notes")
    ticket = locks.lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot send a unit to the workshop.")
            % {"status": ticket.get_status_display()}
        )
    for appliance in appliances:
        _ensure_may_enter(ticket, appliance)
    order = RepairOrder.objects.create(
        ticket=ticket, source=source, visit=visit, handover=handover, notes=notes, created_by=by
    )
    for appliance in appliances:
        RepairUnit.objects.create(order=order, appliance=appliance)
    RepairStep.objects.create(order=order, status=S.OPENED, by=_person(by), notes=notes)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=order.number,
        reason=_("Repair order %(number)s opened (%(handover)s).")
        % {"number": order.number, "handover": order.get_handover_display()},
        repair_order=order.pk,
    )
    events.repair_order_opened.send(sender=RepairOrder, order=order)
    return order


def _ensure_may_enter(ticket: Ticket, appliance: Appliance) -> None:
    if appliance.site.customer_id != ticket.customer_id:
        raise InvalidInput(
            _("%(unit)s is not an appliance of %(customer)s.")
            % {"unit": appliance, "customer": ticket.customer},
            field="appliances",
        )
    elsewhere = (
        RepairUnit.objects.filter(appliance=appliance, order__status__in=RepairOrder.OPEN_STATUSES)
        .select_related("order")
        .first()
    )
    if elsewhere is not None:
        raise InvalidInput(
            _("%(unit)s is already on repair order %(number)s.")
            % {"unit": appliance, "number": elsewhere.order.number},
            field="appliances",
        )


@transaction.atomic
def add_unit(*, order: RepairOrder, appliance: Appliance, by: User | None) -> RepairUnit:
    """Add a unit of the ticket's customer to an open repair order (the workshop names the one
    a visit sent in)."""
    ticket = locks.lock_ticket(order.ticket_id)
    order = _lock_order(order.pk)
    if not order.is_open:
        raise TransitionNotAllowed(
            _("Repair order %(number)s is %(status)s: it takes no more units.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    _ensure_may_enter(ticket, appliance)
    unit = RepairUnit.objects.create(order=order, appliance=appliance)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=order.number,
        reason=_("%(unit)s added to repair order %(number)s.")
        % {"unit": appliance, "number": order.number},
    )
    return unit


def _lock_order(pk: int) -> RepairOrder:
    return RepairOrder.objects.select_for_update().select_related("ticket__customer").get(pk=pk)


def _person(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def next_steps(order: RepairOrder) -> list[str]:
    """The steps that may follow the order's, in the workshop's order."""
    allowed = REPAIR_TRANSITIONS.get(order.status, set())
    return [s for s in S.values if s in allowed]


@transaction.atomic
def record_step(
    *,
    order: RepairOrder,
    to: str,
    by: User | None,
    notes: str = "",
    at: datetime.datetime | None = None,
) -> RepairStep:
    """Move a repair order to its next workshop step, with who, when and notes. Ready needs
    every unit back from the manufacturer; returned resolves the ticket when the work on it
    was waiting for the unit (in progress), so the ticket stays open until the unit is back.
    """
    if to not in S.values:
        raise InvalidInput(_("Unknown workshop step: %(s)s.") % {"s": to}, field="to")
    texts.ensure_length(notes, limit=NOTES, field="notes")
    ticket = locks.lock_ticket(order.ticket_id)
    order = _lock_order(order.pk)
    if not repair_can(order.status, to):
        following = [str(S(s).label) for s in next_steps(order)]
        raise TransitionNotAllowed(
            _(
                "Repair order %(number)s cannot go from %(current)s to %(requested)s; "
                "next: %(next)s."
            )
            % {
                "number": order.number,
                "current": order.get_status_display(),
                "requested": S(to).label,
                "next": ", ".join(following) or "-",
            },
            field="to",
        )
    if to == S.RECEIVED and not order.units.exists():
        raise InvalidInput(_("Add the unit received before recording it."), field="to")
    if to == S.READY:
        away = ManufacturerReturn.objects.filter(unit__order=order, back_at__isnull=True).first()
        if away is not None:
            raise TransitionNotAllowed(
                _("%(unit)s is still at the manufacturer (RMA %(rma)s).")
                % {"unit": away.unit, "rma": away.rma_number},
                field="to",
            )
    previous = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    step = RepairStep.objects.create(
        order=order, status=to, at=at or timezone.now(), by=_person(by), notes=notes
    )
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        from_value=previous,
        to_value=to,
        reason=_("Repair order %(number)s: %(step)s.")
        % {"number": order.number, "step": S(to).label}
        + (f" {notes}" if notes else ""),
        repair_order=order.pk,
    )
    events.repair_step_recorded.send(sender=RepairOrder, order=order, step=step)
    if to == S.RETURNED:
        _resolve_when_all_back(ticket, order=order, by=by)
    return step


def _resolve_when_all_back(ticket: Ticket, *, order: RepairOrder, by: User | None) -> None:
    """The ticket whose work waited for its units (in progress) is resolved once none is left
    in the workshop; the caller holds its lock."""
    if ticket.status != Ticket.Status.IN_PROGRESS:
        return
    if not ticket_can(ticket.status, Ticket.Status.RESOLVED):
        return
    if RepairOrder.objects.filter(ticket=ticket, status__in=RepairOrder.OPEN_STATUSES).exists():
        return
    transition_ticket(
        ticket=ticket,
        to=Ticket.Status.RESOLVED,
        by=by,
        reason=_("The unit is back from the workshop (%(number)s).") % {"number": order.number},
    )


@transaction.atomic
def open_from_visit(*, visit: Visit) -> RepairOrder | None:
    """The repair order of a visit that ended "needs workshop": the ticket's appliance, to be
    picked up (the technician takes it, or we come back for it). None when the ticket has an
    open order already (a second visit that says so again)."""
    ticket = visit.ticket
    if RepairOrder.objects.filter(ticket=ticket, status__in=RepairOrder.OPEN_STATUSES).exists():
        return None
    appliance = ticket.appliance
    busy = (
        appliance is not None
        and RepairUnit.objects.filter(
            appliance=appliance, order__status__in=RepairOrder.OPEN_STATUSES
        ).exists()
    )
    return open_repair_order(
        ticket=ticket,
        appliances=[appliance] if appliance is not None and not busy else [],
        handover=RepairOrder.Handover.PICK_UP,
        source=RepairOrder.Source.VISIT,
        by=None,
        visit=visit,
        notes=visit.outcome_notes,
    )


# Parts used in the workshop --------------------------------------------------------------------

KEY_LENGTH = 64


def _part_key(order_pk: int, key: str) -> str:
    return f"workshop-{order_pk}-{key}"


@transaction.atomic
def use_part(
    *,
    order: RepairOrder,
    part: Part,
    quantity: object,
    key: str,
    by: User | None,
    serial: str = "",
) -> RepairPart:
    """Record a part fitted on a repair order in the workshop and take it from the workshop's
    stock (the warehouse marked StockLocation.is_workshop) by a consumption move, in this one
    transaction. Refused, naming the part, when the workshop has too few of it (unless the
    part allows stock below zero: the shortfall is then flagged to the warehouse, as
    inventory does everywhere); nothing is written then. `key` (the form's, sent once per
    form) makes a replay return the first record and take nothing more."""
    key = key.strip()
    if not key or len(key) > KEY_LENGTH:
        raise InvalidInput(
            _("The form has expired: open the repair order again and retry."), field="key"
        )
    move_key = _part_key(order.pk, key)
    if (done := RepairPart.objects.filter(move__key=move_key).first()) is not None:
        return done
    ticket = locks.lock_ticket(order.ticket_id)
    order = _lock_order(order.pk)
    if order.status not in IN_WORKSHOP:
        raise TransitionNotAllowed(
            _("Repair order %(number)s is %(status)s: parts are used while it is in the workshop.")
            % {"number": order.number, "status": order.get_status_display()},
            field="part",
        )
    location = stock.workshop_stock()
    if location is None:
        raise InvalidInput(
            _("No warehouse is set as the workshop's stock: mark one in the back office."),
            field="part",
        )
    move = move_stock(
        kind=StockMove.Kind.CONSUMPTION,
        part=part,
        quantity=quantity,
        key=move_key,
        by=_person(by),
        from_location=location,
        reason=_("Repair order %(number)s") % {"number": order.number},
        serial=serial,
    )
    # The same key sent at once: move_stock found the first move under the level locks.
    if (done := RepairPart.objects.filter(move=move).first()) is not None:
        return done
    used = RepairPart.objects.create(
        order=order, part=part, quantity=move.quantity, move=move, by=_person(by)
    )
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=part.sku,
        reason=_("%(number)s: %(quantity)s x %(part)s used in the workshop.")
        % {"number": order.number, "quantity": _quantity(move.quantity), "part": part.name},
        repair_order=order.pk,
    )
    return used


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


# Manufacturer's returns ------------------------------------------------------------------------


@transaction.atomic
def send_to_manufacturer(
    *, unit: RepairUnit, rma_number: str, by: User | None, notes: str = ""
) -> ManufacturerReturn:
    """Send a unit under the manufacturer's warranty on to the manufacturer, by their RMA."""
    rma_number = rma_number.strip()
    if not rma_number:
        raise InvalidInput(_("Give the manufacturer's RMA number."), field="rma_number")
    texts.ensure_length(rma_number, limit=60, field="rma_number")
    texts.ensure_length(notes, limit=NOTES, field="notes")
    ticket = locks.lock_ticket(unit.order.ticket_id)
    order = _lock_order(unit.order_id)
    if order.status not in IN_WORKSHOP:
        raise TransitionNotAllowed(
            _("Repair order %(number)s is %(status)s: only a unit in the workshop can be sent on.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    appliance = unit.appliance
    today = timezone.localdate()
    if appliance.warranty_until is None or appliance.warranty_until < today:
        raise InvalidInput(
            _("%(unit)s is not under the manufacturer's warranty.") % {"unit": appliance},
            field="unit",
        )
    if ManufacturerReturn.objects.filter(unit=unit, back_at__isnull=True).exists():
        raise TransitionNotAllowed(
            _("%(unit)s is at the manufacturer already.") % {"unit": appliance}, field="unit"
        )
    sent = ManufacturerReturn.objects.create(
        unit=unit, rma_number=rma_number, sent_by=_person(by), notes=notes
    )
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=rma_number,
        reason=_("%(unit)s sent to the manufacturer (RMA %(rma)s).")
        % {"unit": appliance, "rma": rma_number},
    )
    return sent


@transaction.atomic
def back_from_manufacturer(
    *, rma: ManufacturerReturn, by: User | None, notes: str = ""
) -> ManufacturerReturn:
    """The unit came back from the manufacturer."""
    texts.ensure_length(notes, limit=NOTES, field="notes")
    ticket = locks.lock_ticket(rma.unit.order.ticket_id)
    rma = (
        ManufacturerReturn.objects.select_for_update()
        .select_related("unit__appliance")
        .get(pk=rma.pk)
    )
    if rma.back_at is not None:
        raise TransitionNotAllowed(
            _("RMA %(rma)s came back already.") % {"rma": rma.rma_number}, field="rma"
        )
    rma.back_at = timezone.now()
    rma.notes = "\n".join(n for n in (rma.notes, notes) if n)
    rma.save(update_fields=["back_at", "notes"])
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=rma.rma_number,
        reason=_("%(unit)s back from the manufacturer (RMA %(rma)s).")
        % {"unit": rma.unit.appliance, "rma": rma.rma_number},
    )
    return rma


# Refurbished units -----------------------------------------------------------------------------

LONGEST_REFURBISHED_WARRANTY = 60  # months


@transaction.atomic
def mark_refurbished(*, unit: RepairUnit, warranty_months: int, by: User | None) -> Appliance:
    """A unit repaired in the workshop, refurbished with a warranty of its own from today:
    coverage uses it for whoever has the unit next (tickets.coverage)."""
    if not 1 <= warranty_months <= LONGEST_REFURBISHED_WARRANTY:
        raise InvalidInput(
            _("A refurbished unit's warranty lasts from 1 to %(most)d months.")
            % {"most": LONGEST_REFURBISHED_WARRANTY},
            field="warranty_months",
        )
    ticket = locks.lock_ticket(unit.order.ticket_id)
    order = _lock_order(unit.order_id)
    if order.status not in (S.READY, S.RETURNED):
        raise TransitionNotAllowed(
            _("Repair order %(number)s is %(status)s: a unit is refurbished once it is ready.")
            % {"number": order.number, "status": order.get_status_display()},
            field="warranty_months",
        )
    appliance = Appliance.objects.select_for_update().get(pk=unit.appliance_id)
    today = timezone.localdate()
    appliance.refurbished_on = today
    appliance.refurbished_warranty_until = today + relativedelta(months=warranty_months)
    appliance.save(update_fields=["refurbished_on", "refurbished_warranty_until"])
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=appliance.refurbished_warranty_until.isoformat(),
        reason=_("%(unit)s refurbished, under warranty until %(date)s.")
        % {"unit": appliance, "date": _day(appliance.refurbished_warranty_until)},
    )
    return appliance


# Loaners -----------------------------------------------------------------------------------------


def parse_deposit(amount: str | Decimal | None, currency: str | None = None) -> Money | None:
    """A deposit as typed: empty is none; otherwise a positive amount in a known currency."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(_("The deposit is not an amount."), field="deposit") from None
    if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(_("A deposit is a positive amount in cents."), field="deposit")
    currency = currency or settings.DEFAULT_CURRENCY
    if currency not in settings.CURRENCIES:
        raise InvalidInput(_("Unknown currency: %(c)s.") % {"c": currency}, field="deposit")
    return Money(value, currency)


def _out_message(loan: Loan) -> str:
    return _(
        "Loaner %(unit)s is out: lent to %(customer)s on ticket %(ticket)s, due back "
        "%(due)s. Collect it first."
    ) % {
        "unit": loan.unit,
        "customer": loan.customer,
        "ticket": loan.ticket.number,
        "due": _day(loan.due_on),
    }


@transaction.atomic
def lend_loaner(
    *,
    unit: LoanerUnit,
    ticket: Ticket,
    due_on: datetime.date,
    by: User | None,
    deposit: Money | None = None,
    visit: Visit | None = None,
    repair_order: RepairOrder | None = None,
) -> Loan:
    """Hand a loaner over to the ticket's customer, at the desk or at a visit, until `due_on`.
    The company's deposit (FIELDSERVICE["DEPOT"]["LOANER_DEPOSIT"]), when it asks one, is
    required. A unit is never lent twice at once (and the database refuses it too)."""
    today = timezone.localdate()
    if due_on < today:
        raise InvalidInput(_("The due date is in the past."), field="due_on")
    if (due_on - today).days > int(_config("LONGEST_LOAN_DAYS", 180)):  # type: ignore[call-overload]
        raise InvalidInput(
            _("A loan lasts at most %(days)d days.") % {"days": _config("LONGEST_LOAN_DAYS", 180)},
            field="due_on",
        )
    asked = _config("LOANER_DEPOSIT", None)
    if asked and deposit is None:
        raise InvalidInput(
            _("The company asks a deposit of %(amount)s for a loaner.") % {"amount": asked},
            field="deposit",
        )
    ticket = locks.lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot get a loaner.") % {"status": ticket.get_status_display()},
            field="ticket",
        )
    if visit is not None and visit.ticket_id != ticket.pk:
        raise InvalidInput(_("The visit is not one of this ticket's."), field="visit")
    if repair_order is not None and repair_order.ticket_id != ticket.pk:
        raise InvalidInput(_("The repair order is not one of this ticket's."), field="repair_order")
    unit = LoanerUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.active:
        raise InvalidInput(_("Loaner %(unit)s is not in the pool.") % {"unit": unit}, field="unit")
    out = Loan.objects.filter(unit=unit, returned_at__isnull=True).select_related(
        "customer", "ticket", "unit"
    )
    if (current := out.first()) is not None:
        raise TransitionNotAllowed(_out_message(current), field="unit")
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                unit=unit,
                ticket=ticket,
                customer=ticket.customer,
                repair_order=repair_order,
                due_on=due_on,
                deposit=deposit,  # type: ignore[misc]  # djmoney's field takes its Money
                lent_by=_person(by),
                lent_at_visit=visit,
            )
    except IntegrityError:
        # Lent by another request between the check and the write (the constraint's answer).
        raise TransitionNotAllowed(_out_message(out.get()), field="unit") from None
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=unit.serial_number,
        reason=_("Loaner %(unit)s handed over, due back %(due)s.")
        % {"unit": unit, "due": _day(due_on)},
        loan=loan.pk,
    )
    events.loan_started.send(sender=Loan, loan=loan)
    return loan


@transaction.atomic
def collect_loaner(*, loan: Loan, by: User | None, visit: Visit | None = None) -> Loan:
    """The loaner is back, at the desk or at a visit."""
    locks.lock_ticket(loan.ticket_id)
    loan = Loan.objects.select_for_update().select_related("unit", "ticket").get(pk=loan.pk)
    if loan.returned_at is not None:
        raise TransitionNotAllowed(
            _("Loaner %(unit)s was collected already, on %(day)s.")
            % {"unit": loan.unit, "day": _day(timezone.localdate(loan.returned_at))},
            field="loan",
        )
    if visit is not None and visit.ticket_id != loan.ticket_id:
        raise InvalidInput(_("The visit is not one of this ticket's."), field="visit")
    loan.returned_at = timezone.now()
    loan.returned_by = _person(by)
    loan.returned_at_visit = visit
    loan.save(update_fields=["returned_at", "returned_by", "returned_at_visit"])
    record(
        ticket=loan.ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        to_value=loan.unit.serial_number,
        reason=_("Loaner %(unit)s collected.") % {"unit": loan.unit},
        loan=loan.pk,
    )
    events.loan_returned.send(sender=Loan, loan=loan)
    return loan


def send_loan_reminders(*, today: datetime.date | None = None) -> int:
    """Remind customers of loans due within FIELDSERVICE["DEPOT"]["REMIND_DAYS_BEFORE"] days
    (default 1), and once more of loans past their due date. Each reminder is claimed with a
    conditional update, so running twice (or two workers) sends it once. Returns how many."""
    today = today or timezone.localdate()
    before = today + datetime.timedelta(days=int(_config("REMIND_DAYS_BEFORE", 1)))  # type: ignore[call-overload]
    sent = 0
    out = Loan.objects.filter(returned_at__isnull=True)
    soon = out.filter(reminded_before_at__isnull=True, due_on__gte=today, due_on__lte=before)
    for pk in soon.values_list("pk", flat=True):
        sent += _remind(pk, field="reminded_before_at", overdue=False)
    late = out.filter(reminded_after_at__isnull=True, due_on__lt=today)
    for pk in late.values_list("pk", flat=True):
        sent += _remind(pk, field="reminded_after_at", overdue=True)
    return sent


def _remind(pk: int, *, field: str, overdue: bool) -> int:
    with transaction.atomic():
        claimed = Loan.objects.filter(
            pk=pk, returned_at__isnull=True, **{f"{field}__isnull": True}
        ).update(**{field: timezone.now()})
        if not claimed:
            return 0
        loan = Loan.objects.select_related("unit__model", "customer", "ticket").get(pk=pk)
        events.loan_due.send(sender=Loan, loan=loan, overdue=overdue)
    return 1


# What holds a ticket open (tickets.closing) -----------------------------------------------------


def unit_in_workshop(ticket: Ticket, to: str) -> str:
    """A ticket is not done while one of its repair orders is open."""
    order = RepairOrder.objects.filter(ticket=ticket, status__in=RepairOrder.OPEN_STATUSES).first()
    if order is None:
        return ""
    return _("Repair order %(number)s is not back from the workshop (%(status)s).") % {
        "number": order.number,
        "status": order.get_status_display(),
    }


def loaner_out(ticket: Ticket, to: str) -> str:
    """A ticket is not closed while the customer still has its loaner."""
    if to != Ticket.Status.CLOSED:
        return ""
    loan = (
        Loan.objects.filter(ticket=ticket, returned_at__isnull=True).select_related("unit").first()
    )
    if loan is None:
        return ""
    return _("Loaner %(unit)s is still with the customer (due back %(due)s).") % {
        "unit": loan.unit,
        "due": _day(loan.due_on),
    }


def register_close_checks() -> None:
    closing.register("depot.unit_in_workshop", unit_in_workshop)
    closing.register("depot.loaner_out", loaner_out)
