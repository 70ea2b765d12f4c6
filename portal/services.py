"""The customer's writes: sign-up, booking a visit in a free window, rescheduling, cancelling."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import match_codes
from customers.models import Appliance, ApplianceModel, Customer, Site
from customers.services import add_site
from dispatch import availability
from dispatch.selectors import company_tz
from dispatch.services import assign_visit
from fieldservice.errors import DomainError, InvalidInput, TransitionNotAllowed, WindowTaken
from fieldservice.links import read_signed_id
from technicians.models import Skill, Technician
from tickets import reports
from tickets import services as ticket_services
from tickets.models import Ticket, Visit

from . import events

TOKEN_SALT = "portal.booking"  # noqa: S105 - a signing namespace, not a secret
REPORT_SALT = "portal.report"
# The furthest ahead a window can be booked: the longest search the availability API offers.
BOOKING_HORIZON_DAYS = 28


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    name: str,
    address: str,
    city: str,
    latitude: float,
    longitude: float,
    phone: str = "",
) -> Customer:
    """A new customer with a portal login and their first address."""
    email = email.strip().lower()
    longest = User._meta.get_field("username").max_length
    if longest is not None and len(email) > longest:
        # The email becomes the login name, and that column holds no more.
        raise InvalidInput(
            _("The email address is too long: at most %(n)d characters.") % {"n": longest},
            field="email",
        )
    if User.objects.filter(username__iexact=email).exists():
        raise InvalidInput(
            _("An account with this email exists already: log in instead."), field="email"
        )
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=name.split(maxsplit=1)[0] if name.split() else "",
    )
    user.groups.add(Group.objects.get_or_create(name="customer")[0])
    customer = Customer.objects.create(name=name.strip(), email=email, phone=phone, user=user)
    add_site(customer=customer, address=address, city=city, latitude=latitude, longitude=longitude)
    return customer


def job_skills(
    *, appliance: Appliance | None, model: ApplianceModel | None, codes: list[str]
) -> list[Skill]:
    """The skills a job needs: the category's, and those of the matched error codes."""
    model = appliance.model if appliance is not None else model
    if model is None:
        raise InvalidInput(_("Choose the appliance or the model to install."), field="appliance")
    skills = {s.pk: s for s in Skill.objects.filter(appliance_category=model.category)}
    for code in match_codes(codes, model).matched:
        skills.update({s.pk: s for s in code.skills.all()})
    return list(skills.values())


def job_minutes(*, kind: str, model: ApplianceModel) -> int:
    return ticket_services.visit_minutes(kind=kind, category=model.category)


def _ensure_offered(window_start: datetime.datetime | None) -> None:
    """Refuse a window start the free-window search could not have offered: none at all, or a
    day outside its horizon. Checked before anything converts the time to a local day, which
    overflows for dates near the end of the calendar."""
    if window_start is None:
        raise InvalidInput(_("Choose one of the windows shown."), field="window")
    tz = company_tz()
    today = timezone.now().astimezone(tz).date()
    first = datetime.datetime.combine(today, datetime.time(0), tzinfo=tz)
    end = first + datetime.timedelta(days=BOOKING_HORIZON_DAYS)
    if window_start.tzinfo is None or not first <= window_start < end:
        raise InvalidInput(
            _("That window is not offered: choose one of the windows shown."), field="window"
        )


def _assign_first_able(
    visit: Visit, offers: list[tuple[datetime.datetime, int]], by: User | None
) -> Visit:
    for arrival, technician_id in offers:
        try:
            return assign_visit(
                visit=visit,
                technician=Technician.objects.get(pk=technician_id),
                start=arrival,
                by=by,
            )
        except DomainError:
            continue  # somebody else took that technician's time a moment ago: try the next
    raise WindowTaken(_("That window was just taken. Please choose another one."))


@transaction.atomic
def book_visit(
    *,
    customer: Customer,
    site: Site,
    kind: str,
    window_start: datetime.datetime,
    appliance: Appliance | None = None,
    appliance_model: ApplianceModel | None = None,
    codes: list[str] | None = None,
    description: str = "",
    by: User | None = None,
    client_key: str = "",
) -> tuple[Ticket, Visit]:
    """Open the ticket, create its visit in the chosen window and give it to a technician who
    can keep it, all or nothing. Raises WindowTaken when nobody can any more. A second copy
    of the same booking form (same `client_key`) gets the first one's ticket and visit."""
    if site.customer_id != customer.pk:
        raise InvalidInput(_("Choose one of your own addresses."), field="site")
    earlier = ticket_services.ticket_sent_before(customer=customer, client_key=client_key)
    if earlier is not None:
        return earlier, earlier.visits.earliest("pk")
    model = appliance.model if appliance is not None else appliance_model
    if model is None:
        raise InvalidInput(_("Choose the appliance or the model to install."), field="appliance")
    _ensure_offered(window_start)
    skills = job_skills(appliance=appliance, model=model, codes=codes or [])
    minutes = job_minutes(kind=kind, model=model)
    offers = availability.offers_for(skills=skills, minutes=minutes, site=site, start=window_start)
    if not offers:
        raise WindowTaken(_("That window is no longer free. Please choose another one."))
    window_end = window_start + datetime.timedelta(
        minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
    )
    ticket = ticket_services.open_ticket(
        customer=customer,
        site=site,
        kind=kind,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes or [],
        description=description,
        channel=Ticket.Channel.PORTAL,
        priority=Ticket.Priority.P3,
        by=by,
        client_key=client_key,
    )
    visit = ticket_services.create_visit(
        ticket=ticket,
        by=by,
        window_start=window_start,
        window_end=window_end,
        duration_minutes=minutes,
    )
    visit = _assign_first_able(visit, offers, by)
    # The visit's services changed the ticket's row (triaged, then scheduled) through their
    # own locked copies: answer with the ticket as the booking left it.
    ticket.refresh_from_db()
    events.booking_confirmed.send(sender=Visit, ticket=ticket, visit=visit)
    return ticket, visit


