"""The planner's input: the `fieldservice-scenario/1` format, parsed and validated.

Times are local wall-clock times of the scenario's day, carried as seconds after midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

FORMAT = "fieldservice-scenario/1"


class ScenarioError(ValueError):
    """The scenario is malformed; the message names the field."""


def seconds(text: str, where: str) -> int:
    """'HH:MM' or 'HH:MM:SS' to seconds after midnight."""
    try:
        parts = [int(p) for p in str(text).split(":")]
        if len(parts) not in (2, 3) or not (0 <= parts[0] <= 24 and 0 <= parts[1] < 60):
            raise ValueError
        total = parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0)
    except ValueError:
        raise ScenarioError(f"{where}: {text!r} is not a time like 'HH:MM'") from None
    if total > 24 * 3600:
        raise ScenarioError(f"{where}: {text!r} is after midnight")
    return total


def clock(total: int) -> str:
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _point(value, where: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where} must be [latitude, longitude]") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ScenarioError(f"{where} is not a valid coordinate: {value!r}")
    return lat, lon


@dataclass(frozen=True)
class Break:
    earliest: int
    latest: int
    seconds: int


@dataclass(frozen=True)
class Technician:
    id: object
    start: tuple[float, float]
    end: tuple[float, float]
    shift: tuple[int, int]
    skills: frozenset[str]
    break_: Break | None = None
    # Skills the technician has without a certification valid on the day: not usable, but
    # they tell "needs a certification" apart from "nobody has the skill".
    uncertified: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Visit:
    id: object
    location: tuple[float, float]
    window: tuple[int, int]
    seconds: int
    skills: frozenset[str]
    priority: int
    # Kept on the technician with this id; one who is not in the scenario (time off, not
    # working that day) makes the visit one nobody can take, reported as left out with that
    # reason rather than refused, so a day with such a visit can still be planned.
    technician: object | None = None
    # A window promised to the customer: the plan must keep the visit, inside that window.
    keep: bool = False
    # Under way (today re-planned): the technician is on it from the window's start, for
    # `seconds` more; it stays first on their route, where it is.
    started: bool = False


@dataclass
class Scenario:
    date: str
    timezone: str
    speed_kmh: float
    road_factor: float
    technicians: list[Technician] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)


def parse(data: dict) -> Scenario:
    """Validate a scenario dict and return it typed; raise ScenarioError naming the field."""
    if not isinstance(data, dict):
        raise ScenarioError("the scenario must be a JSON object")
    if data.get("format") != FORMAT:
        raise ScenarioError(f"format must be {FORMAT!r}, not {data.get('format')!r}")
    travel = data.get("travel") or {}
    try:
        speed, factor = float(travel["speed_kmh"]), float(travel["road_factor"])
    except (KeyError, TypeError, ValueError):
        raise ScenarioError("travel needs numeric speed_kmh and road_factor") from None
    if speed <= 0 or factor <= 0:
        raise ScenarioError("travel.speed_kmh and travel.road_factor must be positive")
    scenario = Scenario(str(data.get("date", "")), str(data.get("timezone", "")), speed, factor)
    seen: set = set()
    for i, t in enumerate(data.get("technicians") or []):
        where = f"technicians[{i}]"
        if "id" not in t or t["id"] in seen:
            raise ScenarioError(f"{where}.id is missing or repeated")
        seen.add(t["id"])
        scenario.technicians.append(_technician(t, where))
    seen = set()
    for i, v in enumerate(data.get("visits") or []):
        where = f"visits[{i}]"
        if "id" not in v or v["id"] in seen:
            raise ScenarioError(f"{where}.id is missing or repeated")
        seen.add(v["id"])
        scenario.visits.append(_visit(v, where))
    return scenario


def _technician(t, where):
    """One entry of `technicians`, validated; `where` names it in errors."""
    shift = t.get("shift") or []
    if len(shift) != 2:
        raise ScenarioError(f"{where}.shift must be [start, end]")
    start, end = seconds(shift[0], f"{where}.shift"), seconds(shift[1], f"{where}.shift")
    if end < start:
        raise ScenarioError(f"{where}.shift ends before it starts")
    brk = None
    if t.get("break"):
        b = t["break"]
        try:
            minutes = int(b["minutes"])
        except (KeyError, TypeError, ValueError):
            raise ScenarioError(f"{where}.break.minutes must be a number") from None
        brk = Break(
            seconds(b.get("earliest"), f"{where}.break.earliest"),
            seconds(b.get("latest"), f"{where}.break.latest"),
            minutes * 60,
        )
        if brk.latest < brk.earliest or minutes < 0:
            raise ScenarioError(f"{where}.break: latest before earliest or negative minutes")
    return Technician(
        t["id"],
        _point(t.get("start"), f"{where}.start"),
        _point(t.get("end"), f"{where}.end"),
        (start, end),
        frozenset(str(s) for s in t.get("skills") or []),
        brk,
        frozenset(str(s) for s in t.get("uncertified") or []),
    )


def _visit(v, where):
    """One entry of `visits`, validated; `where` names it in errors."""
    window = v.get("window") or []
    if len(window) != 2:
        raise ScenarioError(f"{where}.window must be [from, to]")
    a, b = seconds(window[0], f"{where}.window"), seconds(window[1], f"{where}.window")
    if b < a:
        raise ScenarioError(f"{where}.window ends before it starts")
    try:
        minutes, priority = int(v["minutes"]), int(v["priority"])
    except (KeyError, TypeError, ValueError):
        raise ScenarioError(f"{where} needs integer minutes and priority") from None
    if minutes <= 0 or priority not in (1, 2, 3, 4):
        raise ScenarioError(f"{where}: minutes must be positive and priority 1 to 4")
    keep = v.get("keep", False)
    if not isinstance(keep, bool):
        raise ScenarioError(f"{where}.keep must be true or false")
    started = v.get("started", False)
    if not isinstance(started, bool):
        raise ScenarioError(f"{where}.started must be true or false")
    if started and v.get("technician") is None:
        raise ScenarioError(f"{where}: a visit under way (started) names its technician")
    return Visit(
        v["id"],
        _point(v.get("location"), f"{where}.location"),
        (a, b),
        minutes * 60,
        frozenset(str(s) for s in v.get("skills") or []),
        priority,
        v.get("technician"),
        keep,
        started,
    )


# A week at a time (`fieldservice-scenario/2`): up to MAX_DAYS days, each with its own working
# technicians (shifts, breaks, time off), and every visit with the days it may go on, each with
# its window that day. docs/planner.md describes the format with an example.
FORMAT_WEEK = "fieldservice-scenario/2"
MAX_DAYS = 7
DAY = 24 * 3600


@dataclass(frozen=True)
class WeekTechnician:
    """One technician on one day: the day's shift, break and time off (each (from, to)
    seconds after that day's midnight, off blocks inside the shift)."""

    tech: Technician
    day: int  # index into WeekScenario.dates
    off: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class WeekVisit:
    visit: Visit  # its window is unused: `days` holds the window of each day it may go on
    days: dict[int, tuple[int, int]]  # day index -> window that day
    # The last day it is on time (a preventive visit's tolerance): planned after it, or left
    # out, it counts as overdue.
    due: int | None = None


