"""The week's format, engine and independent checker, without the database: each multi-day
rule broken by a small plan the checker must refuse, and the engine's plans it accepts."""

import copy
import json

import pytest
from django.core.management import call_command

from dispatch.planner import checker_week, generate, week
from dispatch.planner.engine import solve_scenario as solve_day
from dispatch.planner.scenario import ScenarioError, parse_week

HOME = [41.90, 12.49]
NEAR = [41.91, 12.49]  # about 1.1 km north: a 3-minute drive at 30 km/h x 1.3


def _scenario() -> dict:
    tech = {
        "id": "t1",
        "start": HOME,
        "end": HOME,
        "shift": ["08:00", "17:00"],
        "skills": ["gas"],
        "break": {"earliest": "12:00", "latest": "13:00", "minutes": 30},
    }
    return {
        "format": "fieldservice-scenario/2",
        "timezone": "Europe/Rome",
        "travel": {"speed_kmh": 30.0, "road_factor": 1.3},
        "days": [
            {"date": "2026-12-07", "technicians": [tech]},
            {"date": "2026-12-08", "technicians": [{**tech, "off": [["14:00", "16:00"]]}]},
        ],
        "visits": [
            {
                "id": "repair",
                "location": NEAR,
                "minutes": 60,
                "skills": ["gas"],
                "priority": 1,
                "days": {"2026-12-07": ["09:00", "10:00"]},
            },
            {
                "id": "maintenance",
                "location": NEAR,
                "minutes": 60,
                "skills": [],
                "priority": 3,
                "days": {"2026-12-07": ["00:00", "23:59"], "2026-12-08": ["00:00", "23:59"]},
                "due": "2026-12-08",
            },
        ],
    }


def _good_plan() -> dict:
    return {
        "routes": [
            {
                "technician": "t1",
                "date": "2026-12-07",
                "stops": [{"visit": "repair", "start": "09:00:00"}],
                "break": "12:00:00",
            },
            {
                "technician": "t1",
                "date": "2026-12-08",
                "stops": [{"visit": "maintenance", "start": "09:00:00"}],
                "break": "12:00:00",
            },
        ],
        "unassigned": [],
    }


def test_a_good_plan_passes():
    report = checker_week.check(_scenario(), _good_plan())

    assert report.violations == []
    assert report.score[:6] == (0, 1, 0, 1, 0, 0)


def _broken(change) -> list[str]:
    scenario, plan = _scenario(), _good_plan()
    change(scenario, plan)
    return checker_week.check(scenario, plan).violations


def _stop(plan, day, **values):
    plan["routes"][day]["stops"][0].update(values)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        # A repair on a day it may not go on.
        (
            lambda s, p: (
                p["routes"][1]["stops"].append({"visit": "repair", "start": "09:00:00"})
                or p["routes"][0]["stops"].clear()
            ),
            "not one of its days",
        ),
        # Outside its window that day.
        (lambda s, p: _stop(p, 0, start="10:30:00"), "outside its window"),
        # Before the shift begins (the drive from home does not fit).
        (
            lambda s, p: s["days"][0]["technicians"][0].update(shift=["09:00", "17:00"]),
            "cannot drive",
        ),
        # After the shift ends.
        (lambda s, p: _stop(p, 1, start="16:40:00"), "cannot drive"),
        # Inside the time off.
        (lambda s, p: _stop(p, 1, start="14:30:00"), "time off"),
        # Across the break.
        (lambda s, p: p["routes"][0].update({"break": "09:30:00"}), "break"),
        # The break outside its window.
        (lambda s, p: p["routes"][0].update({"break": "15:00:00"}), "outside its window"),
        # No break taken.
        (lambda s, p: p["routes"][0].pop("break"), "takes no break"),
        # Two stops overlapping.
        (
            lambda s, p: (
                p["routes"][0]["stops"].append({"visit": "maintenance", "start": "09:30:00"})
                or p["routes"][1]["stops"].clear()
            ),
            "cannot drive",
        ),
        # A skill the technician lacks.
        (lambda s, p: s["days"][0]["technicians"][0].update(skills=[]), "lacks"),
        # Pinned to somebody else.
        (lambda s, p: s["visits"][0].update(technician="t2"), "pinned"),
        # A technician who does not work that day.
        (lambda s, p: p["routes"][1].update(date="2026-12-09"), "does not work"),
        # A promised visit left out.
        (
            lambda s, p: (
                s["visits"][0].update(keep=True)
                or p["unassigned"].append({"visit": "repair", "rule": "capacity"})
                or p["routes"].pop(0)
            ),
            "promised",
        ),
        # A visit twice.
        (lambda s, p: p["unassigned"].append({"visit": "repair", "rule": "capacity"}), "2 times"),
        # A visit nowhere.
        (lambda s, p: p["routes"].pop(1), "neither planned"),
    ],
)
def test_each_broken_rule_is_refused(change, words):
    violations = _broken(change)

    assert any(words in v for v in violations), violations


def test_left_out_or_late_maintenance_counts_as_overdue():
    scenario = _scenario()
    scenario["visits"][1]["due"] = "2026-12-07"  # planned on the 8th: a day late
    late = checker_week.check(scenario, _good_plan())
    plan = _good_plan()
    plan["routes"].pop(1)
    plan["unassigned"].append({"visit": "maintenance", "rule": "capacity"})
    left_out = checker_week.check(_scenario(), plan)

    assert late.overdue == 1
    assert left_out.overdue == 1


