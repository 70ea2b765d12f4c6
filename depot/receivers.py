"""Depot's reactions to tickets' events: a visit that ends "needs workshop" opens a repair
order in the same transaction."""

from __future__ import annotations

from tickets import events as ticket_events
from tickets.models import Visit

from .services import open_from_visit


def on_visit_status_changed(sender, visit: Visit, from_status, to_status, **kwargs) -> None:
    if to_status == Visit.Status.CANNOT_COMPLETE and visit.outcome == Visit.Outcome.NEEDS_WORKSHOP:
        open_from_visit(visit=visit)


def connect() -> None:
    ticket_events.visit_status_changed.connect(
        on_visit_status_changed, sender=Visit, dispatch_uid="depot.needs_workshop"
    )
