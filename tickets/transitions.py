"""The ticket and visit state machines: which status may follow which."""

from __future__ import annotations

from .models import Ticket, Visit

T = Ticket.Status
V = Visit.Status

TICKET_TRANSITIONS: dict[str, set[str]] = {
    T.NEW: {T.TRIAGED, T.SCHEDULED, T.AWAITING_CUSTOMER, T.CANCELLED},
    T.TRIAGED: {T.SCHEDULED, T.AWAITING_CUSTOMER, T.CANCELLED},
    T.SCHEDULED: {T.TRIAGED, T.IN_PROGRESS, T.AWAITING_CUSTOMER, T.CANCELLED},
    T.IN_PROGRESS: {T.SCHEDULED, T.AWAITING_PARTS, T.AWAITING_CUSTOMER, T.RESOLVED, T.CANCELLED},
    T.AWAITING_CUSTOMER: {T.TRIAGED, T.SCHEDULED, T.IN_PROGRESS, T.CANCELLED},
    T.AWAITING_PARTS: {T.TRIAGED, T.SCHEDULED, T.IN_PROGRESS, T.CANCELLED},
    # Back to triaged or in progress: reopened (tickets.services.reopen_ticket).
    T.RESOLVED: {T.CLOSED, T.TRIAGED, T.IN_PROGRESS},
    T.CLOSED: {T.TRIAGED, T.IN_PROGRESS},
    T.CANCELLED: set(),
}

VISIT_TRANSITIONS: dict[str, set[str]] = {
    V.UNASSIGNED: {V.SCHEDULED, V.CANCELLED},
    V.SCHEDULED: {V.UNASSIGNED, V.EN_ROUTE, V.CANCELLED},
    V.EN_ROUTE: {V.ON_SITE, V.CANNOT_COMPLETE},
    V.ON_SITE: {V.COMPLETED, V.CANNOT_COMPLETE},
    V.COMPLETED: set(),
    V.CANNOT_COMPLETE: set(),
    V.CANCELLED: set(),
}


REOPENABLE: frozenset[str] = frozenset({T.RESOLVED, T.CLOSED})
# Solved on the phone (tickets.services.remote.resolve_remotely): straight to resolved, but
# only before a technician has been on the way. Kept apart from TICKET_TRANSITIONS so that a
# plain "resolve" (the API, a status change) still needs the visit.
REMOTE_FIX_FROM: set[str] = {T.NEW, T.TRIAGED, T.SCHEDULED, T.AWAITING_CUSTOMER}
# A visit in these statuses was made or is under way: its ticket is no remote fix.
VISIT_STARTED: set[str] = {V.EN_ROUTE, V.ON_SITE, V.COMPLETED, V.CANNOT_COMPLETE}


def ticket_can(from_status: str, to_status: str) -> bool:
    return to_status in TICKET_TRANSITIONS.get(from_status, set())


def visit_can(from_status: str, to_status: str) -> bool:
    return to_status in VISIT_TRANSITIONS.get(from_status, set())
