"""Each planning rule, on a small scenario built to break it; the checker runs on every plan."""

import copy

import pytest

from dispatch.planner import leftovers
from dispatch.planner.checker import check
from dispatch.planner.engine import STARTS, _matrix, _starts, solve_scenario
from dispatch.planner.scenario import ScenarioError, parse

BASE = (41.90, 12.50)


def scenario(technicians, visits, speed=30.0, factor=1.3):
    return {
        "format": "fieldservice-scenario/1",
        "date": "2026-12-07",
        "timezone": "Europe/Rome",
        "travel": {"speed_kmh": speed, "road_factor": factor},
        "technicians": technicians,
        "visits": visits,
    }


def tech(id_, skills=(), shift=("08:00", "17:00"), brk=None, at=BASE):
    entry = {
        "id": id_,
        "start": list(at),
        "end": list(at),
        "shift": list(shift),
        "skills": list(skills),
    }
    if brk:
        entry["break"] = brk
    return entry


def visit(
    id_, north_km=2.0, window=("08:00", "17:00"), minutes=60, skills=(), priority=3, technician=None
):
    entry = {
        "id": id_,
        "location": [BASE[0] + north_km / 111.2, BASE[1]],
        "window": list(window),
        "minutes": minutes,
        "skills": list(skills),
        "priority": priority,
    }
    if technician is not None:
        entry["technician"] = technician
    return entry


def plan_checked(data, time_limit=1.0):
    plan = solve_scenario(data, time_limit=time_limit)
    report = check(data, plan)
    assert report.violations == []
    return plan, report


def where(plan, visit_id):
    for route in plan["routes"]:
        for stop in route["stops"]:
            if stop["visit"] == visit_id:
                return route["technician"], stop["start"]
    return None


def test_visits_start_inside_their_windows():
    data = scenario(
        [tech("t1")], [visit("a", window=("10:00", "10:30")), visit("b", window=("14:00", "15:00"))]
    )

    plan, report = plan_checked(data)

    assert "10:00:00" <= where(plan, "a")[1] <= "10:30:00"
    assert "14:00:00" <= where(plan, "b")[1] <= "15:00:00"
    assert report.planned[3] == 2


def test_shift_end_leaves_out_what_does_not_fit_with_a_reason():
    data = scenario([tech("t1", shift=("08:00", "10:00"))], [visit("long", minutes=240)])

    plan, _ = plan_checked(data)

    assert plan["routes"] == []
    assert plan["unassigned"][0]["visit"] == "long"
    assert plan["unassigned"][0]["rule"] == "shift"
    assert "do not fit in the shift" in plan["unassigned"][0]["reason"]


def test_skills_decide_who_goes():
    data = scenario(
        [tech("plain"), tech("gasman", skills=["gas"])], [visit("boiler", skills=["gas"])]
    )

    plan, _ = plan_checked(data)

    assert where(plan, "boiler")[0] == "gasman"


def test_missing_skill_is_the_reason():
    data = scenario([tech("plain")], [visit("boiler", skills=["gas"])])

    plan, _ = plan_checked(data)

    assert plan["unassigned"] == [
        {
            "visit": "boiler",
            "rule": "skill",
            "reason": "no technician has the skills: gas",
            "skills": ["gas"],
        }
    ]


def test_pinned_visit_goes_only_to_its_technician():
    # t2 is next door, t1 far away: without the pin t2 would get it.
    data = scenario(
        [tech("t1", at=(41.99, 12.50)), tech("t2")], [visit("mine", north_km=0.1, technician="t1")]
    )

    plan, _ = plan_checked(data)

    assert where(plan, "mine")[0] == "t1"


def test_break_is_taken_once_between_work_and_driving():
    brk = {"earliest": "12:00", "latest": "12:30", "minutes": 45}
    data = scenario(
        [tech("t1", brk=brk)], [visit(f"v{i}", north_km=1 + i, minutes=90) for i in range(4)]
    )

    plan, _ = plan_checked(data)

    route = plan["routes"][0]
    assert "12:00:00" <= route["break"] <= "12:30:00"
    for stop in route["stops"]:
        start = stop["start"]
        assert not ("12:00:00" < start < "12:45:00")


def test_higher_priority_wins_when_capacity_is_short():
    data = scenario(
        [tech("t1", shift=("08:00", "11:00"))],
        [visit("low", priority=4, minutes=120), visit("urgent", priority=1, minutes=120)],
    )

    plan, report = plan_checked(data)

    assert where(plan, "urgent") is not None
    assert [u["visit"] for u in plan["unassigned"]] == ["low"]
    assert plan["unassigned"][0]["rule"] == "capacity"
    assert "same or higher priority" in plan["unassigned"][0]["reason"]
    assert report.planned[1] == 1


