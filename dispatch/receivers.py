"""Dispatch's reactions to tickets' domain events."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from tickets import events
from tickets.models import Visit

from .services import record_travel

log = logging.getLogger(__name__)


@receiver(events.visit_status_changed, dispatch_uid="dispatch.record_travel")
def on_visit_status_changed(sender, visit: Visit, to_status: str, **kwargs) -> None:
    if to_status == Visit.Status.EN_ROUTE:
        # A road-network source that is down must not stop the technician setting off: the
        # visit is then billed without a per-km line, and the office sees why in the log.
        try:
            record_travel(visit=visit)
        except Exception:
            log.warning("visit %s: the drive was not measured", visit.pk, exc_info=True)
