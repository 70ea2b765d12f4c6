"""Visits under way (`started`, today re-planned) never go through VROOM: each technician on site
sets off from that site when the visit ends, and the visit is put back first on their route,
where it is. A booked visit at the same address used to win VROOM's tie and drop it."""

import pytest

from dispatch.planner.checker import check
from dispatch.planner.engine import _set_aside, solve_scenario
from dispatch.planner.scenario import ScenarioError, parse
from tests.dispatch.planner.test_engine import BASE, scenario, tech, visit

SITE = [BASE[0] + 2 / 111.2, BASE[1]]  # the address of the visit under way


def on_site(id_, technician, now="10:00", minutes=30, priority=3):
    """The visit a technician is on at `now`, for `minutes` more (as today.py writes it)."""
    return {
        "id": id_,
        "location": SITE,
        "minutes": minutes,
        "skills": [],
        "priority": priority,
        "technician": technician,
        "window": [now, now],
        "keep": True,
        "started": True,
    }


def booked(id_, window, minutes=60, north_km=2.0):
    entry = visit(id_, north_km=north_km, window=window, minutes=minutes)
    return {**entry, "keep": True}


def from_now(technicians, visits, now="10:00"):
    return {**scenario(technicians, visits), "now": now}


def stops(plan, technician):
    route = next(r for r in plan["routes"] if r["technician"] == technician)
    return [(s["visit"], s["start"][:5]) for s in route["stops"]]


def test_a_booked_visit_at_the_same_address_follows_the_visit_under_way():
    # On site until 10:30, the next booking at the same door at 10:30-11:00. The visit under
    # way is listed last, as today's scenario lists it: VROOM used to keep the booking first.
    data = from_now(
        [tech(1, shift=("10:00", "17:00"), at=SITE)],
        [booked(11, ("10:00", "11:00")), on_site(10, 1)],
    )

    plan = solve_scenario(data, time_limit=0.5)

    assert stops(plan, 1) == [(10, "10:00"), (11, "10:30")]
    assert plan["unassigned"] == []
    assert check(data, plan).violations == []


def test_when_only_one_fits_the_visit_under_way_stays_and_the_booking_is_left_out():
    # The booking's window closes before the visit under way ends: only one fits at 10:00.
    data = from_now(
        [tech(1, shift=("10:00", "17:00"), at=SITE)],
        [booked(11, ("09:45", "10:15")), on_site(10, 1)],
    )

    plan = solve_scenario(data, time_limit=0.5)

    assert stops(plan, 1) == [(10, "10:00")]
    assert [u["visit"] for u in plan["unassigned"]] == [11]
    # The promise is what the checker names, not the visit under way.
    assert check(data, plan).violations == ["visit 11 has a promised window but is left out"]


def test_vroom_never_sees_the_visit_under_way():
    data = from_now(
        [tech(1, shift=("10:00", "17:00"), at=BASE), tech(2, shift=("10:00", "17:00"))],
        [booked(11, ("10:00", "11:00")), on_site(10, 1, minutes=45)],
    )

    aside = _set_aside(parse(data))

    assert [v.id for v in aside.rest.visits] == [11]
    first = aside.rest.technicians[0]
    assert first.start == tuple(SITE)
    assert first.shift == (10 * 3600 + 45 * 60, 17 * 3600)  # free when the visit ends
    assert aside.rest.technicians[1] == parse(data).technicians[1]


def test_a_visit_under_way_past_the_shift_end_is_all_that_technician_does():
    # On site until 17:15, the shift ends at 17:00: the technician takes nothing more (and is
    # not in VROOM's input at all); the overtime is a fact the checker does not hold against
    # the plan. The other technician takes the booking at the same address.
    data = from_now(
        [tech(1, shift=("16:30", "17:00"), at=SITE), tech(2, shift=("16:30", "18:00"))],
        [booked(11, ("16:30", "17:30"), minutes=30), on_site(10, 1, now="16:30", minutes=45)],
        now="16:30",
    )

    aside = _set_aside(parse(data))
    plan = solve_scenario(data, time_limit=0.5)

    assert [t.id for t in aside.rest.technicians] == [2]
    assert stops(plan, 1) == [(10, "16:30")]
    assert [v for v, _s in stops(plan, 2)] == [11]
    assert check(data, plan).violations == []


def test_the_break_after_a_visit_under_way_past_the_shift_end_is_overtime_too():
    # Still on site when the break was due: today's scenario moves the break to 17:15, when the
    # visit ends, past the 17:00 end of the shift.
    late_break = {"earliest": "17:15", "latest": "17:15", "minutes": 30}
    data = from_now(
        [tech(1, shift=("16:30", "17:00"), brk=late_break, at=SITE)],
        [on_site(10, 1, now="16:30", minutes=45)],
        now="16:30",
    )

    plan = solve_scenario(data, time_limit=0.5)

    (route,) = plan["routes"]
    assert route["break"] == "17:15:00"
    assert check(data, plan).violations == []
    # The overtime allowance covers the visit under way alone, not work planned after it.
    late = {
        **plan,
        "routes": [{**route, "stops": [*route["stops"], {"visit": 11, "start": "17:50:00"}]}],
    }
    data["visits"].append(visit(11, north_km=0.0, window=("16:30", "18:00"), minutes=30))
    assert any("cannot drive" in v for v in check(data, late).violations)


def test_two_technicians_each_with_a_visit_under_way():
    data = from_now(
        [
            tech(1, shift=("10:00", "17:00"), brk=BREAK, at=SITE),
            tech(2, shift=("10:00", "17:00"), brk=BREAK, at=BASE),
        ],
        [
            booked(21, ("10:00", "10:45"), minutes=60, north_km=0.0),
            booked(11, ("10:00", "11:00")),
            visit(30, north_km=1.0, minutes=90, priority=2),
            {**on_site(10, 1, minutes=60), "location": SITE},
            {**on_site(20, 2, minutes=40), "location": [BASE[0], BASE[1]]},
        ],
    )

    plan = solve_scenario(data, time_limit=0.5)

    assert stops(plan, 1)[0] == (10, "10:00")
    assert stops(plan, 2)[0] == (20, "10:00")
    planned = {v for r in plan["routes"] for v in (s["visit"] for s in r["stops"])}
    assert planned == {10, 11, 20, 21, 30}
    assert check(data, plan).violations == []


def test_a_technician_with_only_the_visit_under_way_takes_the_break_after_it():
    data = from_now(
        [tech(1, shift=("11:30", "17:00"), brk=BREAK, at=SITE)],
        [on_site(10, 1, now="11:30", minutes=45)],
        now="11:30",
    )

    plan = solve_scenario(data, time_limit=0.5)

    (route,) = plan["routes"]
    assert route["break"] == "12:15:00"
    assert check(data, plan).violations == []


def test_a_visit_under_way_names_its_technician():
    entry = {**on_site(10, 1)}
    del entry["technician"]

    with pytest.raises(ScenarioError, match="under way"):
        parse(from_now([tech(1)], [entry]))
    with pytest.raises(ScenarioError, match="started must be true or false"):
        parse(from_now([tech(1)], [{**on_site(10, 1), "started": "yes"}]))


BREAK = {"earliest": "12:00", "latest": "13:30", "minutes": 30}
