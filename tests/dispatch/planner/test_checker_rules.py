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
    # Here the haversine's h rounds one ulp above 1: the drive is still half the way round.
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


# A route's stops ------------------------------------------------------------------------------


def test_an_unknown_visit_on_a_route_does_not_stop_the_rest_of_the_route_being_checked():
    data = scenario([tech(1)], [visit(11)])

    report = check(data, plan(route(1, (99, "08:00"), (11, "08:00"))))

    assert report.violations == ["route of 1 has unknown visit 99"]


def test_a_stop_may_start_at_either_end_of_its_window_and_not_a_minute_outside():
    data = scenario([tech(1)], [visit(11, window=("09:00", "10:00"))])

    assert check(data, plan(route(1, (11, "09:00")))).violations == []
    assert check(data, plan(route(1, (11, "10:00")))).violations == []
    assert check(data, plan(route(1, (11, "08:59")))).violations == [
        "visit 11 starts 08:59 outside its window ['09:00', '10:00']"
    ]
    assert check(data, plan(route(1, (11, "10:01")))).violations == [
        "visit 11 starts 10:01 outside its window ['09:00', '10:00']"
    ]


def test_no_stop_starts_before_the_shift():
    data = scenario([tech(1)], [visit(11, window=("07:00", "09:00"))])

    assert check(data, plan(route(1, (11, "08:00")))).violations == []
    assert check(data, plan(route(1, (11, "07:59")))).violations == [
        "visit 11 starts before technician 1's actual start",
        "technician 1 cannot drive from one stop to the next in time (needs 0 s, has -60 s)",
    ]


def test_the_drive_home_must_end_by_the_end_of_the_shift():
    data = scenario([tech(1)], [visit(11, drive=10)])

    assert check(data, plan(route(1, (11, "15:50")))).violations == []
    assert check(data, plan(route(1, (11, "15:51")))).violations == [
        "technician 1 cannot drive from one stop to the next in time (needs 600 s, has 540 s)"
    ]


def test_a_technician_without_the_skill_is_named():
    gas = {**visit(11), "skills": ["gas"]}
    data = scenario([tech(1, skills=["water"]), tech(2, skills=["gas", "water"])], [gas])

    assert check(data, plan(route(2, (11, "08:00")))).violations == []
    assert check(data, plan(route(1, (11, "08:00")))).violations == [
        "visit 11 needs ['gas'] that technician 1 lacks"
    ]


def test_a_visit_pinned_to_another_technician_is_named():
    data = scenario([tech(1), tech(2)], [visit(11, technician=2)])

    assert check(data, plan(route(2, (11, "08:00")))).violations == []
    assert check(data, plan(route(1, (11, "08:00")))).violations == [
        "visit 11 is pinned to 2, not 1"
    ]


def test_promised_visits_planned_are_counted_kept():
    data = scenario([tech(1)], [visit(11, keep=True), visit(12, minutes=30, priority=1)])

    report = check(data, plan(route(1, (11, "08:00"), (12, "09:00"))))

    assert report.violations == []
    assert report.kept == 1
    assert report.score == (1, 1, 0, 1, 0, 0)


# The visit under way ---------------------------------------------------------------------------


def under_way(id_, technician=1, start="10:00", minutes=30, drive=0):
    return visit(
        id_,
        drive=drive,
        window=(start, start),
        minutes=minutes,
        technician=technician,
        keep=True,
        started=True,
    )


def test_a_visit_under_way_stays_with_its_technician_first_and_where_it_is():
    data = scenario([tech(1), tech(2)], [under_way(10), visit(11)], now="10:00")

    assert check(data, plan(route(1, (10, "10:00"), (11, "10:30")))).violations == []
    assert check(data, plan(route(2, (10, "10:00"), (11, "10:30")))).violations == [
        "visit 10 is under way with 1, not 2",
        "visit 10 is pinned to 1, not 2",
    ]
    assert check(data, plan(route(1, (11, "10:00"), (10, "11:00")))).violations == [
        "visit 10 is under way but is not first on 1's route",
        "visit 10 is under way but was moved to 11:00",
        "visit 10 starts 11:00 outside its window ['10:00', '10:00']",
    ]


def test_a_visit_under_way_that_runs_past_the_shift_is_not_the_plans_doing():
    # On site until 17:15 and ten minutes from the depot: home at 17:25, after a 17:00 shift.
    data = scenario([tech(1)], [under_way(10, start="16:45", drive=10)], now="16:45")
    booked = scenario([tech(1)], [visit(10, drive=10, window=("16:45", "16:45"), minutes=30)])

    assert check(data, plan(route(1, (10, "16:45")))).violations == []
    assert check(booked, plan(route(1, (10, "16:45")))).violations == [
        "technician 1 cannot drive from one stop to the next in time (needs 600 s, has -900 s)"
    ]


def test_the_break_right_after_the_visit_under_way_comes_before_the_drive_home():
    brk = {"earliest": "12:00", "latest": "13:00", "minutes": 30}
    data = scenario(
        [tech(1, shift=("08:00", "12:30"), brk=brk)],
        [under_way(10, start="11:30", drive=10)],
        now="11:30",
    )

    assert check(data, plan(route(1, (10, "11:30"), brk="12:00"))).violations == []


