"""Reads for the customer's pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.rates import LabourRates, labour_rates
from customers.models import Appliance, ApplianceModel, Customer, Site
from dispatch.positions import fresh_position
from dispatch.selectors import estimated_arrival
from fieldservice import localformat
from tickets.coverage import CoverageDecision
from tickets.models import Ticket, Visit
from tickets.selectors import assess_ticket

from .models import SignUp

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet


def tickets_of(customer: Customer, *, requested_by: User | None = None) -> QuerySet[Ticket]:
    """The organization's tickets, newest first; with `requested_by`, only that contact's."""
    tickets = Ticket.objects.filter(customer=customer)
    if requested_by is not None:
        tickets = tickets.filter(requested_by=requested_by)
    return (
        tickets.select_related("site", "appliance__model", "appliance_model", "requested_by")
        .prefetch_related("visits")
        .order_by("-created_at")
    )


def eta(visit: Visit) -> datetime.datetime | None:
    """When the technician on the way to this visit should arrive; None unless en route, and
    None when that would be before the day of the promised window (or of the planned start):
    a technician who set off the evening before is not "on the way, expected at 22:24"."""
    if visit.status != Visit.Status.EN_ROUTE:
        return None
    arrival = estimated_arrival(visit)
    promised = visit.window_start or visit.planned_start
    if arrival is None or promised is None:
        return arrival
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    if arrival.astimezone(tz).date() < promised.astimezone(tz).date():
        return None
    return arrival


# The technician's position as the customer sees it: rounded to a grid of about 100 m (0.001°
# of latitude is 111 m), enough to watch them come, not to follow them street by street.
POSITION_DECIMALS = 3


def tracking(ticket: Ticket) -> dict:
    """What the customer's tracking map shows for `ticket`, as JSON-ready values: while one of
    its visits is en route, its site, the technician's approximate position (when their phone
    sent a fresh one on the way to this very visit) and the arrival time on the site's clock.
    Nothing about the technician's other visits, and nothing at all when no visit is en route."""
    visit = (
        ticket.visits.filter(status=Visit.Status.EN_ROUTE)
        .select_related("ticket__site", "technician")
        .order_by("pk")
        .first()
    )
    if visit is None:
        return {"en_route": False}
    site = visit.ticket.site
    arrival = eta(visit)
    position = fresh_position(visit)
    return {
        "en_route": True,
        "visit": visit.pk,
        "site": [site.latitude, site.longitude] if site.is_placed else None,
        "position": (
            [
                round(position.latitude, POSITION_DECIMALS),
                round(position.longitude, POSITION_DECIMALS),
            ]
            if position is not None
            else None
        ),
        "eta": localformat.moment(arrival, "time", tz=str(site.timezone)) if arrival else "",
        "eta_text": (
            _("On the way, expected at %(t)s")
            % {"t": localformat.moment(arrival, "time", tz=str(site.timezone))}
            if arrival
            else ""
        ),
    }


def awaiting_confirmation(customer: Customer) -> bool:
    """True while a customer who signed up has not yet confirmed their email address."""
    return SignUp.objects.filter(customer=customer, confirmed_at__isnull=True).exists()


def final_before() -> datetime.datetime:
    """Windows that start before this moment are inside the change cut-off: booked, they can
    no longer be moved or cancelled online."""
    hours = settings.FIELDSERVICE.get("CHANGE_CUTOFF_HOURS", 24)
    return timezone.now() + datetime.timedelta(hours=hours)


@dataclass(frozen=True)
class BookingReview:
    """What booking this window will do, shown before the customer confirms it."""

    kind: str
    site: Site
    appliance: Appliance | None
    model: ApplianceModel | None
    description: str
    window_start: datetime.datetime
    window_end: datetime.datetime
    # Inside the change cut-off: once booked it can no longer be moved or cancelled online.
    final: bool
    cutoff_hours: int
    coverage: CoverageDecision
    # Only for billable work.
    rates: LabourRates | None
    unknown_codes: list[str]

    @property
    def kind_label(self) -> str:
        return str(Ticket.Kind(self.kind).label)

    @property
    def coverage_label(self) -> str:
        return str(Ticket.Coverage(self.coverage.coverage).label)

    @property
    def billable(self) -> bool:
        return self.coverage.coverage == Ticket.Coverage.BILLABLE


def booking_review(
    *,
    customer: Customer,
    kind: str,
    site: Site,
    appliance: Appliance | None,
    model: ApplianceModel | None,
    codes: list[str],
    description: str,
    window_start: datetime.datetime,
) -> BookingReview:
    """The coverage as the ticket will be opened with it (the same assessment open_ticket
    makes), the prices that apply to billable work, and whether the window is final."""
    now = timezone.now()
    assessment = assess_ticket(
        customer=customer,
        appliance=appliance,
        appliance_model=model,
        codes=codes,
        priority=Ticket.Priority.P3,
        at=now,
    )
    config = settings.FIELDSERVICE
    cutoff_hours = config.get("CHANGE_CUTOFF_HOURS", 24)
    billable = assessment.coverage.coverage == Ticket.Coverage.BILLABLE
    return BookingReview(
        kind=kind,
        site=site,
        appliance=appliance,
        model=model,
        description=description,
        window_start=window_start,
        window_end=window_start + datetime.timedelta(minutes=config["ARRIVAL_WINDOW_MINUTES"]),
        final=window_start < final_before(),
        cutoff_hours=cutoff_hours,
        coverage=assessment.coverage,
        rates=labour_rates() if billable else None,
        unknown_codes=assessment.codes.unknown,
    )
