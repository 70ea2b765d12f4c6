"""The planner's input: the `fieldservice-scenario/1` format, parsed and validated.

Times are local wall-clock times of the scenario's day, carried as seconds after midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    return Visit(
        v["id"],
        _point(v.get("location"), f"{where}.location"),
        (a, b),
        minutes * 60,
        frozenset(str(s) for s in v.get("skills") or []),
        priority,
        v.get("technician"),
        keep,
    )