# The break -----------------------------------------------------------------------------------

LUNCH = {"earliest": "12:00", "latest": "13:00", "minutes": 30}


def test_a_technician_with_visits_takes_their_break():
    data = scenario([tech(1, brk=LUNCH)], [visit(11)])

    assert check(data, plan(route(1, (11, "08:00")))).violations == [
        "technician 1 has visits but takes no break"
    ]
    assert check(data, plan(route(1, (11, "08:00"), brk="12:00"))).violations == []


def test_a_technician_without_visits_needs_no_break():
    data = scenario([tech(1, brk=LUNCH), tech(2)], [visit(11)])

    assert check(data, plan(route(1), route(2, (11, "08:00")))).violations == []
    assert check(data, plan(route(1, brk="12:00"), route(2, (11, "08:00")))).violations == []


def test_a_break_the_technician_does_not_have_is_refused():
    data = scenario([tech(1)], [visit(11)])

    assert check(data, plan(route(1, (11, "08:00"), brk="12:00"))).violations == [
        "technician 1 takes a break they do not have"
    ]


def test_the_break_starts_within_its_earliest_and_latest():
    data = scenario([tech(1, brk=LUNCH)], [visit(11)])

    def at_break(when):
        return check(data, plan(route(1, (11, "08:00"), brk=when))).violations

    assert at_break("12:00") == []
    assert at_break("13:00") == []
    assert at_break("11:59") == ["technician 1 starts the break at 11:59, outside 12:00-13:00"]
    assert at_break("13:01") == ["technician 1 starts the break at 13:01, outside 12:00-13:00"]


def test_a_break_over_a_visit_is_refused():
    data = scenario([tech(1, brk=LUNCH)], [visit(11)])

    assert check(data, plan(route(1, (11, "12:00"), brk="12:30"))).violations == [
        "technician 1's break overlaps work or driving"
    ]
    assert check(data, plan(route(1, (11, "12:00"), brk="13:00"))).violations == []
    assert check(data, plan(route(1, (11, "12:30"), brk="12:00"))).violations == []


def test_the_break_and_the_drive_after_it_must_both_fit_the_gap():
    # Morning at the depot until 12:00, then the next stop ten minutes away.
    data = scenario([tech(1, brk=LUNCH)], [visit(11, minutes=240), visit(12, drive=10)])

    def second_at(when, brk="12:00"):
        return check(data, plan(route(1, (11, "08:00"), (12, when), brk=brk))).violations

    assert second_at("12:40") == []
    assert second_at("12:39:59") == ["technician 1's break overlaps work or driving"]
    # Pulling over to rest half-way: five minutes' drive either side of the break.
    assert second_at("12:40", brk="12:05") == []
    assert second_at("12:40", brk="12:10") == []
    assert second_at("12:40", brk="12:10:01") == ["technician 1's break overlaps work or driving"]


def test_a_break_put_off_after_the_visit_under_way_is_the_plans_doing():
    # Home at 12:40 if the break follows the visit at once; put off to 12:15 it ends at 12:45.
    brk = {"earliest": "12:00", "latest": "13:00", "minutes": 30}
    data = scenario(
        [tech(1, shift=("08:00", "12:30"), brk=brk)],
        [under_way(10, start="11:30", drive=10)],
        now="11:30",
    )

    assert check(data, plan(route(1, (10, "11:30"), brk="12:10"))).violations == []
    assert check(data, plan(route(1, (10, "11:30"), brk="12:15"))).violations == [
        "technician 1's break overlaps work or driving"
    ]


def test_a_visit_under_way_out_of_place_is_named_for_that_not_for_overtime():
    data = scenario(
        [tech(1)], [visit(11, window=("08:00", "08:00")), under_way(10, start="16:45", drive=10)]
    )

    report = check(data, plan(route(1, (11, "08:00"), (10, "16:45"))))

    assert report.violations == ["visit 10 is under way but is not first on 1's route"]


# The reasons of the visits left out ------------------------------------------------------------


def refuted(data, rule, vid=11):
    """The checker's verdicts on a plan that leaves `vid` out for `rule` and plans nothing else."""
    return check(data, plan(unassigned=[left_out(vid, rule)])).violations


def test_a_promised_visit_may_not_be_left_out():
    data = scenario([tech(1)], [visit(11, keep=True, technician=7)])

    assert refuted(data, "technician") == ["visit 11 has a promised window but is left out"]


def test_a_visit_left_out_names_a_rule_the_checker_knows():
    data = scenario([tech(1)], [visit(11)])

    assert refuted(data, "weather") == [
        "unassigned visit 11 names no rule that stops it ('weather')"
    ]


def test_no_technician_is_refuted_by_one_who_may_take_it():
    data = scenario([tech(1), tech(2)], [visit(11, technician=2), visit(12, technician=7)])
    out = plan(unassigned=[left_out(11, "technician"), left_out(12, "technician")])

    assert check(data, out).violations == [
        "visit 11 is left out for 'technician', but technician 2 may take it"
    ]


