"""Reads of stock that pages, the phone and benchmarks share. Quantities come from the level
rows the moves keep, never from summing the ledger."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Min, QuerySet

from catalog.models import Part
from fieldservice.roles import DISPATCHER, has_role
from tickets.models import Ticket, Visit

from .models import (
    PurchaseOrder,
    PurchaseOrderLine,
    Reservation,
    SerialNumber,
    StockLevel,
    StockLocation,
    StockMove,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

RS = Reservation.Status
ZERO = Decimal(0)


def locations_for(user: User | AnonymousUser | None) -> QuerySet[StockLocation]:
    """All locations for the office; a technician's own van only; nothing for others."""
    qs = StockLocation.objects.select_related("technician__user", "restocked_from")
    if has_role(user, DISPATCHER):
        return qs
    technician = getattr(user, "technician", None)
    if technician is not None:
        return qs.filter(technician=technician)
    return qs.none()


def levels_at(location_ids: list[int]) -> QuerySet[StockLevel]:
    """The stock at these locations, part by part (rows that never held anything excluded)."""
    return (
        StockLevel.objects.filter(location_id__in=location_ids)
        .exclude(on_hand=0, reserved=0)
        .select_related("part", "location")
        .order_by("location_id", "part__sku")
    )


def moves(
    *, location: StockLocation | None = None, part_id: int | None = None
) -> QuerySet[StockMove]:
    """The ledger, newest first."""
    qs = StockMove.objects.select_related(
        "part", "from_location", "to_location", "serial", "visit__ticket", "by"
    )
    if location is not None:
        qs = qs.filter(from_location=location) | qs.filter(to_location=location)
    if part_id is not None:
        qs = qs.filter(part_id=part_id)
    return qs.order_by("-at", "-pk")


def shortfalls() -> QuerySet[StockMove]:
    """Consumptions that took parts the van did not have (parts allowed below zero): the
    warehouse checks them."""
    return moves().filter(shortfall__gt=0)


def serial_history(serial: SerialNumber) -> QuerySet[StockMove]:
    """Where a serial went, oldest first."""
    return serial.moves.select_related("from_location", "to_location", "visit__ticket").order_by(
        "at", "pk"
    )


@dataclass(frozen=True)
class PartsStatus:
    """Whether a ticket waits for reserved parts, and when an order says they are due."""

    waiting: bool
    due_on: datetime.date | None


def parts_status(ticket_ids: list[int]) -> dict[int, PartsStatus]:
    """For each ticket with open reservations: waiting while any is not yet held at its
    location, due when the latest of the orders bringing them is expected. Two queries."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    held: set[int] = set()
    for ticket_id, part_id, location_id, status in Reservation.objects.filter(
        ticket_id__in=ticket_ids, status__in=(RS.WAITING, RS.HELD)
    ).values_list("ticket_id", "part_id", "location_id", "status"):
        if status == RS.WAITING:
            found[ticket_id].append((part_id, location_id))
        else:
            held.add(ticket_id)
    wanted = {pair for pairs in found.values() for pair in pairs}
    due: dict[tuple[int, int], datetime.date] = {}
    if wanted:
        rows = (
            PurchaseOrderLine.objects.filter(
                part_id__in={p for p, _l in wanted},
                order__warehouse_id__in={loc for _p, loc in wanted},
                order__status__in=(PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTIAL),
                order__expected_on__isnull=False,
            )
            .values_list("part_id", "order__warehouse_id")
            .annotate(first=Min("order__expected_on"))
        )
        due = {(part_id, loc): first for part_id, loc, first in rows}
    answer = {ticket_id: PartsStatus(waiting=False, due_on=None) for ticket_id in held}
    for ticket_id, pairs in found.items():
        dates = [due.get(pair) for pair in pairs]
        answer[ticket_id] = PartsStatus(
            waiting=True, due_on=None if None in dates else max(d for d in dates if d)
        )
    return answer


@dataclass(frozen=True)
class RestockLine:
    part_id: int
    sku: str
    name: str
    on_hand: Decimal
    target: Decimal
    needed: Decimal


def on_hand(location_ids: list[int]) -> QuerySet:
    """Stock on hand at these locations as plain rows (location, part, SKU, name, on hand,
    reserved): read from the level rows, one query whatever the number of places."""
    return (
        StockLevel.objects.filter(location_id__in=location_ids)
        .exclude(on_hand=0, reserved=0)
        .order_by("location_id", "part__sku")
        .values_list("location_id", "part_id", "part__sku", "part__name", "on_hand", "reserved")
    )


# Reorder points below their minimum, with what is free at each (on hand less reserved): one
# join on the level's unique (part, location) index, rather than a subquery per point.
BELOW_MINIMUM = """
    SELECT rp.location_id, rp.part_id, p.sku, p.name,
           COALESCE(l.on_hand - l.reserved, 0) AS free, rp.target
    FROM inventory_reorderpoint rp
    JOIN catalog_part p ON p.id = rp.part_id
    LEFT JOIN inventory_stocklevel l
           ON l.part_id = rp.part_id AND l.location_id = rp.location_id
    WHERE rp.location_id IN ({places})
      AND COALESCE(l.on_hand - l.reserved, 0) < rp.minimum
    ORDER BY rp.location_id, p.sku