def booking_token(visit: Visit) -> str:
    """A signed link that lets the customer move or cancel this one visit without logging in."""
    return signing.dumps({"visit": visit.pk}, salt=TOKEN_SALT, compress=True)


def _visit_id_from_link(token: str, *, salt: str, days: int, expired: str) -> int:
    """The visit id a signed link names, or a message a person can read."""
    try:
        return read_signed_id(token, salt=salt, key="visit", max_age_days=days)
    except signing.SignatureExpired as exc:
        raise InvalidInput(expired) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(_("This link is not valid.")) from exc


def visit_from_token(token: str) -> Visit:
    visit_id = _visit_id_from_link(
        token,
        salt=TOKEN_SALT,
        days=settings.FIELDSERVICE.get("BOOKING_LINK_DAYS", 30),
        expired=_("This link has expired. Log in to manage your booking."),
    )
    visit = (
        Visit.objects.select_related(
            "ticket__site", "ticket__appliance__model", "ticket__appliance_model"
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise InvalidInput(_("This booking no longer exists."))
    return visit


def report_token(visit: Visit) -> str:
    """A signed link to the visit's service report, for a customer with or without a login."""
    return signing.dumps({"visit": visit.pk}, salt=REPORT_SALT, compress=True)


def report_from_token(token: str) -> Visit:
    """The finished visit a report link names; a clear error for a bad or expired link."""
    visit_id = _visit_id_from_link(
        token,
        salt=REPORT_SALT,
        days=settings.FIELDSERVICE.get("REPORT_LINK_DAYS", 365),
        expired=_("This link has expired. Log in to see your service reports."),
    )
    visit = (
        reports.with_report_data(Visit.objects.filter(pk=visit_id))
        .filter(status__in=[Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE])
        .first()
    )
    if visit is None:
        raise InvalidInput(_("This visit has no service report."))
    return visit


def _check_cutoff(visit: Visit) -> None:
    if visit.status not in (Visit.Status.SCHEDULED, Visit.Status.UNASSIGNED):
        raise TransitionNotAllowed(_("This visit can no longer be changed."))
    hours = settings.FIELDSERVICE.get("CHANGE_CUTOFF_HOURS", 24)
    if visit.window_start and visit.window_start - timezone.now() < datetime.timedelta(hours=hours):
        raise TransitionNotAllowed(
            _("Changes are possible up to %(h)d hours before the visit. Please call us.")
            % {"h": hours}
        )


@transaction.atomic
def reschedule_booking(
    *, visit: Visit, window_start: datetime.datetime | None, by: User | None = None
) -> Visit:
    """Move a booked visit to another free window, with a technician who can keep it."""
    _check_cutoff(visit)
    _ensure_offered(window_start)
    assert window_start is not None  # refused just above
    ticket = visit.ticket
    model = ticket.appliance.model if ticket.appliance is not None else ticket.appliance_model
    skills = list(ticket.required_skills.all()) or job_skills(
        appliance=ticket.appliance, model=model, codes=ticket.reported_codes
    )
    offers = availability.offers_for(
        skills=skills, minutes=visit.duration_minutes, site=ticket.site, start=window_start
    )
    if not offers:
        raise WindowTaken(_("That window is no longer free. Please choose another one."))
    Visit.objects.filter(pk=visit.pk).update(
        window_start=window_start,
        window_end=window_start
        + datetime.timedelta(minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]),
    )
    visit.refresh_from_db()
    return _assign_first_able(visit, offers, by)


@transaction.atomic
def cancel_booking(*, visit: Visit, by: User | None = None) -> Visit:
    _check_cutoff(visit)
    ticket_services.transition_ticket(
        ticket=visit.ticket,
        to=Ticket.Status.CANCELLED,
        by=by,
        reason=_("Cancelled by the customer"),
    )
    visit.refresh_from_db()
    return visit
