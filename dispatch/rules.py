"""Whether a technician may take a visit at a time: skills, certifications, hours, time off,
and no overlap. Each check raises a DomainError whose message names what is wrong."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fieldservice import localformat
from fieldservice.errors import (
    BreaksPromisedWindow,
    MissingCertification,
    MissingSkill,
    OutsideWorkingHours,
    TechnicianBusy,
    TechnicianOff,
)
from technicians.models import Skill, Technician
from tickets.models import Ticket, Visit, VisitBooking


def _names(skills) -> str:
    return ", ".join(sorted(s.name for s in skills))


def missing_for(
    technician: Technician, skills: list[Skill], on: datetime.date
) -> tuple[list[Skill], list[Skill]]:
    """(skills the technician lacks, skills they have but hold no valid certification for)."""
    certified: set[int] = set()
    for cert in technician.certifications.all():
        if cert.is_valid_on(on):
            certified.update(s.pk for s in cert.skills.all())
    return split_missing(skills, own={s.pk for s in technician.skills.all()}, certified=certified)


def split_missing(
    skills: list[Skill], *, own: set[int], certified: set[int]
) -> tuple[list[Skill], list[Skill]]:
    """The rule itself, on plain ids: lacking skills, and held skills lacking a licence."""
    lacking = [s for s in skills if s.pk not in own]
    uncertified = [
        s for s in skills if s.pk in own and s.requires_certification and s.pk not in certified
    ]
    return lacking, uncertified


def ensure_can_do(technician: Technician, ticket: Ticket, *, on: datetime.date) -> None:
    """Refuse unless the technician has every skill the job needs and a certification valid on
    that date for each skill that needs one."""
    if not technician.active:
        raise MissingSkill(_("%(name)s is not an active technician.") % {"name": technician})
    lacking, uncertified = missing_for(technician, list(ticket.required_skills.all()), on)
    if lacking:
        raise MissingSkill(
            _("%(name)s lacks the skills this job needs: %(skills)s.")
            % {"name": technician, "skills": _names(lacking)}
        )
    if uncertified:
        raise MissingCertification(
            _("%(name)s has no certification valid on %(day)s for: %(skills)s.")
            % {"name": technician, "day": on.isoformat(), "skills": _names(uncertified)}
        )


def _hhmm(t: datetime.time) -> str:
    return t.strftime("%H:%M")


def ensure_in_working_hours(
    technician: Technician, start: datetime.datetime, end: datetime.datetime
) -> None:
    """Refuse a visit outside the technician's local shift or across their break."""
    tz = ZoneInfo(str(technician.timezone))
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    shift = next((h for h in technician.working_hours.all() if h.weekday == day.weekday()), None)
    if shift is None:
        raise OutsideWorkingHours(
            _("%(name)s does not work on %(day)s.") % {"name": technician, "day": day.isoformat()}
        )
    shift_start = datetime.datetime.combine(day, shift.starts_at, tzinfo=tz)
    shift_end = datetime.datetime.combine(day, shift.ends_at, tzinfo=tz)
    if local_start < shift_start or local_end > shift_end or local_end.date() != day:
        raise OutsideWorkingHours(
            _("%(name)s works %(from)s-%(to)s on %(day)s.")
            % {
                "name": technician,
                "from": _hhmm(shift.starts_at),
                "to": _hhmm(shift.ends_at),
                "day": day.isoformat(),
            }
        )
    if shift.break_starts_at and shift.break_ends_at:
        break_start = datetime.datetime.combine(day, shift.break_starts_at, tzinfo=tz)
        break_end = datetime.datetime.combine(day, shift.break_ends_at, tzinfo=tz)
        if local_start < break_end and break_start < local_end:
            raise OutsideWorkingHours(
                _("%(name)s has a break %(from)s-%(to)s.")
                % {
                    "name": technician,
                    "from": _hhmm(shift.break_starts_at),
                    "to": _hhmm(shift.break_ends_at),
                }
            )


def ensure_not_off(
    technician: Technician, start: datetime.datetime, end: datetime.datetime
) -> None:
    off = technician.time_off.filter(starts_at__lt=end, ends_at__gt=start).first()
    if off is not None:
        raise TechnicianOff(
            _("%(name)s is off from %(from)s to %(to)s%(why)s.")
            % {
                "name": technician,
                # On the technician's clock, in the reader's language: "3 Dec 2026 08:00".
                "from": localformat.moment(off.starts_at, "date_time", tz=technician.timezone),
                "to": localformat.moment(off.ends_at, "date_time", tz=technician.timezone),
                "why": f" ({off.reason})" if off.reason else "",
            }
        )


def ensure_free(
    technician: Technician,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    ignoring: Visit | None = None,
) -> None:
    """Refuse when another visit of the technician overlaps [start, end) (half-open), whether
    they lead it or help its crew."""
    helping = VisitBooking.objects.filter(
        technician=technician, role=VisitBooking.Role.HELPER, active=True
    ).values("visit")
    clash = (
        Visit.objects.filter(
            Q(technician=technician) | Q(pk__in=helping),
            status__in=Visit.BUSY_STATUSES,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .exclude(pk=getattr(ignoring, "pk", None))
        .select_related("ticket__site")
        .first()
    )
    if clash is not None:
        raise busy_error(technician, clash)


def busy_error(technician: Technician, clash: Visit) -> TechnicianBusy:
    tz = ZoneInfo(str(technician.timezone))
    return TechnicianBusy(
        _("%(name)s already has a visit %(from)s-%(to)s at %(where)s.")
        % {
            "name": technician,
            "from": clash.planned_start.astimezone(tz).strftime("%H:%M"),
            "to": clash.planned_end.astimezone(tz).strftime("%H:%M"),
            "where": clash.ticket.site,
        }
    )


def ensure_in_promised_window(visit: Visit, start: datetime.datetime) -> None:
    """Refuse an arrival outside the window the customer was promised (when there is one),
    naming the window on the site's clock."""
    if visit.window_start is None or visit.window_end is None:
        return
    if visit.window_start <= start <= visit.window_end:
        return
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    window_start, window_end = visit.window_start.astimezone(tz), visit.window_end.astimezone(tz)
    raise BreaksPromisedWindow(
        _(
            "The customer was promised %(day)s %(from)s-%(to)s; %(start)s is outside that "
            "window. Give a reason to move it anyway: the customer is sent the new window and "
            "a link to choose another."
        )
        % {
            "day": date_format(window_start, "D j M"),
            "from": window_start.strftime("%H:%M"),
            "to": window_end.strftime("%H:%M"),
            "start": date_format(start.astimezone(tz), "D j M H:i"),
        },
        field="window_reason",
    )
