"""Insights' reactions to tickets' domain events: the visit summaries kept in the same
transaction as the change."""

from __future__ import annotations

from django.dispatch import receiver

from tickets import events
from tickets.models import Ticket, Visit

from .services import refresh_visit_summaries


@receiver(events.visit_status_changed, dispatch_uid="insights.summarise_visit")
def on_visit_status_changed(sender, visit: Visit, **kwargs) -> None:
    # Arriving on site (a later visit of the ticket) changes the earlier visits' rows as much
    # as finishing or cancelling does.
    refresh_visit_summaries(ticket_ids=[visit.ticket_id])


@receiver(events.ticket_status_changed, dispatch_uid="insights.summarise_ticket")
def on_ticket_status_changed(sender, ticket: Ticket, from_status: str, **kwargs) -> None:
    # A new ticket has no visit made yet: nothing to read for it (planned jobs open tickets in
    # bulk, at no cost per ticket).
    if from_status != Ticket.Status.NEW:
        refresh_visit_summaries(ticket_ids=[ticket.pk])
