"""`manage.py plan_scenario`: a scenario file in, a checked plan out; and the Solomon mode."""

import json
import random

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from dispatch.planner import generate, solomon
from dispatch.planner.checker import check


def test_a_scenario_file_gives_a_plan_file_the_checker_accepts(tmp_path, capsys):
    data = generate.day(4, 30, seed=3)
    source, out = tmp_path / "day.json", tmp_path / "plan.json"
    source.write_text(json.dumps(data))

    call_command("plan_scenario", str(source), "--out", str(out), "--time-limit", "1")

    plan = json.loads(out.read_text())
    report = check(data, plan)
    assert report.violations == []
    summary = json.loads(capsys.readouterr().out)
    assert summary["violations"] == []
    assert sum(summary["planned"].values()) == sum(len(r["stops"]) for r in plan["routes"])
    served = {s["visit"] for r in plan["routes"] for s in r["stops"]}
    assert served | {u["visit"] for u in plan["unassigned"]} == {v["id"] for v in data["visits"]}


def test_a_bad_scenario_file_is_refused_naming_what_is_wrong(tmp_path):
    data = generate.day(2, 5, seed=1)
    data["visits"][0]["priority"] = 9
    source = tmp_path / "day.json"
    source.write_text(json.dumps(data))

    with pytest.raises(CommandError, match="priority"):
        call_command("plan_scenario", str(source), "--out", str(tmp_path / "plan.json"))
    assert not (tmp_path / "plan.json").exists()


def small_solomon(path, customers=16, seed=5):
    """A Solomon-format instance: a depot open 0-400 and clustered customers with windows."""
    rng = random.Random(seed)
    lines = ["TINY", "", "VEHICLE", "NUMBER     CAPACITY", "  6         60", "", "CUSTOMER"]
    lines.append("CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME")
    lines.append("")
    lines.append("    0      50         50          0          0        400          0")
    for c in range(1, customers + 1):
        x, y = rng.randint(20, 80), rng.randint(20, 80)
        ready = rng.randint(0, 250)
        lines.append(
            f"  {c:3d}  {x:6d}  {y:6d}  {rng.randint(5, 20):6d}  {ready:6d}  {ready + 60:6d}  10"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_solomon_mode_serves_every_customer_within_the_rules(tmp_path, capsys):
    path = small_solomon(tmp_path / "tiny.txt")

    call_command("plan_scenario", "--solomon", str(path), "--time-limit", "1")

    result = json.loads(capsys.readouterr().out)
    assert result["instance"] == "TINY"
    assert result["checked"] is True, result["violations"]
    assert 1 <= result["vehicles"] <= 6
    instance = solomon.read(path)
    routes, _ = solomon.solve(instance, time_limit=0.5)
    distance, violations = solomon.check(instance, routes)
    assert violations == []
    assert sorted(c for r in routes for c in r) == list(range(1, 17))
    assert distance > 0


def test_the_fleet_minimisation_keeps_a_feasible_plan_of_the_fleet_it_reaches(tmp_path):
    instance = solomon.read(small_solomon(tmp_path / "tiny.txt"))
    scaled = np.ceil(solomon.distances(instance) * solomon.SCALE).astype(np.int64)
    one_each = [[c] for c in range(1, 17)]  # feasible: every window opens after the drive

    routes = solomon._minimise_fleet(instance, scaled, one_each, 1.0)

    assert len(routes) < len(one_each)
    assert solomon.check(instance, routes)[1] == []
    assert sorted(c for r in routes for c in r) == list(range(1, 17))


def test_a_start_with_one_route_fewer_keeps_every_customer():
    fewer = solomon._fewer([[1, 2, 3], [4], [5, 6]])

    assert fewer == [[5, 6, 4], [1, 2, 3]]


def test_the_solomon_checker_catches_a_late_customer_and_a_missed_one(tmp_path):
    instance = solomon.read(small_solomon(tmp_path / "tiny.txt"))
    by_ready = sorted(range(1, 17), key=lambda c: instance.ready[c])
    everyone_late_first = [list(reversed(by_ready))]

    _, violations = solomon.check(instance, everyone_late_first)
    assert any("served at" in v or "carries" in v for v in violations)
    _, violations = solomon.check(instance, [by_ready[:-1]])
    assert f"customer {by_ready[-1]} served 0 times" in violations


def test_an_unreadable_solomon_file_is_refused(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text("not an instance\n")

    with pytest.raises(CommandError, match="Cannot read Solomon instance"):
        call_command("plan_scenario", "--solomon", str(path))
