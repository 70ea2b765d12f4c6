"""The loaner pool: lent once at a time, collected, reminded, and holding its ticket open."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from djmoney.money import Money

from depot import selectors, services
from depot.models import Loan, LoanerUnit
from depot.tasks import send_loan_reminders
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from notifications.models import Notification
from tests import factories
from tickets.models import Ticket
from tickets.services import close_ticket


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def loaner(db):
    return LoanerUnit.objects.create(serial_number="LOAN-001", description="Washing machine")


def test_a_loaner_is_lent_and_collected_at_the_desk(loaner, dispatcher):
    ticket = factories.open_ticket()

    loan = services.lend_loaner(
        unit=loaner, ticket=ticket, due_on=_in(14), by=dispatcher, deposit=Money("100", "EUR")
    )

    assert loan.customer == ticket.customer
    assert loan.deposit == Money("100", "EUR")
    assert list(selectors.available_loaners()) == []
    services.collect_loaner(loan=loan, by=dispatcher)
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert list(selectors.available_loaners()) == [loaner]


def test_a_loaner_that_is_out_is_refused_naming_where_it_is(loaner, dispatcher):
    first = factories.open_ticket()
    second = factories.open_ticket()
    services.lend_loaner(unit=loaner, ticket=first, due_on=_in(7), by=dispatcher)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.lend_loaner(unit=loaner, ticket=second, due_on=_in(7), by=dispatcher)

    assert loaner.serial_number in refused.value.message
    assert first.number in refused.value.message
    assert refused.value.field == "unit"
    assert Loan.objects.count() == 1
    assert not second.events.filter(to_value=loaner.serial_number).exists()


def test_the_database_refuses_a_second_open_loan_of_a_unit(loaner):
    ticket = factories.open_ticket()
    fields = {"unit": loaner, "ticket": ticket, "customer": ticket.customer, "due_on": _in(3)}
    Loan.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(**fields)


def test_a_collected_loaner_may_be_lent_again(loaner, dispatcher):
    ticket = factories.open_ticket()
    loan = services.lend_loaner(unit=loaner, ticket=ticket, due_on=_in(3), by=dispatcher)
    services.collect_loaner(loan=loan, by=dispatcher)

    again = services.lend_loaner(unit=loaner, ticket=ticket, due_on=_in(3), by=dispatcher)

    assert again.pk != loan.pk


def test_collecting_twice_is_refused(loaner, dispatcher):
    loan = services.lend_loaner(
        unit=loaner, ticket=factories.open_ticket(), due_on=_in(3), by=dispatcher
    )
    services.collect_loaner(loan=loan, by=dispatcher)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.collect_loaner(loan=loan, by=dispatcher)

    assert "collected already" in refused.value.message


@pytest.mark.parametrize("due", [-1, 400])
def test_a_due_date_past_or_too_far_is_refused_naming_the_field(loaner, dispatcher, due):
    with pytest.raises(InvalidInput) as refused:
        services.lend_loaner(
            unit=loaner, ticket=factories.open_ticket(), due_on=_in(due), by=dispatcher
        )

    assert refused.value.field == "due_on"
    assert not Loan.objects.exists()


@pytest.mark.parametrize("typed", ["-5", "abc", "1.234", "0"])
def test_a_bad_deposit_is_refused_naming_the_field(typed):
    with pytest.raises(InvalidInput) as refused:
        services.parse_deposit(typed)

    assert refused.value.field == "deposit"


def test_the_company_deposit_is_required_when_it_asks_one(loaner, dispatcher, settings):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "DEPOT": {"LOANER_DEPOSIT": "100.00"}}

    with pytest.raises(InvalidInput) as refused:
        services.lend_loaner(
            unit=loaner, ticket=factories.open_ticket(), due_on=_in(3), by=dispatcher
        )

    assert refused.value.field == "deposit"
    assert "100.00" in refused.value.message


def test_a_ticket_with_a_loaner_out_is_closed_only_with_a_reason(loaner, dispatcher):
    ticket = factories.open_ticket()
    services.lend_loaner(unit=loaner, ticket=ticket, due_on=_in(3), by=dispatcher)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)

    with pytest.raises(TransitionNotAllowed) as refused:
        close_ticket(ticket=ticket, by=dispatcher)
    assert loaner.serial_number in refused.value.message
    assert refused.value.field == "reason"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED

    close_ticket(ticket=ticket, by=dispatcher, reason="The customer bought the loaner.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_reminders_go_once_before_and_once_after_the_due_date(loaner, dispatcher):
    soon = services.lend_loaner(
        unit=loaner, ticket=factories.open_ticket(), due_on=_in(1), by=dispatcher
    )
    late_unit = LoanerUnit.objects.create(serial_number="LOAN-002", description="Dryer")
    late = services.lend_loaner(
        unit=late_unit, ticket=factories.open_ticket(), due_on=_in(2), by=dispatcher
    )
    Loan.objects.filter(pk=late.pk).update(due_on=_in(-2))
    far_unit = LoanerUnit.objects.create(serial_number="LOAN-003", description="Oven")
    services.lend_loaner(unit=far_unit, ticket=factories.open_ticket(), due_on=_in(9), by=None)

    assert services.send_loan_reminders() == 2
    assert services.send_loan_reminders() == 0

    due = Notification.objects.get(kind=Notification.Kind.LOANER_DUE)
    assert due.recipient == soon.customer.email
    assert due.payload["unit"] == str(loaner)
    overdue = Notification.objects.get(kind=Notification.Kind.LOANER_OVERDUE)
    assert overdue.recipient == late.customer.email
    assert list(selectors.overdue_loans()) == [late]


def test_the_beat_task_sends_the_reminders(loaner, dispatcher):
    services.lend_loaner(unit=loaner, ticket=factories.open_ticket(), due_on=_in(0), by=None)

    assert send_loan_reminders() == 1
    assert Notification.objects.filter(kind=Notification.Kind.LOANER_DUE).count() == 1