@dataclass
class WeekScenario:
    dates: list[str]
    timezone: str
    speed_kmh: float
    road_factor: float
    technicians: list[WeekTechnician] = field(default_factory=list)
    visits: list[WeekVisit] = field(default_factory=list)


def is_week(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT_WEEK


def parse_week(data: dict) -> WeekScenario:
    """Validate a `fieldservice-scenario/2` dict; raise ScenarioError naming the field."""
    if not is_week(data):
        raise ScenarioError(f"format must be {FORMAT_WEEK!r}, not {data.get('format')!r}")
    base = parse({**data, "format": FORMAT, "technicians": [], "visits": []})
    days = data.get("days") or []
    if not isinstance(days, list) or not 1 <= len(days) <= MAX_DAYS:
        raise ScenarioError(f"days must list 1 to {MAX_DAYS} days")
    dates = [str(d.get("date", "")) for d in days]
    if len(set(dates)) != len(dates) or dates != sorted(dates):
        raise ScenarioError("days must have distinct dates, in order")
    week = WeekScenario(dates, base.timezone, base.speed_kmh, base.road_factor)
    for i, d in enumerate(days):
        seen: set = set()
        for j, t in enumerate(d.get("technicians") or []):
            where = f"days[{i}].technicians[{j}]"
            if "id" not in t or t["id"] in seen:
                raise ScenarioError(f"{where}.id is missing or repeated")
            seen.add(t["id"])
            tech = _technician(t, where)
            week.technicians.append(WeekTechnician(tech, i, _off(t, tech, where)))
    seen = set()
    for i, v in enumerate(data.get("visits") or []):
        where = f"visits[{i}]"
        if "id" not in v or v["id"] in seen:
            raise ScenarioError(f"{where}.id is missing or repeated")
        seen.add(v["id"])
        week.visits.append(_week_visit(v, where, dates))
    return week


def _week_visit(v, where: str, dates: list[str]) -> WeekVisit:
    """One entry of a week's `visits`, validated; `where` names it in errors."""
    index = {d: i for i, d in enumerate(dates)}
    allowed = v.get("days")
    if not isinstance(allowed, dict) or not allowed:
        raise ScenarioError(f"{where}.days must map at least one date to its window")
    windows = {}
    for date, window in allowed.items():
        if date not in index:
            raise ScenarioError(f"{where}.days: {date!r} is not one of the scenario's days")
        windows[index[date]] = _visit({**v, "window": window}, f"{where}.days[{date}]").window
    if v.get("keep") and len(windows) != 1:
        raise ScenarioError(f"{where}: a promised visit (keep) goes on exactly one day")
    due = v.get("due")
    if due is not None and not isinstance(due, str):
        raise ScenarioError(f"{where}.due must be a date like '2026-12-07'")
    # A due date before the first day: every day is late. After the last: none is.
    due_index = None if due is None else sum(1 for date in dates if date <= due) - 1
    first = next(iter(allowed.values()))
    return WeekVisit(_visit({**v, "window": first}, where), windows, due_index)


def _off(t, tech: Technician, where: str) -> tuple[tuple[int, int], ...]:
    """A technician-day's time off inside the shift, [[from, to], ...], in order."""
    blocks = []
    for k, block in enumerate(t.get("off") or []):
        if not isinstance(block, list) or len(block) != 2:
            raise ScenarioError(f"{where}.off[{k}] must be [from, to]")
        a, b = seconds(block[0], f"{where}.off[{k}]"), seconds(block[1], f"{where}.off[{k}]")
        if not tech.shift[0] < a < b < tech.shift[1]:
            raise ScenarioError(f"{where}.off[{k}] must lie inside the shift")
        blocks.append((a, b))
    blocks.sort()
    for (_, end), (start, _) in pairwise(blocks):
        if start < end:
            raise ScenarioError(f"{where}.off: time off blocks overlap")
    return tuple(blocks)