def test_the_engine_puts_maintenance_on_an_allowed_day_and_the_repair_on_its_own():
    scenario = _scenario()
    # A long repair fills the first day; the maintenance visit must go on the second.
    scenario["visits"][0].update(minutes=480, days={"2026-12-07": ["08:05", "08:30"]})
    scenario["days"][0]["technicians"][0].pop("break")

    plan = week.solve_scenario(scenario, time_limit=2)

    report = checker_week.check(scenario, plan)
    assert report.violations == []
    dates = {s["visit"]: r["date"] for r in plan["routes"] for s in r["stops"]}
    assert dates == {"repair": "2026-12-07", "maintenance": "2026-12-08"}
    assert report.overdue == 0


def test_the_engine_prefers_the_due_days():
    scenario = _scenario()
    scenario["visits"][1].update(
        days={d: ["08:00", "17:00"] for d in ("2026-12-07", "2026-12-08")}, due="2026-12-07"
    )

    plan = week.solve_scenario(scenario, time_limit=2)

    dates = {s["visit"]: r["date"] for r in plan["routes"] for s in r["stops"]}
    assert dates["maintenance"] == "2026-12-07"
    assert checker_week.check(scenario, plan).overdue == 0


def test_a_generated_week_is_planned_validly_and_the_first_plan_comes_early():
    scenario = generate.week(8, 120, days=5)
    firsts: list[dict] = []

    plan = week.solve_scenario(scenario, time_limit=3, on_plan=firsts.append)

    assert checker_week.check(scenario, firsts[0]).violations == []
    assert firsts[0]["solve_seconds"] < plan["solve_seconds"]
    report = checker_week.check(scenario, plan)
    assert report.violations == []
    assert sum(report.planned.values()) > 60
    assert len({r["date"] for r in plan["routes"]}) == 5


def test_a_nobody_working_day_leaves_its_visit_out_for_the_technician():
    scenario = _scenario()
    scenario["days"][0]["technicians"] = []

    plan = week.solve_scenario(scenario, time_limit=1)

    reasons = {u["visit"]: u["rule"] for u in plan["unassigned"]}
    assert reasons == {"repair": "technician"}
    assert checker_week.check(scenario, plan).violations == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s: s.update(days=[]), "days must list 1 to 7"),
        (lambda s: s["days"].reverse(), "in order"),
        (lambda s: s["visits"][0].update(days={"2026-12-31": ["09:00", "10:00"]}), "not one of"),
        (lambda s: s["visits"][1].update(keep=True), "exactly one day"),
        (lambda s: s["days"][1]["technicians"][0].update(off=[["07:00", "09:00"]]), "inside"),
    ],
)
def test_a_malformed_week_is_refused_naming_the_field(change, words):
    scenario = copy.deepcopy(_scenario())
    change(scenario)

    with pytest.raises(ScenarioError, match=words):
        parse_week(scenario)


def test_a_day_scenario_still_reads_unchanged():
    day = generate.day(3, 10)

    plan = solve_day(day, time_limit=1)

    assert day["format"] == "fieldservice-scenario/1"
    assert len(plan["routes"]) + len(plan["unassigned"]) > 0


def test_plan_scenario_reads_a_week_file(tmp_path, capsys):
    data = generate.week(4, 40, days=3)
    source, out = tmp_path / "week.json", tmp_path / "plan.json"
    source.write_text(json.dumps(data))

    call_command("plan_scenario", str(source), "--out", str(out), "--time-limit", "1")

    plan = json.loads(out.read_text())
    assert checker_week.check(data, plan).violations == []
    assert json.loads(capsys.readouterr().out)["violations"] == []
    assert all("date" in r for r in plan["routes"])


def _left_out_for(rule: str) -> dict:
    plan = _good_plan()
    plan["routes"].pop(0)
    plan["unassigned"].append({"visit": "repair", "rule": rule})
    return plan


def test_a_staffing_reason_that_does_not_hold_is_refused():
    scenario = _scenario()

    nobody = checker_week.check(scenario, _left_out_for("technician")).violations
    no_skill = checker_week.check(scenario, _left_out_for("skill")).violations

    assert any("may take it on one of its days" in v for v in nobody), nobody
    assert any("has every skill it needs" in v for v in no_skill), no_skill


def test_a_staffing_reason_that_holds_is_accepted():
    away = _scenario()
    away["days"][0]["technicians"] = []
    unskilled = _scenario()
    unskilled["days"][0]["technicians"][0]["skills"] = []
    uncertified = copy.deepcopy(unskilled)
    uncertified["days"][0]["technicians"][0]["uncertified"] = ["gas"]

    assert checker_week.check(away, _left_out_for("technician")).violations == []
    assert checker_week.check(unskilled, _left_out_for("skill")).violations == []
    assert checker_week.check(uncertified, _left_out_for("certification")).violations == []
    wrong = checker_week.check(uncertified, _left_out_for("skill")).violations
    assert any("uncertified" in v for v in wrong), wrong


def test_a_visit_kept_on_a_technician_away_all_week_is_left_out_for_them():
    scenario = _scenario()
    scenario["visits"][1]["technician"] = "t9"

    plan = week.solve_scenario(scenario, time_limit=1)

    reasons = {u["visit"]: (u["rule"], u.get("technician")) for u in plan["unassigned"]}
    assert reasons == {"maintenance": ("technician", "t9")}
    assert checker_week.check(scenario, plan).violations == []


def test_a_pinned_visit_goes_only_to_its_technician():
    scenario = _scenario()
    other = {**scenario["days"][1]["technicians"][0], "id": "t2"}
    other.pop("off")
    scenario["days"][1]["technicians"] = [other, {**other, "id": "t3"}]
    scenario["visits"][1]["technician"] = "t3"

    plan = week.solve_scenario(scenario, time_limit=1)

    where = {s["visit"]: (r["technician"], r["date"]) for r in plan["routes"] for s in r["stops"]}
    assert where["maintenance"] == ("t3", "2026-12-08")
    assert checker_week.check(scenario, plan).violations == []
