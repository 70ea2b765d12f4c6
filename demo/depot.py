"""Demo workshop: a loaner pool, repair orders at each step of the bench, loans out (one of them
overdue). Safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from customers.models import ApplianceModel
from depot import services
from depot.models import Loan, LoanerUnit, RepairOrder
from tickets.models import Ticket

S = RepairOrder.Status
# How far each demo order has come, in the workshop's order.
PATHS = [
    [],
    [S.RECEIVED],
    [S.RECEIVED, S.DIAGNOSING],
    [S.RECEIVED, S.DIAGNOSING, S.WAITING_FOR_PARTS],
    [S.RECEIVED, S.DIAGNOSING, S.REPAIRING],
    [S.RECEIVED, S.DIAGNOSING, S.REPAIRING, S.TESTING],
    [S.RECEIVED, S.DIAGNOSING, S.REPAIRING, S.TESTING, S.READY],
]
LOANERS = 6


def seed_depot() -> int:
    """Write what is missing; returns the number of repair orders written."""
    models = list(ApplianceModel.objects.order_by("pk")[:LOANERS])
    for n in range(LOANERS):
        model = models[n % len(models)] if models else None
        LoanerUnit.objects.get_or_create(
            serial_number=f"LOAN-{n + 1:03d}",
            defaults={"model": model, "description": "" if model else "Loaner"},
        )
    if RepairOrder.objects.exists():
        return 0
    candidates = (
        Ticket.objects.filter(
            status__in=[Ticket.Status.IN_PROGRESS, Ticket.Status.TRIAGED],
            kind=Ticket.Kind.REPAIR,
            appliance__isnull=False,
        )
        .exclude(appliance__repairs__isnull=False)
        .select_related("appliance")
        .order_by("pk")[: len(PATHS) * 4]
    )
    # One ticket per appliance: a unit is on one open repair order at a time.
    tickets, seen = [], set()
    for ticket in candidates:
        if ticket.appliance_id not in seen and len(tickets) < len(PATHS):
            seen.add(ticket.appliance_id)
            tickets.append(ticket)
    today = timezone.localdate()
    pool = list(LoanerUnit.objects.filter(active=True).order_by("serial_number"))
    for n, (ticket, path) in enumerate(zip(tickets, PATHS, strict=False)):
        order = services.open_repair_order(
            ticket=ticket,
            appliances=[ticket.appliance],
            handover=RepairOrder.Handover.PICK_UP if n % 2 else RepairOrder.Handover.DROP_OFF,
            source=RepairOrder.Source.DESK,
            by=None,
            notes="Demo: bench repair.",
        )
        for step in path:
            services.record_step(order=order, to=step, by=None, notes="Demo step.")
        if n < len(pool) and n % 2 == 0:
            loan = services.lend_loaner(
                unit=pool[n],
                ticket=ticket,
                due_on=today + datetime.timedelta(days=7 + n),
                by=None,
                repair_order=order,
            )
            if n == 0:  # one loan past its day, for the overdue list
                Loan.objects.filter(pk=loan.pk).update(due_on=today - datetime.timedelta(days=2))
    return len(tickets)
