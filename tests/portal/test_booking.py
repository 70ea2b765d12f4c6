import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, TransitionNotAllowed, WindowTaken
from portal import events, services
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    SiteFactory,
    TechnicianFactory,
    new_visit,
)
from tests.helpers import ROME, at, race
from tickets.models import Ticket, Visit


@pytest.mark.django_db
def test_booking_creates_ticket_visit_and_assignment_and_announces_it(next_monday):
    tech = TechnicianFactory()
    appliance = ApplianceFactory()
    heard = []
    events.booking_confirmed.connect(
        lambda **kw: heard.append(kw["visit"].pk), weak=False, dispatch_uid="test-heard"
    )

    ticket, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        codes=["E1"],
        window_start=at(next_monday, 10),
    )

    events.booking_confirmed.disconnect(dispatch_uid="test-heard")
    assert ticket.channel == Ticket.Channel.PORTAL
    assert (visit.technician, visit.status) == (tech, Visit.Status.SCHEDULED)
    assert visit.window_start == at(next_monday, 10)
    assert at(next_monday, 10) <= visit.planned_start <= at(next_monday, 12)
    assert heard == [visit.pk]


@pytest.mark.django_db
def test_booking_a_window_nobody_can_keep_changes_nothing(next_monday):
    TechnicianFactory(weekdays=[2])  # works Wednesdays only
    appliance = ApplianceFactory()

    with pytest.raises(WindowTaken):
        services.book_visit(
            customer=appliance.site.customer,
            site=appliance.site,
            kind="repair",
            appliance=appliance,
            window_start=at(next_monday, 10),
        )

    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_cannot_book_at_another_customers_address(next_monday):
    appliance = ApplianceFactory()

    with pytest.raises(InvalidInput, match="your own"):
        services.book_visit(
            customer=CustomerFactory(),
            site=appliance.site,
            kind="repair",
            appliance=appliance,
            window_start=at(next_monday, 10),
        )


@pytest.mark.django_db
def test_reschedule_and_cancel_respect_the_cutoff(next_monday, settings):
    next_monday += datetime.timedelta(days=7)  # well past the 24-hour cut-off
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday, 10),
    )

    moved = services.reschedule_booking(visit=visit, window_start=at(next_monday, 14))
    assert moved.window_start == at(next_monday, 14)
    assert moved.planned_start >= at(next_monday, 14)

    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "CHANGE_CUTOFF_HOURS": 24 * 30}
    with pytest.raises(TransitionNotAllowed, match="hours before"):
        services.cancel_booking(visit=moved)
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "CHANGE_CUTOFF_HOURS": 24}
    services.cancel_booking(visit=moved)
    moved.refresh_from_db()
    assert moved.status == Visit.Status.CANCELLED
    assert moved.ticket.status == Ticket.Status.CANCELLED


@pytest.mark.django_db
def test_signed_link_opens_only_its_visit_and_rejects_tampering(next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday, 10),
    )
    token = services.booking_token(visit)

    assert services.visit_from_token(token) == visit
    with pytest.raises(InvalidInput, match="not valid"):
        services.visit_from_token(token[:-2] + "xx")


@pytest.mark.django_db(transaction=True)
def test_twenty_customers_racing_for_the_last_window_one_wins(next_monday):
    tech = TechnicianFactory(weekdays=[0])
    # Only 10:00-12:00 is left: the rest of Monday is already taken.

    for hour, minute in ((8, 30), (13, 0), (14, 30)):
        assign_visit(
            visit=new_visit(), technician=tech, start=at(next_monday, hour, minute), by=None
        )
    appliances = [ApplianceFactory(site=SiteFactory()) for _ in range(20)]
    barrier = threading.Barrier(20)
    results: list[object] = [None] * 20

    def book(i):
        try:
            barrier.wait()
            results[i] = services.book_visit(
                customer=appliances[i].site.customer,
                site=appliances[i].site,
                kind="repair",
                appliance=appliances[i],
                window_start=at(next_monday, 10),
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    won = [r for r in results if isinstance(r, tuple)]
    taken = [r for r in results if isinstance(r, WindowTaken)]
    assert len(won) == 1, results
    assert len(taken) == 19
    assert Ticket.objects.filter(channel="portal").count() == 1
    assert (
        Visit.objects.filter(
            technician=tech,
            planned_start__gte=at(next_monday, 10),
            planned_start__lt=at(next_monday, 12),
        ).count()
        == 1
    )
    assert datetime.timedelta(0) < won[0][1].planned_end - won[0][1].planned_start


@pytest.mark.django_db
def test_sign_up_refuses_an_email_longer_than_a_login_name():
    with pytest.raises(InvalidInput, match="at most 150 characters") as refused:
        services.sign_up(
            email=("g" * 160) + "@example.com",
            password="a-long-pass-42",
            name="Giulia Bianchi",
            address="Via Roma 1",
            city="Rome",
            latitude=41.9,
            longitude=12.5,
            phone="+39 312 345 6789",
        )

    assert refused.value.field == "email"
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "window_start",
    [
        None,
        datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC),
        datetime.datetime(3000, 1, 6, 10, tzinfo=ROME),
    ],
)
def test_booking_or_moving_outside_the_offered_days_is_invalid_input(next_monday, window_start):
    TechnicianFactory()
    appliance = ApplianceFactory()
    job = {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
    }
    _, visit = services.book_visit(
        **job, window_start=at(next_monday + datetime.timedelta(days=7), 10)
    )

    with pytest.raises(InvalidInput, match="window") as booking:
        services.book_visit(**job, window_start=window_start)
    with pytest.raises(InvalidInput, match="window") as moving:
        services.reschedule_booking(visit=visit, window_start=window_start)

    assert booking.value.field == moving.value.field == "window"
    assert Ticket.objects.count() == Visit.objects.count() == 1
    visit.refresh_from_db()
    assert visit.window_start == at(next_monday + datetime.timedelta(days=7), 10)


@pytest.mark.django_db
def test_windows_can_be_booked_up_to_the_horizon_the_availability_api_searches():
    TechnicianFactory()
    appliance = ApplianceFactory()
    today = datetime.datetime.now(ROME).date()
    last = today + datetime.timedelta(days=services.BOOKING_HORIZON_DAYS - 1)
    job = {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
    }

    _, visit = services.book_visit(**job, window_start=at(last, 10))
    with pytest.raises(InvalidInput, match="not offered"):
        services.book_visit(**job, window_start=at(last + datetime.timedelta(days=1), 10))

    assert visit.window_start == at(last, 10)
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_customers_racing_for_a_window_ten_technicians_can_keep_ten_win(next_monday):
    # Each technician can keep one 90-minute repair in the 10:00-12:00 window, no more.
    technicians = [TechnicianFactory(weekdays=[0]) for _ in range(10)]
    appliances = [ApplianceFactory(site=SiteFactory()) for _ in range(21)]

    def booking(appliance):
        return lambda: services.book_visit(
            customer=appliance.site.customer,
            site=appliance.site,
            kind="repair",
            appliance=appliance,
            window_start=at(next_monday, 10),
        )

    results = race([booking(appliance) for appliance in appliances[:20]])

    won = [r for r in results if isinstance(r, tuple)]
    taken = [r for r in results if isinstance(r, WindowTaken)]
    assert (len(won), len(taken)) == (10, 10), results
    assert {visit.technician for _ticket, visit in won} == set(technicians)
    assert Ticket.objects.filter(channel="portal").count() == 10
    # A booking fails only when nobody able is free any more.
    with pytest.raises(WindowTaken):
        booking(appliances[20])()
