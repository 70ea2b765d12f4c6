"""Parts used on the technician's phone leave the van: once per record, even when the offline
sync sends the action again; refused by name when the van has none; confirmed at completion."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import Reservation, StockMove
from tests.factories import ErrorCodeFactory, PartFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today
from tickets import services as tickets
from tickets.models import PartUsed

from .stock import level, put_in, van, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return TechnicianFactory()


@pytest.fixture
def on_site(tech):
    visit = assign_today(new_visit(), tech)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None)
    return tickets.transition_visit(visit=visit, to="on_site", by=None)


def sync(client, tech, *actions):
    client.force_login(tech.user)
    return client.post(
        reverse("tech:sync"), json.dumps({"actions": list(actions)}), "application/json"
    )


def test_a_part_used_offline_and_synced_three_times_leaves_the_van_once(client, tech, on_site):
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 5)
    action = {"key": "p-1", "type": "part", "visit": on_site.pk, "part": pump.pk, "quantity": 2}

    answers = [sync(client, tech, action).json()["results"][0]["status"] for _ in range(3)]

    assert answers == ["ok", "duplicate", "duplicate"]
    assert level(truck, pump).on_hand == 3
    move = StockMove.objects.get(kind=StockMove.Kind.CONSUMPTION)
    assert (move.visit, move.by, move.quantity) == (on_site, tech.user, 2)


def test_a_part_the_van_does_not_have_is_refused_by_name_and_nothing_is_recorded(
    client, tech, on_site
):
    truck, pump = van(tech), PartFactory(name="Drain pump")
    put_in(truck, pump, 1)
    action = {"key": "p-2", "type": "part", "visit": on_site.pk, "part": pump.pk, "quantity": 2}

    result = sync(client, tech, action).json()["results"][0]

    assert result["status"] == "error"
    assert "Drain pump" in result["message"]
    assert result["retry"] is True  # after the van is restocked it can go through
    assert not PartUsed.objects.exists()
    assert level(truck, pump).on_hand == 1


def test_a_technician_without_a_van_records_parts_as_before(tech, on_site):
    tickets.use_part(visit=on_site, part=PartFactory(), quantity=1)

    assert PartUsed.objects.count() == 1
    assert not StockMove.objects.exists()


def test_confirming_at_completion_takes_what_was_taken_and_releases_the_rest(tech, on_site):
    truck, pump, seal = van(tech), PartFactory(), PartFactory()
    put_in(truck, pump, 5)
    put_in(truck, seal, 5)
    services.reserve_part(
        ticket=on_site.ticket, part=seal, location=truck, quantity=2, visit=on_site
    )
    tickets.use_part(visit=on_site, part=pump, quantity=2)

    # One pump was enough in the end, and one seal was taken instead of the two reserved.
    services.confirm_taken(visit=on_site, taken={pump: 1, seal: 1}, by=tech.user)
    services.confirm_taken(visit=on_site, taken={pump: 1, seal: 1}, by=tech.user)

    assert level(truck, pump).on_hand == 4
    assert level(truck, seal).on_hand == 4
    assert level(truck, seal).reserved == 0
    assert StockMove.objects.filter(kind=StockMove.Kind.RETURN).count() == 1
    assert set(Reservation.objects.values_list("status", flat=True)) <= {"consumed", "released"}


def test_a_visit_ending_needs_parts_reserves_the_tickets_parts_at_the_vans_warehouse(tech):
    central = warehouse()
    van(tech, home=central)
    pump = PartFactory()
    code = ErrorCodeFactory()
    code.parts.set([pump])
    visit = assign_today(new_visit(open_ticket(codes=[code.code])), tech)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)

    tickets.transition_visit(
        visit=visit, to="cannot_complete", by=None, outcome="needs_parts", reason="Pump"
    )

    reservation = Reservation.objects.get(ticket=visit.ticket)
    assert (reservation.part, reservation.location) == (pump, central)
    assert reservation.status == Reservation.Status.WAITING
