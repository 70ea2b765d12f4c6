"""Subscriptions to other apps' domain events: each writes outbox rows in the same transaction."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from billing import events as billing_events
from contracts import events as contract_events
from contracts.models import ServiceContract
from customers import events as customer_events
from depot import events as depot_events
from depot.models import Loan, RepairOrder, RepairStep
from desk import events as desk_events
from dispatch import events as dispatch_events
from fieldservice import events as account_events
from insights import events as insights_events
from inventory import events as inventory_events
from portal import events as portal_events
from portal.models import SignUp
from portal.services import booking_token, confirmation_token
from technicians.models import Technician
from tickets import events
from tickets.horizon import planned_for_today
from tickets.models import Ticket, Visit

from . import services
from .models import Notification

Kind = Notification.Kind


def _manage_url(visit: Visit) -> str:
    return services.public_url("portal:manage", booking_token(visit))


@receiver(events.visit_scheduled, dispatch_uid="notifications.visit_scheduled")
def on_visit_scheduled(sender, visit: Visit, **kwargs) -> None:
    services.notify_customer(visit=visit, kind=Kind.VISIT_SCHEDULED, manage_url=_manage_url(visit))
    services.schedule_reminders(visit=visit)
    services.notify_technician(
        technician=visit.technician,
        visit=visit,
        change=_("Added"),
        planned_start=visit.planned_start,
    )


@receiver(portal_events.booking_confirmed, dispatch_uid="notifications.booking_confirmed")
def on_booking_confirmed(sender, ticket, visit: Visit, **kwargs) -> None:
    # The booking assigned the visit a moment ago in this transaction: that "scheduled"
    # message becomes the confirmation, so a booking sends exactly one email.
    services.confirm_booking(visit=visit, manage_url=_manage_url(visit))


@receiver(portal_events.confirmation_requested, dispatch_uid="notifications.confirm_email")
def on_confirmation_requested(sender, sign_up: SignUp, **kwargs) -> None:
    services.confirm_email_address(
        customer=sign_up.customer,
        confirm_url=services.public_url("portal:confirm_email", confirmation_token(sign_up)),
    )


@receiver(account_events.password_reset_requested, dispatch_uid="notifications.password_reset")
def on_password_reset_requested(sender, user, reset_path: str, language: str, **kwargs) -> None:
    services.send_password_reset(
        user=user,
        reset_url=settings.FIELDSERVICE["PUBLIC_URL"] + reset_path,
        language=language,
    )


@receiver(customer_events.contact_added, dispatch_uid="notifications.contact_added")
def on_contact_added(sender, contact, by, set_password_path: str, **kwargs) -> None:
    public = settings.FIELDSERVICE["PUBLIC_URL"]
    services.invite_contact(
        contact=contact,
        set_password_url=public + set_password_path if set_password_path else "",
        sign_in_url=services.public_url("login"),
        by=by,
    )


@receiver(events.visit_moved, dispatch_uid="notifications.visit_moved")
def on_visit_moved(sender, visit: Visit, previous, tell_customer: bool = True, **kwargs) -> None:
    # The new time may not suit the customer: the message carries the link to choose another.
    # A move inside the window they were promised keeps the promise: nothing to tell them.
    if tell_customer:
        services.notify_customer(visit=visit, kind=Kind.VISIT_MOVED, manage_url=_manage_url(visit))
    services.schedule_reminders(visit=visit)
    before = _previous_technician(previous)
    services.notify_technician(
        technician=visit.technician,
        visit=visit,
        # Moved to someone else's day, it is new to them: "Added", as for a fresh assignment.
        change=_("Moved") if before == visit.technician else _("Added"),
        planned_start=visit.planned_start,
    )
    if before is not None and before != visit.technician:
        services.notify_technician(
            technician=before,
            visit=visit,
            change=_("Removed"),
            planned_start=_previous_start(previous),
        )


@receiver(events.visit_cancelled, dispatch_uid="notifications.visit_cancelled")
def on_visit_cancelled(sender, visit: Visit, previous, **kwargs) -> None:
    services.notify_customer(visit=visit, kind=Kind.VISIT_CANCELLED)
    services.notify_technician(
        technician=visit.technician,
        visit=visit,
        change=_("Cancelled"),
        planned_start=visit.planned_start,
    )
    services.cancel_reminders(visit=visit)


@receiver(events.visit_unassigned, dispatch_uid="notifications.visit_unassigned")
def on_visit_unassigned(sender, visit: Visit, previous, **kwargs) -> None:
    services.notify_technician(
        technician=_previous_technician(previous),
        visit=visit,
        change=_("Removed"),
        planned_start=_previous_start(previous),
    )


@receiver(dispatch_events.visit_needs_rebooking, dispatch_uid="notifications.rebook")
def on_visit_needs_rebooking(sender, visit: Visit, previous, **kwargs) -> None:
    # The technician hears "Removed" from visit_unassigned; the customer chooses a new window.
    services.notify_customer(visit=visit, kind=Kind.REBOOK, manage_url=_manage_url(visit))
    services.cancel_reminders(visit=visit)


@receiver(dispatch_events.visit_handed_back, dispatch_uid="notifications.visit_handed_back")
def on_visit_handed_back(sender, visit: Visit, technician: Technician, reason: str, **kwargs):
    # The customer hears nothing: their visit waits in the queue with the window promised.
    services.alert_dispatchers_of_hand_back(visit=visit, technician=technician, reason=reason)


@receiver(dispatch_events.helper_added, dispatch_uid="notifications.helper_added")
def on_helper_added(sender, visit: Visit, technician: Technician, **kwargs) -> None:
    # Told like a visit put on their day, in their language, with the crew's word for it.
    services.notify_technician(
        technician=technician,
        visit=visit,
        change=_("Added to the crew"),
        planned_start=visit.planned_start,
    )


@receiver(dispatch_events.helper_removed, dispatch_uid="notifications.helper_removed")
def on_helper_removed(sender, visit: Visit, technician: Technician, **kwargs) -> None:
    services.notify_technician(
        technician=technician,
        visit=visit,
        change=_("Removed from the crew"),
        planned_start=visit.planned_start,
    )


@receiver(events.ticket_escalated, dispatch_uid="notifications.ticket_escalated")
def on_ticket_escalated(
    sender, ticket: Ticket, from_tier: int, to_tier: int, reason: str = "", by=None, **kwargs
) -> None:
    # Up or down, the ticket now waits unheld in the new tier's queue: that group hears of it.
    services.alert_tier_of_escalation(
        ticket=ticket, from_tier=from_tier, to_tier=to_tier, reason=reason, by=by
    )
    # The client's escalation contacts hear of a move up to tier 2 or 3.
    services.tell_contacts_of_escalation(
        ticket=ticket, from_tier=from_tier, to_tier=to_tier, reason=reason
    )


def _previous_technician(previous):
    pk = (previous or {}).get("technician_id")
    return Technician.objects.select_related("user").filter(pk=pk).first() if pk else None


def _previous_start(previous):
    value = (previous or {}).get("planned_start")
    return datetime.datetime.fromisoformat(value) if value else None


@receiver(events.visit_status_changed, dispatch_uid="notifications.visit_status_changed")
def on_visit_status(sender, visit: Visit, from_status, to_status, **kwargs) -> None:
    if to_status == Visit.Status.EN_ROUTE:
        # Set off for another day's visit (confirmed on the phone): an arrival time tonight
        # for tomorrow's visit would be false, so the customer is not sent one.
        if planned_for_today(visit):
            services.notify_customer(visit=visit, kind=Kind.EN_ROUTE)
    elif to_status == Visit.Status.COMPLETED:
        services.notify_customer(visit=visit, kind=Kind.COMPLETED)
    elif to_status == Visit.Status.CANNOT_COMPLETE and visit.outcome in (
        Visit.Outcome.NEEDS_PARTS,
        Visit.Outcome.CUSTOMER_ABSENT,
        Visit.Outcome.NEEDS_WORKSHOP,
    ):
        services.notify_customer(visit=visit, kind=Kind.FOLLOW_UP)


@receiver(events.public_reply_added, dispatch_uid="notifications.public_reply_added")
def on_public_reply(sender, message, **kwargs) -> None:
    services.email_reply(message=message)


@receiver(desk_events.email_ticket_opened, dispatch_uid="notifications.email_ticket_opened")
def on_email_ticket_opened(sender, ticket, message, to: str, **kwargs) -> None:
    services.acknowledge_email(ticket=ticket, message=message, to=to)


@receiver(contract_events.hour_bank_low, dispatch_uid="notifications.hour_bank_low")
def on_hour_bank_low(sender, contract: ServiceContract, balance_minutes: int, **kwargs) -> None:
    services.alert_hour_bank_low(contract=contract, balance_minutes=balance_minutes)


@receiver(contract_events.renewal_due, dispatch_uid="notifications.renewal_due")
def on_renewal_due(sender, contract: ServiceContract, **kwargs) -> None:
    services.remind_renewal(contract=contract)


@receiver(billing_events.invoice_to_send, dispatch_uid="notifications.invoice_to_send")
def on_invoice_to_send(sender, invoice, **kwargs) -> None:
    services.email_invoice(invoice=invoice)


@receiver(billing_events.approval_requested, dispatch_uid="notifications.approval_requested")
def on_approval_requested(sender, approval, **kwargs) -> None:
    services.ask_approvers(approval=approval)


@receiver(billing_events.quote_sent, dispatch_uid="notifications.quote_sent")
def on_quote_sent(sender, quote, token: str, **kwargs) -> None:
    services.send_quote_link(quote=quote, quote_url=services.public_url("portal:quote_link", token))


@receiver(insights_events.weekly_summary, dispatch_uid="notifications.weekly_summary")
def on_weekly_summary(sender, week_start, week_end, figures, query: str, **kwargs) -> None:
    services.summarize_week(week_start=week_start, week_end=week_end, figures=figures, query=query)


@receiver(depot_events.repair_step_recorded, dispatch_uid="notifications.repair_step")
def on_repair_step(sender, order: RepairOrder, step: RepairStep, **kwargs) -> None:
    services.tell_repair_step(order=order, step=step)


@receiver(depot_events.loan_due, dispatch_uid="notifications.loan_due")
def on_loan_due(sender, loan: Loan, overdue: bool, **kwargs) -> None:
    services.remind_loan(loan=loan, overdue=overdue)


def _quantity(value) -> str:
    return f"{value.normalize():f}"


@receiver(inventory_events.stock_low, dispatch_uid="notifications.stock_low")
def on_stock_low(sender, level, point, **kwargs) -> None:
    services.alert_stock_low(
        sku=level.part.sku,
        part=level.part.name,
        location=str(level.location),
        on_hand=_quantity(level.on_hand),
        minimum=_quantity(point.minimum),
    )


@receiver(inventory_events.stock_short, dispatch_uid="notifications.stock_short")
def on_stock_short(sender, move, **kwargs) -> None:
    services.alert_stock_short(
        sku=move.part.sku,
        part=move.part.name,
        location=str(move.from_location),
        shortfall=_quantity(move.shortfall),
    )
