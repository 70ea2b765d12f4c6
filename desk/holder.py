"""What the "who holds it" partial (templates/desk/_holder.html) shows: the holder, and the
take, hand-over and tier forms the ticket's state allows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from fieldservice import roles
from tickets.models import Ticket

from .forms import HandOverForm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def holder_context(
    ticket: Ticket, user: User | AnonymousUser, *, error: str = "", done: str = ""
) -> dict[str, object]:
    """The partial's context for `ticket` as `user` sees it. One query for the people it can
    be handed over to."""
    people = [
        (person.pk, person_name(person))
        for person in HandOverForm.base_fields["to"].queryset.order_by(  # type: ignore[attr-defined]
            "first_name", "last_name", "pk"
        )
        if person.pk != ticket.held_by_id
    ]
    return {
        "ticket": ticket,
        "holder": person_name(ticket.held_by) if ticket.held_by else "",
        "mine": ticket.held_by_id is not None and ticket.held_by_id == user.pk,
        "people": people,
        "can_escalate": ticket.is_open and ticket.tier < Ticket.Tier.THIRD,
        "can_deescalate": ticket.is_open and ticket.tier > Ticket.Tier.FIRST,
        "error": error,
        "done": done,
        "may_act": roles.has_role(user, roles.DISPATCHER),
    }
