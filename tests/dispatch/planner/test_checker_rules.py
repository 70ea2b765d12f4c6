"""The plan checker's rules at their edges, as a dispatcher would see them: a plan that breaks a
rule by a second is refused, naming the visit or the technician; the plan just inside is accepted.

The scenarios lie on the equator with a speed at which one degree of longitude is a ten-minute
drive, so that every leg is a round number of seconds the test can state."""

import math

from dispatch.planner.checker import EARTH_RADIUS_KM, Report, _travel, check

# One degree of longitude on the equator, driven in ten minutes (road factor 1).
SPEED = EARTH_RADIUS_KM * math.pi / 180 * 6
DEPOT = [0.0, 0.0]


def at(drive_minutes):
    """The place east of the depot that is `drive_minutes` away."""
    return [0.0, drive_minutes / 10]


def tech(id_, shift=("08:00", "17:00"), skills=(), brk=None):
    entry = {
        "id": id_,
        "start": DEPOT,
        "end": DEPOT,
        "shift": list(shift),
        "skills": list(skills),
    }
    if brk:
        entry["break"] = brk
    return entry


def visit(id_, drive=0, window=("08:00", "17:00"), minutes=60, priority=3, **extra):
    return {
        "id": id_,
        "location": at(drive),
        "window": list(window),
        "minutes": minutes,
        "skills": [],
        "priority": priority,
        **extra,
    }


def scenario(technicians, visits, **extra):
    return {
        "travel": {"speed_kmh": SPEED, "road_factor": 1.0},
        "technicians": technicians,
        "visits": visits,
        **extra,
    }


def route(technician, *stops, brk=None):
    entry = {
        "technician": technician,
        "stops": [{"visit": v, "start": start} for v, start in stops],
    }
    if brk is not None:
        entry["break"] = brk
    return entry


def plan(*routes, unassigned=()):
    return {"routes": list(routes), "unassigned": list(unassigned)}


def left_out(vid, rule="shift", reason="does not fit"):
    return {"visit": vid, "rule": rule, "reason": reason}


# Travel -----------------------------------------------------------------------------------


def test_a_drive_takes_its_distance_at_the_scenario_speed():
    assert _travel(DEPOT, at(10), SPEED, 1.0) == 600
    assert _travel(DEPOT, at(25), SPEED, 1.0) == 1500
    assert _travel(DEPOT, at(10), SPEED, 1.5) == 900


def test_a_drive_to_the_other_side_of_the_earth_is_half_its_circumference():
    # Here the haversine's h rounds to just above 1: the arcsine must still get 1.
    far = _travel([3 / 7, 0.0], [-3 / 7, 180.0], SPEED, 1.0)

    assert far == 180 * 600


def test_a_stop_reached_a_second_too_early_is_refused_and_on_time_accepted():
    data = scenario([tech(1)], [visit(11, drive=10)])

    on_time = check(data, plan(route(1, (11, "08:10:00"))))
    early = check(data, plan(route(1, (11, "08:09:59"))))

    assert on_time.violations == []
    assert on_time.ok is True
    assert early.violations == [
        "technician 1 cannot drive from one stop to the next in time (needs 600 s, has 599 s)"
    ]
    assert early.ok is False


def test_the_travel_counted_is_every_leg_of_a_route_with_visits():
    data = scenario([tech(1), tech(2)], [visit(11, drive=10), visit(12, drive=0)])

    report = check(data, plan(route(1, (11, "08:10")), route(2, (12, "08:00")), route(3)))

    assert report.violations == ["route of unknown technician 3"]
    # Technician 1 drives there and back; technician 2 works at the depot.
    assert report.travel_seconds == 1200


def test_a_plan_with_no_driving_counts_no_travel():
    data = scenario([tech(1)], [visit(11, drive=0)])

    report = check(data, plan(route(1, (11, "08:00"))))

    assert report.violations == []
    assert report.travel_seconds == 0
    assert report.score == (0, 0, 0, 1, 0, 0)


# The score ---------------------------------------------------------------------------------


def test_the_score_ranks_promises_then_each_priority_then_less_travel():
    report = Report(planned={1: 1, 2: 2, 3: 3, 4: 4}, travel_seconds=500, kept=7)

    assert report.score == (7, 1, 2, 3, 4, -500)
    assert Report(travel_seconds=400).score > Report(travel_seconds=500).score


