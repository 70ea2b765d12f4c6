"""Insights' reactions to tickets' domain events: the visit and ticket summaries kept in the
same transaction as the change."""

from __future__ import annotations

from django.dispatch import receiver

from tickets import events
from tickets.models import Ticket, Visit

from .services import refresh_ticket_summaries, refresh_visit_summaries


@receiver(events.visit_status_changed, dispatch_uid="insights.summarise_visit")
def on_visit_status_changed(sender, visit: Visit, **kwargs) -> None:
    # Arriving on site (a later visit of the ticket) changes the earlier visits' rows as much
    # as finishing or cancelling does; a visit completed or set out changes its ticket's.
    refresh_visit_summaries(ticket_ids=[visit.ticket_id])
    refresh_ticket_summaries(ticket_ids=[visit.ticket_id])


@receiver(events.ticket_opened, dispatch_uid="insights.summarise_opened")
def on_ticket_opened(sender, ticket: Ticket, in_batch: bool = False, **kwargs) -> None:
    if not in_batch:  # a batch's rows are written together (on_tickets_opened)
        refresh_ticket_summaries(ticket_ids=[ticket.pk])


@receiver(events.tickets_opened, dispatch_uid="insights.summarise_batch")
def on_tickets_opened(sender, tickets: list[Ticket], **kwargs) -> None:
    refresh_ticket_summaries(ticket_ids=[t.pk for t in tickets])


@receiver(events.ticket_status_changed, dispatch_uid="insights.summarise_ticket")
def on_ticket_status_changed(
    sender, ticket: Ticket, from_status: str, in_batch: bool = False, **kwargs
) -> None:
    # A new ticket has no visit made yet: nothing to read for it (planned jobs open tickets in
    # bulk, at no cost per ticket: their rows are written with the batch's).
    if from_status != Ticket.Status.NEW:
        refresh_visit_summaries(ticket_ids=[ticket.pk])
    if not in_batch:
        refresh_ticket_summaries(ticket_ids=[ticket.pk])


@receiver(events.ticket_changed, dispatch_uid="insights.summarise_changed")
@receiver(events.ticket_escalated, dispatch_uid="insights.summarise_escalated")
def on_ticket_changed(sender, ticket: Ticket, **kwargs) -> None:
    refresh_ticket_summaries(ticket_ids=[ticket.pk])
