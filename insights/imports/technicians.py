"""Technicians, one row each, found again by their user's email address: their name, phone,
skills (by code), home base (an address, geocoded: a technician's day starts there, so a row
whose address cannot be placed is refused), area, time zone and simple working hours
("Mon-Fri 08:00-17:00 12:00-13:00; Sat 08:00-12:00": days, the shift, an optional break)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fieldservice import roles
from technicians.models import Skill, Technician, WorkingHours

from . import people
from .base import Geocoder, Imported, Kind, Numbers, Row, phone, too_long

COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "skills",
    "address",
    "city",
    "postal_code",
    "country",
    "region",
    "timezone",
    "working_hours",
)
EXAMPLE = {
    "email": "marco.bianchi@example.com",
    "first_name": "Marco",
    "last_name": "Bianchi",
    "phone": "+39 333 123 4567",
    "skills": "washing-machines dishwashers",
    "address": "Via Nazionale 50",
    "city": "Roma",
    "postal_code": "00184",
    "country": "IT",
    "region": "Roma Nord",
    "timezone": "Europe/Rome",
    "working_hours": "Mon-Fri 08:00-17:00 12:00-13:00; Sat 08:00-12:00",
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

# One shift: (weekday, starts, ends, break starts, break ends).
Shift = tuple[int, datetime.time, datetime.time, datetime.time | None, datetime.time | None]


def _span(raw: str) -> tuple[datetime.time, datetime.time] | None:
    match = SPAN.match(raw)
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = datetime.time(h1, m1), datetime.time(h2, m2)
    except ValueError:
        return None
    return (start, end) if start < end else None


def _days(raw: str) -> list[int] | None:
    found: list[int] = []
    for part in raw.casefold().split(","):
        ends = [p.strip()[:3] for p in part.split("-")]
        if not all(e in DAYS for e in ends) or len(ends) > 2:
            return None
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        if last < first:
            return None
        found.extend(range(first, last + 1))
    return found


def parse_hours(raw: str) -> list[Shift] | None:
    """The shifts a cell describes, one per weekday, or None when it is not in the simple form."""
    shifts: dict[int, Shift] = {}
    for segment in filter(None, (s.strip() for s in raw.split(";"))):
        words = segment.split()
        if len(words) not in (2, 3):
            return None
        days, shift = _days(words[0]), _span(words[1])
        pause = _span(words[2]) if len(words) == 3 else None
        if days is None or shift is None or (len(words) == 3 and pause is None):
            return None
        if pause is not None and not (shift[0] <= pause[0] and pause[1] <= shift[1]):
            return None
        for day in days:
            if day in shifts:
                return None
            shifts[day] = (day, *shift, *(pause or (None, None)))
    return sorted(shifts.values()) or None


def _users(emails: set[str]) -> dict[str, Any]:
    """The users the rows name, with their technician (an address of another user is
    refused)."""
    return people.users(emails, query=get_user_model().objects.select_related("technician"))


def check(rows: list[Row]) -> None:
    emails = {r.values["email"].lower() for r in rows if r.values["email"]}
    users = _users(emails)
    codes = {c for r in rows for c in r.values["skills"].replace(",", " ").split()}
    skills = {s.code: s for s in Skill.objects.filter(code__in=codes)}
    zones = zoneinfo.available_timezones()
    geocoder = Geocoder()
    seen: dict[str, int] = {}
    numbers: Numbers = {}
    for row in rows:
        v = row.values
        v["email"] = v["email"].lower()
        _check_user(row, users, seen)
        phone(row, numbers)
        wanted = v["skills"].replace(",", " ").split()
        unknown = [c for c in wanted if c not in skills]
        if unknown:
            row.error(
                "skills", _("No skill with the code %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        row.found["skills"] = {skills[c].pk for c in wanted if c in skills}
        too_long(row, "region", Technician._meta.get_field("region").max_length or 0)
        if v["timezone"] and v["timezone"] not in zones:
            row.error("timezone", _("Unknown time zone: write it like Europe/Rome."))
        if v["working_hours"]:
            row.found["hours"] = parse_hours(v["working_hours"])
            if row.found["hours"] is None:
                row.error(
                    "working_hours",
                    _("Write the hours like “Mon-Fri 08:00-17:00 12:00-13:00; Sat 08:00-12:00”."),
                )
        _check_home(row, geocoder)


def _check_user(row: Row, users: dict[str, Any], seen: dict[str, int]) -> None:
    v = row.values
    for column in ("email", "first_name", "last_name"):
        too_long(row, column, 150)
    if not v["email"]:
        return
    try:
        validate_email(v["email"])
    except ValidationError:
        row.error("email", _("That email address is not valid."))
        return
    first = seen.setdefault(v["email"], row.line)
    if first != row.line:
        row.error("email", _("Duplicate email: line %(line)s has this address.") % {"line": first})
    user = users.get(v["email"])
    if user is not None and not hasattr(user, "technician"):
        row.error("email", _("This address belongs to a user who is not a technician."))
    row.found["user"] = user


def _check_home(row: Row, geocoder: Geocoder) -> None:
    v = row.values
    v["country"] = (v["country"] or "IT").upper()
    if len(v["country"]) != 2 or not v["country"].isalpha():
        row.error("country", _("Write the country's two-letter code (IT, ES, BG)."))
        return
    if not (v["address"] and v["city"]):
        return
    place = geocoder.place(
        address=v["address"], city=v["city"], postal_code=v["postal_code"], country=v["country"]
    )
    if place is None:
        row.error(
            "address", _("This address cannot be found on the map: give the home base's town.")
        )
        return
    row.found["home"] = (place.latitude, place.longitude)


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    User = get_user_model()  # noqa: N806 - the model, named as Django names it
    users = _users({r.values["email"] for r in rows})
    new_users = people.write_users(rows, users)
    group, _created = Group.objects.get_or_create(name=roles.TECHNICIAN)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new_users],
        ignore_conflicts=True,
    )
    technicians = _write_technicians(rows, users, result)
    _write_skills(rows, technicians, result)
    _write_hours(rows, technicians, result)


def _write_technicians(
    rows: list[Row], users: dict[str, Any], result: Imported
) -> list[Technician]:
    new: list[Technician] = []
    changed: list[Technician] = []
    theirs = []
    for row in rows:
        v = row.values
        user = users[v["email"]]
        new_user = getattr(user, "imported_now", False)
        technician = None if new_user else getattr(user, "technician", None)
        latitude, longitude = row.found["home"]
        given: dict[str, Any] = {"home_latitude": latitude, "home_longitude": longitude}
        for name in ("phone", "region", "timezone"):
            if v[name]:
                given[name] = v[name]
        if technician is None:
            technician = Technician(user=user, **given)
            new.append(technician)
        else:
            dirty = False
            for name, value in given.items():
                if str(getattr(technician, name) or "") != str(value):
                    setattr(technician, name, value)
                    dirty = True
            if dirty:
                changed.append(technician)
        theirs.append(technician)
    Technician.objects.bulk_create(new)
    Technician.objects.bulk_update(
        changed, ["home_latitude", "home_longitude", "phone", "region", "timezone"]
    )
    result.add("technicians_added", len(new))
    result.add("technicians_changed", len(changed))
    return theirs


def _write_skills(rows: list[Row], technicians: list[Technician], result: Imported) -> None:
    """Each technician's skills become the row's, when the row names any."""
    through = Technician.skills.through
    ids = [t.pk for t in technicians]
    held: dict[int, set[int]] = defaultdict(set)
    for technician_id, skill_id in through.objects.filter(technician_id__in=ids).values_list(
        "technician_id", "skill_id"
    ):
        held[technician_id].add(skill_id)
    add = []
    drop = Q(pk__in=[])
    touched = set()
    for row, technician in zip(rows, technicians, strict=True):
        if not row.values["skills"]:
            continue
        wanted, current = row.found["skills"], held[technician.pk]
        if wanted == current:
            continue
        touched.add(technician.pk)
        add += [through(technician_id=technician.pk, skill_id=s) for s in wanted - current]
        if current - wanted:
            drop |= Q(technician_id=technician.pk, skill_id__in=current - wanted)
    if touched:
        through.objects.filter(drop).delete()
        through.objects.bulk_create(add)
    result.add("skills_changed", len(touched))


def _write_hours(rows: list[Row], technicians: list[Technician], result: Imported) -> None:
    """Each technician's working hours become the row's, when the row gives them."""
    ids = [t.pk for t in technicians]
    held: dict[int, list[Shift]] = defaultdict(list)
    for h in WorkingHours.objects.filter(technician_id__in=ids).order_by("weekday"):
        held[h.technician_id].append(
            (h.weekday, h.starts_at, h.ends_at, h.break_starts_at, h.break_ends_at)
        )
    replaced = []
    new = []
    for row, technician in zip(rows, technicians, strict=True):
        wanted = row.found.get("hours")
        if not wanted or wanted == held[technician.pk]:
            continue
        replaced.append(technician.pk)
        new += [
            WorkingHours(
                technician=technician,
                weekday=day,
                starts_at=start,
                ends_at=end,
                break_starts_at=pause_start,
                break_ends_at=pause_end,
            )
            for day, start, end, pause_start, pause_end in wanted
        ]
    if replaced:
        WorkingHours.objects.filter(technician_id__in=replaced).delete()
        WorkingHours.objects.bulk_create(new)
    result.add("hours_changed", len(replaced))


KIND = Kind(
    name="technicians",
    label=gettext_lazy("Import technicians"),
    description=gettext_lazy(
        "Technicians, one row each, from a CSV (UTF-8) or XLSX file. A technician is found "
        "again by their email address: importing the same file twice changes nothing. Skills "
        "are given by their codes, the home base by its address; new technicians sign in "
        "after setting a password through “Forgot your password?”."
    ),
    columns=COLUMNS,
    required=("email", "first_name", "address", "city"),
    example=EXAMPLE,
    key=("email",),
    check=check,
    write=write,
    counts=(
        ("technicians_added", gettext_lazy("Technicians added")),
        ("technicians_changed", gettext_lazy("Technicians changed")),
        ("skills_changed", gettext_lazy("Technicians whose skills changed")),
        ("hours_changed", gettext_lazy("Technicians whose working hours changed")),
    ),
)