def test_a_plan_scores_what_it_plans_per_priority_and_its_driving():
    priorities = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    visits = [visit(10 + n, drive=5, minutes=10, priority=p) for n, p in enumerate(priorities)]
    stops = [(10 + n, f"{8 + (n * 15 + 5) // 60:02d}:{(n * 15 + 5) % 60:02d}") for n in range(10)]
    data = scenario([tech(1)], visits)

    report = check(data, plan(route(1, *stops)))

    assert report.violations == []
    assert report.score == (0, 1, 2, 3, 4, -600)


# Now, and the visit under way -----------------------------------------------------------------


def test_nothing_may_start_before_now():
    data = scenario([tech(1)], [visit(11)], now="10:00")

    assert check(data, plan(route(1, (11, "10:00")))).violations == []
    assert check(data, plan(route(1, (11, "09:59")))).violations == ["visit 11 starts before now"]


def test_a_visit_under_way_may_not_be_left_out():
    started = visit(10, window=("10:00", "10:00"), minutes=30, technician=1, started=True)
    data = scenario([tech(1)], [started], now="10:00")

    report = check(data, plan(unassigned=[left_out(10)]), reasons=False)

    assert report.violations == ["visit 10 is under way but left out"]


# Every visit once ------------------------------------------------------------------------------


def test_a_visit_left_out_must_be_one_of_the_scenario():
    data = scenario([tech(1)], [visit(11)])

    report = check(data, plan(route(1, (11, "08:00")), unassigned=[left_out(99)]), reasons=False)

    assert report.violations == ["unassigned visit 99 is not in the scenario"]


def test_a_visit_left_out_needs_a_reason():
    data = scenario([tech(1)], [visit(11), visit(12)])
    no_reason = plan(
        unassigned=[{"visit": 11, "rule": "shift"}, {"visit": 12, "rule": "shift", "reason": " "}]
    )

    report = check(data, no_reason, reasons=False)

    assert report.violations == [
        "unassigned visit 11 has no reason",
        "unassigned visit 12 has no reason",
    ]


def test_a_visit_left_out_twice_appears_twice():
    data = scenario([tech(1)], [visit(11)])

    report = check(data, plan(unassigned=[left_out(11), left_out(11)]), reasons=False)

    assert report.violations == ["visit 11 appears 2 times"]


def test_a_visit_both_planned_and_left_out_appears_twice():
    data = scenario([tech(1)], [visit(11)])

    report = check(data, plan(route(1, (11, "08:00")), unassigned=[left_out(11)]), reasons=False)

    assert report.violations == ["visit 11 appears 2 times"]


def test_a_visit_neither_planned_nor_left_out_is_named():
    data = scenario([tech(1)], [visit(11), visit(12)])

    report = check(data, plan(route(1, (11, "08:00"))))

    assert report.violations == ["visit 12 is neither planned nor left out with a reason"]


def test_a_route_of_an_unknown_technician_does_not_stop_the_next_route_being_checked():
    data = scenario([tech(1)], [visit(11, window=("09:00", "10:00"))])

    report = check(data, plan(route(9), route(1, (11, "10:01"))))

    assert report.violations == [
        "route of unknown technician 9",
        "visit 11 starts 10:01 outside its window ['09:00', '10:00']",
    ]


def test_a_technician_with_two_routes_is_named():
    data = scenario([tech(1)], [visit(11), visit(12)])

    report = check(data, plan(route(1, (11, "08:00")), route(1, (12, "10:00"))))

    assert report.violations == ["technician 1 has two routes"]


# A reason is refuted only with the slack to spare ----------------------------------------------


def test_a_shift_claim_is_refuted_when_the_visit_fits_with_a_minute_to_spare_each_way():
    # At the depot: no drive, but a minute of slack on the way there and on the way back.
    fits = scenario([tech(1, shift=("08:00:00", "09:02:00"))], [visit(11)])
    short = scenario([tech(1, shift=("08:00:00", "09:01:59"))], [visit(11)])
    out = plan(route(1), unassigned=[left_out(11, "shift")])

    assert check(fits, out).violations == [
        "visit 11 is left out for 'shift', but it fits in the shift of technician 1"
    ]
    assert check(short, out).violations == []
