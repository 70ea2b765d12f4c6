"""The automatic day planner: scenario format, engine, independent checker, Solomon reader."""

from __future__ import annotations


def solve_scenario(data: dict, *, time_limit: float = 10.0, progress=None) -> dict:
    from .engine import solve_scenario as run

    return run(data, time_limit=time_limit, progress=progress)


def verify_plan(scenario: dict, plan: dict) -> list[str]:
    """The checker's violations for a plan (empty when the plan keeps every rule)."""
    from .checker import check

    return check(scenario, plan).violations
