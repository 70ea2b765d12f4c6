"""Demo installations and crews: two installation tickets on tomorrow's board, one for a
single installer and one heavy enough for a crew (a lead and a helper), placed through the
services as a dispatcher would, at the first time their technicians are free. The demo's
visits, written in bulk, get their lead's booking (tickets.VisitBooking) like the services
give it. Idempotent: the demo installations are made once."""

from __future__ import annotations

import datetime

from django.utils import timezone

from customers.models import ApplianceModel, Site
from dispatch.crew import add_helper
from dispatch.selectors import company_tz
from dispatch.services import assign_visit
from fieldservice.errors import DomainError
from technicians.models import Technician
from tickets.models import Ticket, Visit, VisitBooking
from tickets.services import create_visit, open_ticket

INSTALLATIONS = [
    # (what the customer asked for, category, expected minutes, a crew of how many)
    ("Demo installation: new washing machine, old one to take away", "washing_machine", 90, 1),
    ("Demo installation: wall air-conditioner, two people to lift", "hvac", 180, 2),
]
STARTS = [datetime.time(h, m) for h in range(8, 16) for m in (0, 30)]


def book_leads() -> int:
    """The lead's booking for each visit on someone's day that has none yet (the demo's bulk
    rows); returns how many were made."""
    missing = Visit.objects.filter(technician__isnull=False).exclude(
        bookings__role=VisitBooking.Role.LEAD
    )
    made = VisitBooking.objects.bulk_create(
        (
            VisitBooking(
                visit_id=visit.pk,
                technician_id=visit.technician_id,
                role=VisitBooking.Role.LEAD,
                planned_start=visit.planned_start,
                planned_end=visit.planned_end,
                active=visit.status in Visit.BUSY_STATUSES and visit.planned_start is not None,
            )
            for visit in missing.iterator()
        ),
        batch_size=1000,
    )
    return len(made)


def _place(visit: Visit, technicians: list[Technician], first: datetime.date) -> Visit | None:
    """The visit on the first technician free for it from `first` on (within the week)."""
    tz = company_tz()
    days = [first + datetime.timedelta(days=n) for n in range(7)]
    for day, technician, at in ((d, t, a) for d in days for t in technicians for a in STARTS):
        try:
            return assign_visit(
                visit=visit,
                technician=technician,
                start=datetime.datetime.combine(day, at, tzinfo=tz),
                by=None,
            )
        except DomainError:
            continue
    return None


def seed_crews() -> int:
    """Make the demo installations (one with a crew); return how many were made."""
    book_leads()
    if Ticket.objects.filter(description__startswith="Demo installation:").exists():
        return 0
    technicians = list(Technician.objects.filter(active=True).select_related("user")[:12])
    sites = list(
        Site.objects.exclude(placement=Site.Placement.UNPLACED)
        .select_related("customer")
        .order_by("pk")[: len(INSTALLATIONS)]
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)  # a day not started
    made = 0
    for site, (what, category, minutes, crew) in zip(sites, INSTALLATIONS, strict=False):
        model = ApplianceModel.objects.filter(category=category).order_by("pk").first()
        if model is None:
            continue
        ticket = open_ticket(
            customer=site.customer,
            site=site,
            kind=Ticket.Kind.INSTALLATION,
            appliance_model=model,
            description=what,
        )
        visit = _place(
            create_visit(ticket=ticket, by=None, duration_minutes=minutes), technicians, tomorrow
        )
        made += 1
        if visit is None or crew < 2:
            continue
        for helper in technicians:
            if helper.pk == visit.technician_id:
                continue
            try:
                add_helper(visit=visit, technician=helper, by=None)
                break
            except DomainError:
                continue
    return made
