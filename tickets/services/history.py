"""The ticket's history: one line per change, written by the services that make it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Ticket, TicketEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def record(
    *,
    ticket: Ticket,
    by: User | None,
    kind: str,
    from_value: object = "",
    to_value: object = "",
    reason: str = "",
    **data: object,
) -> TicketEvent:
    """Append one line to the ticket's history."""
    return TicketEvent.objects.create(
        ticket=ticket,
        by=by if by is not None and by.is_authenticated else None,
        kind=kind,
        from_value=str(from_value),
        to_value=str(to_value),
        reason=reason,
        data=data,
    )
