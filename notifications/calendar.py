"""iCalendar invitations for visits: one UID per visit, SEQUENCE from the visit's version, so a
customer's calendar moves or removes the same event."""

from __future__ import annotations

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import Visit

from . import wording


def visit_uid(visit: Visit) -> str:
    return f"visit-{visit.pk}@fieldservice"


def invitation(visit: Visit, *, sequence: int, cancel: bool = False, language: str = "en") -> bytes:
    """An .ics with the arrival window as the event, in the site's time zone (VTIMEZONE),
    named for what the visit is for in the customer's language."""
    tz = visit.ticket.site.timezone
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Field service//dispatch//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = icalendar.Event()
    event.add("uid", visit_uid(visit))
    event.add("sequence", sequence)
    event.add("dtstamp", visit.updated_at)
    event.add("dtstart", visit.window_start.astimezone(tz))
    event.add("dtend", visit.window_end.astimezone(tz))
    event.add("summary", f"{wording.purpose(visit.ticket, language)} ({visit.ticket.number})")
    event.add("location", str(visit.ticket.site))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed(visits, *, tz, name: str, language: str) -> bytes:
    """A subscription calendar of visits at their planned times, in the technician's zone and
    language (the calendar's name and each visit's status too)."""
    with translation.override(language):
        return _feed(visits, tz=tz, name=name, language=language)


def _feed(visits, *, tz, name: str, language: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Field service//technician feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Visits: %(name)s") % {"name": name})
    for visit in visits:
        event = icalendar.Event()
        event.add("uid", visit_uid(visit))
        event.add("sequence", visit.version)
        event.add("dtstamp", visit.updated_at)
        event.add("dtstart", visit.planned_start.astimezone(tz))
        event.add("dtend", visit.planned_end.astimezone(tz))
        purpose = wording.purpose(visit.ticket, language)
        event.add("summary", f"{visit.ticket.number} {visit.ticket.customer}: {purpose}")
        event.add("location", str(visit.ticket.site))
        codes = ", ".join(c.code for c in visit.ticket.error_codes.all())
        event.add("description", f"{visit.get_status_display()}. {codes}".strip())
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