def test_ids_are_echoed_as_given():
    data = scenario([tech(7)], [visit(42)])

    plan, _ = plan_checked(data)

    assert where(plan, 42)[0] == 7


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p["routes"][0]["stops"][0].update(start="16:59:00"), "outside its window"),
        (
            lambda p: p["routes"][0]["stops"].append(dict(p["routes"][0]["stops"][0])),
            "appears 2 times",
        ),
        (lambda p: p["routes"][0].update(technician="ghost"), "unknown technician"),
        (lambda p: p["routes"][0].pop("break"), "takes no break"),
        (lambda p: p["routes"][0].update({"break": "10:00:00"}), "overlaps work or driving"),
        (lambda p: p["routes"].clear(), "neither planned nor left out"),
    ],
)
def test_checker_catches_hand_broken_plans(mutate, message):
    brk = {"earliest": "10:00", "latest": "12:30", "minutes": 30}
    data = scenario([tech("t1", brk=brk)], [visit("a", window=("09:00", "10:00"), minutes=150)])
    plan, _ = plan_checked(data)
    broken = copy.deepcopy(plan)

    mutate(broken)

    assert any(message in v for v in check(data, broken).violations), check(data, broken)


def test_checker_catches_a_plan_that_ignores_travel_time():
    data = scenario(
        [tech("t1")],
        [
            visit("near", north_km=0.5, window=("08:00", "08:00")),
            visit("far", north_km=30, window=("09:00", "09:05")),
        ],
    )
    bad_plan = {
        "routes": [
            {
                "technician": "t1",
                "stops": [
                    {"visit": "near", "start": "08:00:00"},
                    {"visit": "far", "start": "09:05:00"},
                ],
            }
        ],
        "unassigned": [],
        "solve_seconds": 0,
    }

    violations = check(data, bad_plan).violations

    assert any("cannot drive" in v for v in violations)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="x"), "format must be"),
        (lambda d: d["visits"][0].update(window=["10:00"]), "visits[0].window"),
        (lambda d: d["technicians"][0].update(shift=["25:00", "26:00"]), "technicians[0].shift"),
        (lambda d: d["visits"][0].update(priority=9), "priority 1 to 4"),
        (lambda d: d["visits"][0].update(location=[500, 0]), "visits[0].location"),
    ],
)
def test_bad_scenarios_are_refused_naming_the_field(mutate, message):
    data = scenario([tech("t1")], [visit("a")])
    mutate(data)

    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(data)


def test_checker_accepts_a_break_taken_midway_through_a_drive():
    # 20 km apart: about 52 minutes of driving between 11:00 and 13:00, with a 45 minute
    # break at 11:30 that splits the drive.
    brk = {"earliest": "11:30", "latest": "11:30", "minutes": 45}
    data = scenario(
        [tech("t1", brk=brk)],
        [
            visit("a", north_km=0.5, window=("10:00", "10:00"), minutes=60),
            visit("b", north_km=20.5, window=("12:58", "13:00"), minutes=30),
        ],
    )
    plan = {
        "routes": [
            {
                "technician": "t1",
                "break": "11:30:00",
                "stops": [{"visit": "a", "start": "10:00:00"}, {"visit": "b", "start": "12:58:00"}],
            }
        ],
        "unassigned": [],
        "solve_seconds": 0,
    }
    squeezed = copy.deepcopy(plan)
    squeezed["routes"][0]["stops"][1]["start"] = "12:30:00"
    data_squeezed = copy.deepcopy(data)
    data_squeezed["visits"][1]["window"] = ["12:30", "13:00"]

    assert check(data, plan).violations == []
    assert any("break" in v or "drive" in v for v in check(data_squeezed, squeezed).violations)


def test_restarts_after_the_portfolio_rank_every_priority_above_the_next():
    starts = _starts(STARTS, restart_level=5)
    fixed = [next(starts) for _ in STARTS]
    restarts = [next(starts) for _ in range(200)]

    assert fixed == list(STARTS)
    assert len({tuple(w.values()) for w, _ in restarts}) > 100  # really different weightings
    for weights, level in restarts:
        assert weights[1] > weights[2] >= weights[3] >= weights[4] >= 0
        assert level == 5
    again = _starts(STARTS, restart_level=5)
    assert [next(again) for _ in range(len(STARTS) + 200)] == fixed + restarts  # repeatable


def test_a_tiny_day_does_not_wait_out_the_budget_once_restarts_find_nothing_better():
    data = scenario([tech("t1"), tech("t2")], [visit("a"), visit("b", north_km=5.0)])

    plan, report = plan_checked(data, time_limit=60.0)

    assert report.planned[3] == 2
    assert plan["solve_seconds"] < 30.0  # stopped after the fruitless restarts, not at 60 s


