import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import ApplianceFactory, ServiceContractFactory, open_ticket
from tickets import services
from tickets.models import BusinessCalendar, Holiday, Ticket
from tickets.sla import Calendar, load_calendar

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.UTC
H = datetime.timedelta(hours=1)


def office(tz, holidays=()):
    return Calendar(
        tz=tz,
        opens=datetime.time(8),
        closes=datetime.time(18),
        weekdays=frozenset(range(5)),
        holidays=frozenset(holidays),
    )


def around_the_clock(tz):
    return Calendar(
        tz=tz, opens=datetime.time(0), closes=datetime.time(0), weekdays=frozenset(range(7))
    )


def test_business_hours_skip_nights_and_weekends():
    start = datetime.datetime(2026, 6, 5, 16, 0, tzinfo=ROME)  # a Friday

    due = office(ROME).add(start, 4 * H)

    assert due == datetime.datetime(2026, 6, 8, 10, 0, tzinfo=ROME)


def test_start_before_opening_counts_from_opening():
    start = datetime.datetime(2026, 6, 2, 6, 0, tzinfo=ROME)

    assert office(ROME).add(start, 2 * H) == datetime.datetime(2026, 6, 2, 10, 0, tzinfo=ROME)


def test_public_holiday_has_no_business_hours():
    start = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=ROME)  # Monday; Tuesday 2 June holiday

    due = office(ROME, holidays=[datetime.date(2026, 6, 2)]).add(start, 2 * H)

    assert due == datetime.datetime(2026, 6, 3, 9, 0, tzinfo=ROME)


def test_rome_spring_change_weekend_keeps_local_opening_hours():
    # Friday before the change (CET, +01:00); the due time falls on Monday in CEST (+02:00).
    start = datetime.datetime(2026, 3, 27, 16, 0, tzinfo=ROME)

    due = office(ROME).add(start, 4 * H)

    assert due.astimezone(ROME).replace(tzinfo=None) == datetime.datetime(2026, 3, 30, 10, 0)
    assert due.astimezone(UTC) == datetime.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_rome_autumn_change_weekend_keeps_local_opening_hours():
    start = datetime.datetime(2026, 10, 23, 17, 0, tzinfo=ROME)  # CEST

    due = office(ROME).add(start, 3 * H)

    assert due.astimezone(UTC) == datetime.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 10:00 CET


def test_rome_change_night_around_the_clock_counts_real_hours():
    start = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=ROME)  # 02:00 -> 03:00 tonight

    due = around_the_clock(ROME).add(start, 4 * H)

    assert due.astimezone(ROME).hour == 5
    assert due.astimezone(ROME).minute == 30
    assert due - start.astimezone(UTC) == 4 * H


def test_new_york_spring_change_weekend():
    start = datetime.datetime(2026, 3, 6, 17, 0, tzinfo=NEW_YORK)  # Friday, EST

    due = office(NEW_YORK).add(start, 2 * H)

    assert due.astimezone(UTC) == datetime.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 EDT


def test_new_york_autumn_change_night_around_the_clock():
    start = datetime.datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)  # EDT; 02:00 -> 01:00

    due = around_the_clock(NEW_YORK).add(start, 4 * H)

    assert due.astimezone(UTC) == datetime.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    assert due.astimezone(NEW_YORK).hour == 3  # the wall clock moved only three hours


@pytest.mark.parametrize("tz", [ROME, NEW_YORK])
@pytest.mark.parametrize("day", [datetime.date(2026, 3, 6), datetime.date(2026, 10, 30)])
def test_between_is_the_inverse_of_add(tz, day):
    calendar = office(tz)
    start = datetime.datetime.combine(day, datetime.time(11), tzinfo=tz)
    for hours in (1, 7, 10, 23, 45):
        assert calendar.between(start, calendar.add(start, hours * H)) == hours * H


@pytest.mark.django_db
def test_default_calendar_row_with_holidays_is_used():
    calendar = BusinessCalendar.objects.create(name="Main", timezone="Europe/Rome", is_default=True)
    Holiday.objects.create(calendar=calendar, date=datetime.date(2026, 12, 25), name="Xmas")

    loaded = load_calendar()

    assert loaded.holidays == frozenset({datetime.date(2026, 12, 25)})
    assert loaded.weekdays == frozenset(range(5))


@pytest.mark.django_db
def test_contract_response_time_shortens_the_sla(settings):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "SLA_HOURS": {1: 4, 2: 8, 3: 40, 4: 80}}
    appliance = ApplianceFactory()
    ServiceContractFactory(customer=appliance.site.customer, response_hours=2).appliances.add(
        appliance
    )
    plain = open_ticket(priority=3)

    covered = open_ticket(appliance=appliance, priority=3)

    assert covered.coverage == Ticket.Coverage.CONTRACT
    calendar = load_calendar()
    assert calendar.between(covered.created_at, covered.sla_due_at) == 2 * H
    assert calendar.between(plain.created_at, plain.sla_due_at) == 40 * H


@pytest.mark.django_db
def test_sla_clock_pauses_while_waiting_for_the_customer():
    ticket = open_ticket()
    calendar = load_calendar()
    paused_at = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=ROME)  # a Tuesday
    ticket.sla_due_at = datetime.datetime(2026, 6, 2, 12, 0, tzinfo=ROME)
    ticket.save()

    services.transition_ticket(ticket=ticket, to="awaiting_customer", by=None, now=paused_at)
    ticket.refresh_from_db()
    assert ticket.sla_paused_at == paused_at
    services.transition_ticket(
        ticket=ticket,
        to="triaged",
        by=None,
        now=datetime.datetime(2026, 6, 3, 9, 0, tzinfo=ROME),
    )

    ticket.refresh_from_db()
    assert ticket.sla_paused_at is None
    # Three business hours were left when paused; they count again from the resume.
    assert ticket.sla_due_at == datetime.datetime(2026, 6, 3, 12, 0, tzinfo=ROME)
    assert calendar.between(paused_at, datetime.datetime(2026, 6, 3, 9, 0, tzinfo=ROME)) == 10 * H
    assert ticket.events.filter(kind="sla").count() == 2
