"""`plan_scenario IN.json --out OUT.json --time-limit S` (a day, `fieldservice-scenario/1`, or
several, `/2`), or `--solomon FILE --time-limit S`.

Plans a scenario file without touching the database; the Solomon form prints vehicles, distance
and seconds as JSON, after the independent checker has verified the plan.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dispatch.planner import checker, checker_week, solomon, week
from dispatch.planner.engine import solve_scenario
from dispatch.planner.scenario import ScenarioError, is_week


class Command(BaseCommand):
    help = "Plan a fieldservice-scenario/1 or /2 (several days) file, or a Solomon instance."
    requires_system_checks: list = []  # noqa: RUF012 - Django reads it, never changes it

    def add_arguments(self, parser):
        parser.add_argument("scenario", nargs="?", help="scenario JSON file")
        parser.add_argument("--out", help="where to write the plan JSON")
        parser.add_argument("--solomon", help="a Solomon instance file instead of a scenario")
        parser.add_argument("--time-limit", type=float, default=10.0, dest="time_limit")

    def handle(self, *args, scenario, out, solomon: str | None, time_limit: float, **options):
        if time_limit <= 0:
            raise CommandError("--time-limit must be positive.")
        if solomon:
            self._solomon(Path(solomon), time_limit)
            return
        if not scenario or not out:
            raise CommandError("Give a scenario file and --out, or --solomon FILE.")
        try:
            data = json.loads(Path(scenario).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {scenario}: {exc}") from exc
        several_days = is_week(data)
        try:
            if several_days:
                plan = week.solve_scenario(data, time_limit=time_limit)
            else:
                plan = solve_scenario(data, time_limit=time_limit)
        except ScenarioError as exc:
            raise CommandError(f"Bad scenario: {exc}") from exc
        report = checker_week.check(data, plan) if several_days else checker.check(data, plan)
        Path(out).write_text(json.dumps(plan, indent=1))
        self.stdout.write(
            json.dumps(
                {
                    "planned": report.planned,
                    "unassigned": len(plan["unassigned"]),
                    "travel_seconds": report.travel_seconds,
                    "violations": report.violations,
                    "solve_seconds": plan["solve_seconds"],
                }
            )
        )

    def _solomon(self, path: Path, time_limit: float) -> None:
        try:
            instance = solomon.read(path)
        except (OSError, ValueError, StopIteration) as exc:
            raise CommandError(f"Cannot read Solomon instance {path}: {exc}") from exc
        routes, seconds = solomon.solve(instance, time_limit=time_limit)
        distance, violations = solomon.check(instance, routes)
        self.stdout.write(
            json.dumps(
                {
                    "instance": instance.name,
                    "vehicles": len(routes),
                    "distance": round(distance, 3),
                    "seconds": round(seconds, 3),
                    "checked": not violations,
                    "violations": violations[:10],
                }
            )
        )
