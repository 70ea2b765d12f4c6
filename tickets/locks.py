"""Row locks in one fixed order: customer, then technician, then ticket, then visits by
primary key.

Every service that locks more than one of these takes them through here, in that order, so two
services can never wait on each other. Callers must already be inside transaction.atomic().
"""

from __future__ import annotations

from customers.models import Customer
from technicians.models import Technician

from .models import Ticket, Visit


def lock_customer(pk: int) -> Customer:
    """Serialises what must happen once per customer (a form sent twice opens one ticket)."""
    return Customer.objects.select_for_update().get(pk=pk)


def lock_technician(pk: int) -> Technician:
    return Technician.objects.select_for_update().select_related("user").get(pk=pk)


def lock_technicians(pks: list[int]) -> list[Technician]:
    """Several technicians (a visit's crew), by primary key."""
    return list(
        Technician.objects.select_for_update()
        .select_related("user")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def lock_ticket(pk: int) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=pk)


def lock_tickets(pks: list[int]) -> list[Ticket]:
    return list(Ticket.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def lock_visit(pk: int) -> Visit:
    """Lock a visit. Caller holds (or does not need) its technician's and ticket's locks."""
    return Visit.objects.select_for_update().get(pk=pk)


def lock_visits(pks: list[int]) -> list[Visit]:
    return list(Visit.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
