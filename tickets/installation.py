"""Reads for installation visits: the commissioning checklist a ticket's appliance needs, and
what its visit has ticked and what it still lacks (the phone's form, the service report and
the completion check all read it here)."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.commissioning import Item, checklist

from .models import Commissioning, Ticket, Visit


def category_of(ticket: Ticket) -> str:
    """The category of the appliance installed: the registered unit's, else the model's."""
    if ticket.appliance is not None:
        return ticket.appliance.category
    if ticket.appliance_model is not None:
        return ticket.appliance_model.category
    return ""


def is_installation(visit: Visit) -> bool:
    return visit.ticket.kind == Ticket.Kind.INSTALLATION


@dataclass(frozen=True)
class Line:
    item: Item
    ticked: bool


@dataclass(frozen=True)
class CommissioningState:
    """An installation visit's commissioning as recorded so far."""

    serial_number: str
    lines: list[Line]

    @property
    def missing(self) -> list[Item]:
        return [line.item for line in self.lines if not line.ticked]

    @property
    def complete(self) -> bool:
        return bool(self.serial_number) and not self.missing


def commissioning_of(visit: Visit) -> CommissioningState:
    """The checklist of the visit's appliance category with what is ticked, and the serial."""
    try:
        record: Commissioning | None = visit.commissioning
    except Commissioning.DoesNotExist:
        record = None
    ticked = set(record.checked) if record is not None else set()
    return CommissioningState(
        serial_number=record.serial_number if record is not None else "",
        lines=[
            Line(item=item, ticked=item.key in ticked)
            for item in checklist(category_of(visit.ticket))
        ],
    )