"""


def restock_lists(location_ids: list[int]) -> dict[int, list[RestockLine]]:
    """Each van's restock list for the evening: parts below their reorder point filled up to
    its target (what is reserved there counts as gone), plus what reservations there still
    wait for. At most four queries, whatever the number of vans."""
    lists: dict[int, list[RestockLine]] = {pk: [] for pk in location_ids}
    if not location_ids:
        return lists
    waiting: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for loc, part_id, quantity in Reservation.objects.filter(
        location_id__in=location_ids, status=RS.WAITING
    ).values_list("location_id", "part_id", "quantity"):
        waiting[(loc, part_id)] += quantity
    with connection.cursor() as cursor:
        places = ", ".join(["%s"] * len(location_ids))
        cursor.execute(BELOW_MINIMUM.format(places=places), list(location_ids))
        rows = cursor.fetchall()
    lines: dict[tuple[int, int], RestockLine] = {}
    for loc, part_id, sku, name, raw_free, raw_target in rows:
        free, target = Decimal(str(raw_free)), Decimal(str(raw_target))
        extra = waiting.pop((loc, part_id), ZERO)
        lines[(loc, part_id)] = RestockLine(
            part_id, sku, name, free, target, max(target - free, ZERO) + extra
        )
    if waiting:
        # Parts reservations wait for in a van that is not below its reorder point for them.
        part_ids = {p for _l, p in waiting}
        names = dict(
            (pk, (sku, name))
            for pk, sku, name in Part.objects.filter(pk__in=part_ids).values_list(
                "pk", "sku", "name"
            )
        )
        free_at = {
            (loc, part_id): on_hand - reserved
            for loc, part_id, on_hand, reserved in StockLevel.objects.filter(
                location_id__in={loc for loc, _p in waiting}, part_id__in=part_ids
            ).values_list("location_id", "part_id", "on_hand", "reserved")
        }
        for (loc, part_id), quantity in waiting.items():
            sku, name = names[part_id]
            free = free_at.get((loc, part_id), ZERO)
            lines[(loc, part_id)] = RestockLine(part_id, sku, name, free, ZERO, quantity)
    for (loc, _part_id), line in sorted(lines.items(), key=lambda item: (item[0][0], item[1].sku)):
        if line.needed > 0:
            lists[loc].append(line)
    return lists


def ticket_parts(ticket: Ticket) -> dict:
    """The ticket page's parts: its open reservations and whether it waits for them."""
    reservations = list(
        Reservation.objects.filter(ticket=ticket, status__in=(RS.WAITING, RS.HELD))
        .select_related("part", "location")
        .order_by("pk")
    )
    status = parts_status([ticket.pk]).get(ticket.pk) if reservations else None
    return {"reservations": reservations, "parts_status": status}


def orders() -> QuerySet[PurchaseOrder]:
    """Purchase orders with what a list shows, newest first; their lines with their parts."""
    return (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .prefetch_related("lines__part")
        .order_by("-created_at", "-pk")
    )


def van_restock(technician_id: int) -> tuple[StockLocation | None, list[RestockLine]]:
    """A technician's own van and its restock list for the evening (none without a van)."""
    van = StockLocation.objects.filter(
        technician_id=technician_id, kind=StockLocation.Kind.VAN, is_active=True
    ).first()
    if van is None:
        return None, []
    return van, restock_lists([van.pk])[van.pk]


@dataclass(frozen=True)
class TakenLine:
    """A part to confirm at completion: what its moves say was taken for the visit, and what
    is still held for it in the van."""

    part: Part
    recorded: Decimal
    held: Decimal


def taken_to_confirm(visit: Visit, van: StockLocation) -> list[TakenLine]:
    """The parts the technician confirms at completion: those consumed for the visit from the
    van (less any returned) and those still held there for it. Three queries."""
    recorded: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for part_id, kind, quantity in StockMove.objects.filter(visit=visit).values_list(
        "part_id", "kind", "quantity"
    ):
        if kind == StockMove.Kind.CONSUMPTION:
            recorded[part_id] += quantity
        elif kind == StockMove.Kind.RETURN:
            recorded[part_id] -= quantity
    held: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for part_id, quantity in Reservation.objects.filter(
        visit=visit, location=van, status=RS.HELD
    ).values_list("part_id", "quantity"):
        held[part_id] += quantity
    parts = Part.objects.filter(pk__in=set(recorded) | set(held)).order_by("name")
    return [TakenLine(part, recorded[part.pk], held[part.pk]) for part in parts]


def workshop_stock() -> StockLocation | None:
    """The warehouse the workshop takes its parts from (StockLocation.is_workshop), if set."""
    return StockLocation.objects.filter(is_workshop=True, is_active=True).first()


def parts_at(location: StockLocation) -> QuerySet[Part]:
    """Parts the location holds or once held (a level row), by SKU: what may be taken there."""
    return Part.objects.filter(stock_levels__location=location).order_by("sku")
