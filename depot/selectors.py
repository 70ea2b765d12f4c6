"""Reads of the workshop and the loaner pool, scoped by who asks, with what their pages need."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from fieldservice import roles
from tickets.models import Ticket

from .models import (
    Loan,
    LoanerUnit,
    ManufacturerReturn,
    RepairOrder,
    RepairPart,
    RepairStep,
    RepairUnit,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

S = RepairOrder.Status


def _orders() -> QuerySet[RepairOrder]:
    return RepairOrder.objects.select_related("ticket__customer", "ticket__site").prefetch_related(
        Prefetch(
            "units",
            queryset=RepairUnit.objects.select_related("appliance__model").prefetch_related(
                Prefetch(
                    "manufacturer_returns",
                    queryset=ManufacturerReturn.objects.order_by("-sent_at", "-pk"),
                )
            ),
        ),
        Prefetch("steps", queryset=RepairStep.objects.select_related("by").order_by("at", "pk")),
    )


def repair_orders_for(user: User | AnonymousUser | None) -> QuerySet[RepairOrder]:
    """All for dispatchers and bench technicians, a customer's own for a customer, none else."""
    if roles.is_workshop_staff(user):
        return _orders()
    return roles.scoped(
        _orders(), user, customer="ticket__customer", requester="ticket__requested_by"
    )


def bench_queue() -> list[RepairOrder]:
    """The workshop's open orders: the furthest along first (ready to go back out), then by
    age, so the bench sees what is waiting longest in each step."""
    rank = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(reversed(RepairOrder.OPEN_STATUSES))],
        output_field=IntegerField(),
    )
    return list(
        _orders()
        .filter(status__in=RepairOrder.OPEN_STATUSES)
        .annotate(rank=rank)
        .order_by("rank", "created_at", "pk")
    )


def parts_of_order(order: RepairOrder) -> list[RepairPart]:
    """The parts fitted on the order in the workshop, in the order they were taken."""
    return list(
        RepairPart.objects.filter(order=order).select_related("part", "by").order_by("at", "pk")
    )


def orders_of_ticket(ticket: Ticket) -> list[RepairOrder]:
    return list(_orders().filter(ticket=ticket).order_by("pk"))


def _loans() -> QuerySet[Loan]:
    return Loan.objects.select_related("unit__model", "customer", "ticket", "repair_order")


def loans_of_ticket(ticket: Ticket) -> list[Loan]:
    return list(_loans().filter(ticket=ticket).order_by("pk"))


def loans_out() -> QuerySet[Loan]:
    return _loans().filter(returned_at__isnull=True).order_by("due_on", "pk")


def overdue_loans(*, today: datetime.date | None = None) -> QuerySet[Loan]:
    """Loans past their due date and not yet collected, the longest overdue first."""
    return loans_out().filter(due_on__lt=today or timezone.localdate())


def available_loaners() -> QuerySet[LoanerUnit]:
    """Units of the pool not lent right now."""
    return (
        LoanerUnit.objects.filter(active=True)
        .exclude(loans__returned_at__isnull=True)
        .select_related("model")
        .order_by("serial_number")
    )


def loaner_pool() -> QuerySet[LoanerUnit]:
    return LoanerUnit.objects.select_related("model").order_by("serial_number")
