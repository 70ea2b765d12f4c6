"""Billing's reactions to tickets' domain events."""

from __future__ import annotations

from django.dispatch import receiver

from tickets import events
from tickets.models import Visit

from .services.charges import charge_completed_visit


@receiver(events.visit_status_changed, dispatch_uid="billing.charge_completed_visit")
def on_visit_status_changed(sender, visit: Visit, to_status: str, **kwargs) -> None:
    if to_status == Visit.Status.COMPLETED:
        charge_completed_visit(visit=visit)