def test_a_p1_stopped_by_the_break_says_so_not_that_the_day_is_full():
    # The break is fixed at 12:00-13:00 and the P1 must start by 12:30: only the break stops
    # it, while a P4 has the whole morning.
    brk = {"earliest": "12:00", "latest": "12:00", "minutes": 60}
    data = scenario(
        [tech("t1", brk=brk)],
        [
            visit("urgent", priority=1, window=("12:10", "12:30"), minutes=30),
            visit("low", priority=4, window=("08:00", "11:00")),
        ],
    )

    plan, _ = plan_checked(data)

    assert where(plan, "low") is not None
    assert plan["unassigned"] == [
        {
            "visit": "urgent",
            "rule": "break",
            "reason": "within window 12:10-12:30 it would overlap the break of every "
            "technician who can do it",
            "window": "12:10-12:30",
        }
    ]


def test_a_skill_that_needs_a_certification_is_the_reason_not_a_missing_skill():
    lapsed = tech("t1")
    lapsed["uncertified"] = ["gas"]
    data = scenario([lapsed], [visit("boiler", skills=["gas"], priority=1)])

    plan, _ = plan_checked(data)

    assert plan["unassigned"][0]["rule"] == "certification"
    assert "certification valid that day for: gas" in plan["unassigned"][0]["reason"]


def test_a_window_outside_every_shift_is_the_reason():
    data = scenario(
        [tech("t1", shift=("08:00", "12:00"))], [visit("late", window=("15:00", "16:00"))]
    )

    plan, _ = plan_checked(data)

    assert plan["unassigned"][0]["rule"] == "window"


def test_a_left_out_p1_takes_the_time_lower_priorities_had():
    # VROOM is handed a plan where P4 work fills the only technician's short day; the pass
    # after it gives the P1 that time and leaves the P4 out instead.
    data = scenario(
        [tech("t1", shift=("08:00", "11:00"))],
        [visit("low", priority=4, minutes=120), visit("urgent", priority=1, minutes=120)],
    )
    s = parse(data)
    matrix = _matrix(s)
    routes = {0: leftovers.Route(0, [(8 * 3600 + 600, 0)])}

    still = leftovers.fill(leftovers.Day(s, matrix), routes, [1])

    assert still == [0]
    assert [j for _, j in routes[0].stops] == [1]


def test_checker_refutes_a_capacity_reason_when_lower_priority_work_took_the_time():
    data = scenario(
        [tech("t1", shift=("08:00", "11:00"))],
        [visit("low", priority=4, minutes=120), visit("urgent", priority=1, minutes=120)],
    )
    greedy = {
        "routes": [{"technician": "t1", "stops": [{"visit": "low", "start": "08:10:00"}]}],
        "unassigned": [{"visit": "urgent", "rule": "capacity", "reason": "the day is full"}],
    }
    vague = copy.deepcopy(greedy)
    vague["unassigned"][0].pop("rule")

    assert any("lower-priority work" in v for v in check(data, greedy).violations)
    assert any("names no rule" in v for v in check(data, vague).violations)
    swapped = {
        "routes": [{"technician": "t1", "stops": [{"visit": "urgent", "start": "08:10:00"}]}],
        "unassigned": [{"visit": "low", "rule": "capacity", "reason": "the day is full"}],
    }
    assert check(data, swapped).violations == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("skill", "has every skill"),
        ("certification", "has every skill"),
        ("window", "its window fits"),
        ("shift", "fits in the shift"),
        ("break", "fits beside the break"),
        ("technician", "may take it"),
    ],
)
def test_checker_refutes_every_rule_that_does_not_hold(rule, message):
    data = scenario([tech("t1")], [visit("free", priority=1)])
    plan = {"routes": [], "unassigned": [{"visit": "free", "rule": rule, "reason": "?"}]}

    assert any(message in v for v in check(data, plan).violations), check(data, plan)


def test_a_promised_visit_is_planned_before_any_priority():
    data = scenario(
        [tech("t1", shift=("08:00", "11:00"))],
        [
            visit("urgent", priority=1, minutes=120),
            visit("booked", priority=4, minutes=120, window=("08:30", "09:00")),
        ],
    )
    data["visits"][1]["keep"] = True

    plan, report = plan_checked(data)

    assert "08:30:00" <= where(plan, "booked")[1] <= "09:00:00"
    assert plan["unassigned"][0]["visit"] == "urgent"
    assert report.kept == 1
    dropped = {
        "routes": [{"technician": "t1", "stops": [{"visit": "urgent", "start": "08:10:00"}]}],
        "unassigned": [{"visit": "booked", "rule": "capacity", "reason": "?"}],
    }
    assert any("promised window" in v for v in check(data, dropped).violations)


def test_a_visit_pinned_to_someone_not_working_is_left_out_naming_them():
    data = scenario([tech("t1")], [visit("theirs", technician="away")])

    plan, _ = plan_checked(data)

    assert plan["unassigned"][0]["rule"] == "technician"
    assert "technician away" in plan["unassigned"][0]["reason"]
