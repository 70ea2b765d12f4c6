"""Generated field-service days for the planner's benchmark: technicians with mixed skills and
breaks around a city, clustered visits with mixed windows and priorities, more work than fits."""

from __future__ import annotations

import random

SKILLS = ["laundry", "refrigeration", "hvac", "gas", "printers", "pc", "network"]
CENTRE = (41.90, 12.49)


# The day's mix: its default is the benchmark's first day; mix() draws others from a seed, so a
# comparison over many days varies the kind of day, not only where the visits fall.
DEFAULT_MIX = {
    "break_share": 0.8,
    "skills_per_technician": (2, 4),
    "skilled_share": 0.85,
    "windows": (1, 1, 1, 1, 1, 1, 1),  # weights of WINDOWS, in its order
    "priorities": (10, 25, 45, 20),  # weights of P1-P4
}
WINDOWS = [
    ("08:00", "10:00"),
    ("10:00", "12:00"),
    ("13:00", "15:00"),
    ("15:00", "17:00"),
    ("08:00", "12:00"),
    ("13:00", "17:00"),
    ("08:00", "17:00"),
]


def mix(seed: int) -> dict:
    """A day's mix drawn from `seed`: breaks for half, most or all technicians; narrow or broad
    skills; tight (two-hour), mixed or wide (half-day, all-day) windows; few or many urgent
    visits."""
    rng = random.Random(f"mix-{seed}")
    return {
        "break_share": rng.choice([0.5, 0.8, 1.0]),
        "skills_per_technician": rng.choice([(1, 3), (2, 4), (3, 5)]),
        "skilled_share": rng.choice([0.6, 0.85, 1.0]),
        "windows": rng.choice(
            [(3, 3, 3, 3, 1, 1, 0), (1, 1, 1, 1, 1, 1, 1), (0, 0, 0, 0, 2, 2, 3)]
        ),
        "priorities": rng.choice([(10, 25, 45, 20), (25, 25, 30, 20), (5, 15, 40, 40)]),
    }


def day(technicians: int, visits: int, *, seed: int = 1, mix: dict | None = None) -> dict:
    """A scenario with about 1.5 times the work the technicians can do (with the default mix;
    the number of visits sets how much more work than capacity there is)."""
    m = {**DEFAULT_MIX, **(mix or {})}
    low, high = m["skills_per_technician"]
    rng = random.Random(seed)
    clusters = [
        (CENTRE[0] + rng.uniform(-0.12, 0.12), CENTRE[1] + rng.uniform(-0.16, 0.16))
        for _ in range(max(3, technicians // 3))
    ]
    techs = []
    for i in range(technicians):
        home = (CENTRE[0] + rng.uniform(-0.15, 0.15), CENTRE[1] + rng.uniform(-0.2, 0.2))
        start = rng.choice(["07:30", "08:00", "08:00", "09:00"])
        end = {"07:30": "16:30", "08:00": "17:00", "09:00": "18:00"}[start]
        entry = {
            "id": f"t{i}",
            "start": list(home),
            "end": list(home),
            "shift": [start, end],
            "skills": sorted(set(rng.sample(SKILLS, rng.randint(low, high)))),
        }
        if rng.random() < m["break_share"]:
            entry["break"] = {"earliest": "12:00", "latest": "13:30", "minutes": 45}
        techs.append(entry)
    jobs = []
    for j in range(visits):
        lat, lon = rng.choice(clusters)
        window = (
            rng.choice(WINDOWS)
            if mix is None  # the default day draws as it always has, seed for seed
            else rng.choices(WINDOWS, m["windows"])[0]
        )
        job = {
            "id": f"v{j}",
            "location": [lat + rng.gauss(0, 0.01), lon + rng.gauss(0, 0.013)],
            "window": list(window),
            "minutes": rng.choice([45, 60, 60, 90, 120, 150]),
            "skills": [rng.choice(SKILLS)] if rng.random() < m["skilled_share"] else [],
            "priority": rng.choices([1, 2, 3, 4], m["priorities"])[0],
        }
        jobs.append(job)
    return {
        "format": "fieldservice-scenario/1",
        "date": "2026-12-07",
        "timezone": "Europe/Rome",
        "travel": {"speed_kmh": 30.0, "road_factor": 1.3},
        "technicians": techs,
        "visits": jobs,
    }


def week(technicians: int, visits: int, *, days: int = 7, seed: int = 1) -> dict:
    """A `fieldservice-scenario/2` week from generated days: each technician works five of the
    days (some with an afternoon off), a third of the visits are preventive ones that may go on any
    of three to five days with a due day, the rest are repairs on their day, in
    their window."""
    rng = random.Random(seed)
    base = day(technicians, visits, seed=seed)
    dates = [f"2026-12-{7 + i:02d}" for i in range(days)]
    schedule = []
    for i, date in enumerate(dates):
        techs = []
        for tech in base["technicians"]:
            if (i + int(tech["id"][1:])) % 7 in (5, 6) and days > 2:
                continue  # two days off a week
            entry = dict(tech)
            if rng.random() < 0.05:
                entry["off"] = [["14:00", "16:00"]]
            techs.append(entry)
        schedule.append({"date": date, "technicians": techs})
    jobs = []
    for job in base["visits"]:
        entry = {k: v for k, v in job.items() if k != "window"}
        first = rng.randrange(days)
        kind = rng.random()
        if kind < 1 / 3:
            span = rng.randint(3, 5)
            allowed = dates[first : first + span]
            entry["days"] = {d: ["00:00", "23:59"] for d in allowed}
            entry["due"] = allowed[min(len(allowed) - 1, span // 2)]
            entry["skills"] = entry["skills"][:1]
        else:
            entry["days"] = {dates[first]: job["window"]}
        jobs.append(entry)
    return {
        "format": "fieldservice-scenario/2",
        "timezone": base["timezone"],
        "travel": base["travel"],
        "days": schedule,
        "visits": jobs,
    }
