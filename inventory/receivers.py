"""Stock's reactions to tickets' domain events: a part recorded as used on a visit leaves the
technician's van; a visit ending "needs parts" reserves its ticket's expected parts."""

from __future__ import annotations

from django.dispatch import receiver

from tickets import events
from tickets.models import PartUsed, Visit

from . import services
from .models import StockLocation


@receiver(events.part_used, dispatch_uid="inventory.consume_part_used")
def on_part_used(sender, part_used: PartUsed, by=None, **kwargs) -> None:
    # The record's own id is the key: the phone's replay finds the record and sends no event,
    # and a move made twice for one record is refused by the key anyway.
    services.consume_on_visit(
        visit=part_used.visit,
        part=part_used.part,
        quantity=part_used.quantity,
        key=f"partused:{part_used.pk}",
        by=by,
    )


@receiver(events.visit_status_changed, dispatch_uid="inventory.reserve_needed_parts")
def on_visit_status_changed(sender, visit: Visit, to_status: str, **kwargs) -> None:
    if to_status != Visit.Status.CANNOT_COMPLETE or visit.outcome != Visit.Outcome.NEEDS_PARTS:
        return
    van = services.van_of(visit)
    home = van.restocked_from if van is not None else None
    location = (
        home
        or StockLocation.objects.filter(kind=StockLocation.Kind.WAREHOUSE, is_active=True)
        .order_by("pk")
        .first()
    )
    if location is not None:
        services.reserve_expected_parts(ticket=visit.ticket, location=location)
