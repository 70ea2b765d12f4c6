"""The repair order's state machine: which workshop step may follow which."""

from __future__ import annotations

from .models import RepairOrder

S = RepairOrder.Status

REPAIR_TRANSITIONS: dict[str, set[str]] = {
    S.OPENED: {S.RECEIVED, S.CANCELLED},
    S.RECEIVED: {S.DIAGNOSING},
    # Ready straight from diagnosing: no fault found, or not worth repairing.
    S.DIAGNOSING: {S.WAITING_FOR_PARTS, S.REPAIRING, S.READY},
    S.WAITING_FOR_PARTS: {S.REPAIRING},
    S.REPAIRING: {S.WAITING_FOR_PARTS, S.TESTING},
    S.TESTING: {S.REPAIRING, S.READY},
    S.READY: {S.RETURNED},
    S.RETURNED: set(),
    S.CANCELLED: set(),
}

# The steps the customer hears of (notifications), and the ones in the workshop's hands.
CUSTOMER_STEPS: frozenset[str] = frozenset({S.RECEIVED, S.READY, S.RETURNED})
IN_WORKSHOP: frozenset[str] = frozenset(
    {S.RECEIVED, S.DIAGNOSING, S.WAITING_FOR_PARTS, S.REPAIRING, S.TESTING}
)


def repair_can(from_status: str, to_status: str) -> bool:
    return to_status in REPAIR_TRANSITIONS.get(from_status, set())