def skilled(id_, skills, **extra):
    return {**visit(id_, **extra), "skills": list(skills)}


def test_a_missing_skill_is_refuted_by_a_technician_who_has_it_certified_or_not():
    uncertified = {**tech(2, skills=["water"]), "uncertified": ["gas"]}
    data = scenario([tech(1, skills=["water"]), uncertified, tech(3, skills=["gas"])], [])

    def skill_claim(technicians, needs=("gas",)):
        return refuted({**data, "visits": [skilled(11, needs, technician=technicians)]}, "skill")

    assert skill_claim(1) == []
    assert skill_claim(2) == [
        "visit 11 is left out for 'skill', but technician 2 has the skills, uncertified"
    ]
    assert skill_claim(3) == [
        "visit 11 is left out for 'skill', but technician 3 has every skill it needs"
    ]
    assert skill_claim(7) == [
        "visit 11 is left out for 'skill', but no technician may take it at all"
    ]


def test_a_missing_certification_needs_a_technician_with_the_skill_uncertified():
    uncertified = {**tech(2, skills=["water"]), "uncertified": ["gas"]}
    data = scenario([tech(1, skills=["water"]), uncertified], [])

    def certification_claim(technician):
        visits = [skilled(11, ["gas", "water"], technician=technician)]
        return refuted({**data, "visits": visits}, "certification")

    assert certification_claim(2) == []
    assert certification_claim(1) == [
        "visit 11 is left out for 'certification', but no technician has the skills, "
        "certified or not"
    ]


def test_a_timing_claim_needs_a_technician_with_the_skills():
    data = scenario([tech(1)], [skilled(11, ["gas"])])

    assert refuted(data, "shift") == [
        "visit 11 is left out for 'shift', but no technician may take it with the skills it needs"
    ]


def test_a_window_claim_is_refuted_when_the_window_opens_a_minute_after_the_shift():
    # At the depot: a minute of slack to get there, a minute to get back.
    def window_claim(window, shift=("08:00", "17:00")):
        return refuted(scenario([tech(1, shift=shift)], [visit(11, window=window)]), "window")

    refutes = [
        "visit 11 is left out for 'window', but its window fits in the shift of technician 1"
    ]
    assert window_claim(("07:00", "08:01")) == refutes
    assert window_claim(("07:00", "08:00:59")) == []
    assert window_claim(("15:59", "15:59")) == refutes
    assert window_claim(("15:59", "15:59"), shift=("08:00", "16:59:59")) == []


def test_a_break_claim_is_refuted_when_the_visit_fits_after_the_break():
    # The break at 08:00 for half an hour, a minute's slack: the visit from 08:31 to 09:31.
    early = {"earliest": "08:00", "latest": "08:00", "minutes": 30}

    def break_claim(shift_end):
        data = scenario([tech(1, shift=("08:00", shift_end), brk=early)], [visit(11)])
        return refuted(data, "break")

    assert break_claim("09:32") == [
        "visit 11 is left out for 'break', but it fits beside the break of technician 1"
    ]
    assert break_claim("09:31:59") == []


def test_a_break_claim_is_refuted_when_the_visit_fits_before_the_break():
    # The visit from 08:01 at the latest, the break from 09:10: home by 09:40 at the earliest.
    late = {"earliest": "09:10", "latest": "09:30", "minutes": 30}

    def break_claim(shift_end):
        visits = [visit(11, window=("08:00", "08:01"))]
        return refuted(scenario([tech(1, shift=("08:00", shift_end), brk=late)], visits), "break")

    assert break_claim("09:40") == [
        "visit 11 is left out for 'break', but it fits beside the break of technician 1"
    ]
    assert break_claim("09:39:59") == []


def test_a_capacity_claim_is_refuted_by_lower_priority_work_in_the_way():
    # Two hours of shift; the morning's first hour taken by another visit at the depot.
    def capacity_claim(priority, keep=False):
        other = visit(12, window=("08:00", "08:00"), priority=priority)
        data = scenario([tech(1, shift=("08:00", "10:00"))], [visit(11, keep=keep), other])
        out = plan(route(1, (12, "08:00")), unassigned=[left_out(11, "capacity")])
        return check(data, out).violations

    refutes = (
        "visit 11 is left out for 'capacity', but it fits in time that is free or taken by "
        "lower-priority work on the day of technician 1"
    )
    assert capacity_claim(3) == []
    assert capacity_claim(2) == []
    assert capacity_claim(4) == [refutes]
    assert capacity_claim(1, keep=True) == [
        "visit 11 has a promised window but is left out",
        refutes,
    ]


def test_a_technician_with_an_empty_route_is_not_held_to_the_drive_home_or_the_break():
    # Sent home ten minutes away from a five-minute shift, with a break that ends after it.
    late = {"earliest": "08:00", "latest": "08:05", "minutes": 30}
    away = {**tech(1, shift=("08:00", "08:05"), brk=late), "end": at(10)}
    data = scenario([away, tech(2)], [visit(11)])

    report = check(data, plan(route(1, brk="08:05"), route(2, (11, "08:00"))))

    assert report.violations == []
    assert report.travel_seconds == 0
