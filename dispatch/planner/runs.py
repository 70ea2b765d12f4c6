"""A planning worker's part: solve a queued PlanRun with progress, check the plan with the
independent checker, and store the preview."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import PlanInvalid
from tickets.models import Visit

from ..models import PlanRun
from . import checker_week, rest_of_day, week
from .checker import check
from .day import build_scenario, build_week_scenario
from .engine import solve_scenario
from .preview import build_preview, build_week_preview


def solve(
    scenario: dict, *, time_limit: float, progress: Callable[[float], None] | None = None
) -> dict:
    """Run the planner engine on a scenario and check its plan independently."""
    plan = solve_scenario(scenario, time_limit=time_limit, progress=progress)
    violations = check(scenario, plan).violations
    if violations:
        raise PlanInvalid(
            _("The planner produced an invalid plan: %(v)s") % {"v": "; ".join(violations[:3])}
        )
    return plan


# A promise the plan cannot keep (a day that already runs past the shift, or leaves no time
# to drive, in the planner's terms) keeps its technician's whole day as it is, and the rest
# is planned again; each round holds at least one more technician, on a shorter budget.
HOLD_ROUNDS = 5


def plan_day(
    *,
    day,
    area: str,
    may_break_windows: bool,
    time_limit: float,
    progress: Callable[[float], None] | None = None,
) -> tuple[dict, dict[str, int], dict]:
    """The day's scenario, the versions it read and its checked plan. Without
    `may_break_windows` no promise is broken: the day of a technician with a promise the plan
    cannot keep stays as it is."""
    hold: frozenset[int] = frozenset()
    limit = time_limit
    for _round in range(HOLD_ROUNDS):
        scenario, versions = build_scenario(
            day=day, area=area, may_break_windows=may_break_windows, hold=hold
        )
        plan = solve_scenario(scenario, time_limit=limit, progress=progress)
        kept = {v["id"] for v in scenario["visits"] if v.get("keep")}
        unkept = {int(u["visit"]) for u in plan["unassigned"] if u["visit"] in kept}
        if not unkept:
            break
        theirs = Visit.objects.filter(pk__in=unkept).values_list("technician_id", flat=True)
        hold, limit = hold | {t for t in theirs if t is not None}, max(1.0, time_limit / 3)
    violations = check(scenario, plan).violations
    if violations:
        raise PlanInvalid(
            _("The planner produced an invalid plan: %(v)s") % {"v": "; ".join(violations[:3])}
        )
    return scenario, versions, plan


def plan_week(
    *,
    first,
    days: int,
    area: str,
    may_break_windows: bool,
    time_limit: float,
    progress: Callable[[float], None] | None = None,
) -> tuple[dict, dict[str, int], dict]:
    """The range's `fieldservice-scenario/2`, the versions it read and its plan, checked by the
    week's checker; a technician with a promise the plan cannot keep is held for the whole
    range, as plan_day holds them for the day."""
    hold: frozenset[int] = frozenset()
    limit = time_limit
    for _round in range(HOLD_ROUNDS):
        scenario, versions = build_week_scenario(
            first=first, days=days, area=area, may_break_windows=may_break_windows, hold=hold
        )
        plan = week.solve_scenario(scenario, time_limit=limit, progress=progress)
        kept = {v["id"] for v in scenario["visits"] if v.get("keep")}
        unkept = {int(u["visit"]) for u in plan["unassigned"] if u["visit"] in kept}
        if not unkept:
            break
        theirs = Visit.objects.filter(pk__in=unkept).values_list("technician_id", flat=True)
        hold, limit = hold | {t for t in theirs if t is not None}, max(1.0, time_limit / 3)
    violations = checker_week.check(scenario, plan).violations
    if violations:
        raise PlanInvalid(
            _("The planner produced an invalid plan: %(v)s") % {"v": "; ".join(violations[:3])}
        )
    return scenario, versions, plan


def _plan_run(run: PlanRun, progress: Callable[[float], None]) -> tuple[dict, dict, dict, dict]:
    """A run's scenario, versions, plan and preview: a day's, a range's of several days, or
    the rest of today's proposal (its preview; the signed token carries what it applies)."""
    if run.kind == PlanRun.Kind.REST_OF_DAY:
        proposal = rest_of_day.propose_rest_of_day(time_limit=run.time_limit, progress=progress)
        return {}, {}, {}, proposal
    if run.days > 1:
        scenario, versions, plan = plan_week(
            first=run.day,
            days=run.days,
            area=run.area,
            may_break_windows=run.may_break_windows,
            time_limit=run.time_limit,
            progress=progress,
        )
        return scenario, versions, plan, build_week_preview(scenario, plan)
    scenario, versions, plan = plan_day(
        day=run.day,
        area=run.area,
        may_break_windows=run.may_break_windows,
        time_limit=run.time_limit,
        progress=progress,
    )
    return scenario, versions, plan, build_preview(scenario, plan)


def compute_day_plan(*, run_id: int) -> None:
    """Solve a queued run; claimed with a conditional update so a second worker does nothing."""
    if not PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(
        status=PlanRun.Status.RUNNING, progress=1, started_at=timezone.now()
    ):
        return
    run = PlanRun.objects.get(pk=run_id)
    last = [0.0]

    def progress(fraction: float) -> None:
        # Progress is written at most twice a second: the page polls, the solver does not wait.
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            PlanRun.objects.filter(pk=run_id).update(progress=max(1, min(99, int(fraction * 100))))

    try:
        scenario, versions, plan, preview = _plan_run(run, progress)
    except Exception as exc:  # the run records any failure for the dispatcher
        PlanRun.objects.filter(pk=run_id).update(
            status=PlanRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    PlanRun.objects.filter(pk=run_id).update(
        status=PlanRun.Status.READY,
        progress=100,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview,
        finished_at=timezone.now(),
    )
