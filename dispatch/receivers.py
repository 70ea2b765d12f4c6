"""Dispatch's reactions to tickets' domain events."""

from __future__ import annotations

from django.dispatch import receiver

from tickets import events
from tickets.models import Visit

from .services import record_travel


@receiver(events.visit_status_changed, dispatch_uid="dispatch.record_travel")
def on_visit_status_changed(sender, visit: Visit, to_status: str, **kwargs) -> None:
    if to_status == Visit.Status.EN_ROUTE:
        record_travel(visit=visit)
