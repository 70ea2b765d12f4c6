"""Checks that may hold a ticket open: apps above tickets register one each, so tickets need not
know them (depot: a loaner still out, a unit still in the workshop).

A check is called with the ticket (locked by the caller) and the status asked for; it returns
what stands in the way, in words, or "". The person closing may go ahead by saying why
(the reason is kept in the ticket's history); without a reason the change is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from fieldservice.errors import TransitionNotAllowed

from .models import Ticket

CloseCheck = Callable[[Ticket, str], str]

_checks: dict[str, CloseCheck] = {}


def register(name: str, check: CloseCheck) -> None:
    """Add (or replace, by name: ready() may run twice) a check."""
    _checks[name] = check


def ensure_may_finish(*, ticket: Ticket, to: str, reason: str) -> None:
    """Refuse to resolve or close `ticket` while a registered check objects, unless `reason`
    says why it is done anyway. The caller holds the ticket's row lock."""
    if to not in Ticket.DONE_STATUSES:
        return
    blockers = [said for check in _checks.values() if (said := check(ticket, to))]
    if blockers and not reason.strip():
        raise TransitionNotAllowed(
            " ".join([*blockers, _("Say why to go ahead anyway.")]), field="reason"
        )
