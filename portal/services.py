"""The customer's writes: sign-up and confirming its email address, booking a visit in a free
window, rescheduling, cancelling."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

from catalog.selectors import match_codes
from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from customers.selectors import logins_deactivated
from customers.services import add_site, email_in_use, ensure_placed
from dispatch import availability
from dispatch.selectors import company_tz
from dispatch.services import assign_visit
from fieldservice import localformat, roles
from fieldservice.accounts import email_taken
from fieldservice.errors import (
    DomainError,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
    WindowTaken,
)
from fieldservice.links import read_signed_id
from technicians.models import Skill, Technician
from tickets import reports
from tickets import services as ticket_services
from tickets.models import Ticket, Visit

from . import events
from .models import SignUp
from .selectors import awaiting_confirmation

TOKEN_SALT = "portal.booking"  # noqa: S105 - a signing namespace, not a secret
REPORT_SALT = "portal.report"
CONFIRM_SALT = "portal.confirm-email"
CONFIRM_LINK_DAYS = 7
# A new confirmation email at most this often, so the button cannot flood a mailbox.
RESEND_AFTER = datetime.timedelta(minutes=1)
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
    phone: str,
    latitude: float | None = None,
    longitude: float | None = None,
    postal_code: str = "",
    country: str = "",
    language: str = "",
) -> Customer:
    """A new customer with a portal login, their phone number (E.164) and their first address
    (where its pin was put, or geocoded; see customers.services.add_site),
    and an email in their language with the link that confirms the address: until they follow
    it they cannot book."""
    email = email.strip().lower()
    longest = User._meta.get_field("username").max_length
    if longest is not None and len(email) > longest:
        # The email becomes the login name, and that column holds no more.
        raise InvalidInput(
            _("The email address is too long: at most %(n)d characters.") % {"n": longest},
            field="email",
        )
    # One account per address, whoever has it: the message names the field, not the account.
    taken = InvalidInput(
        _("An account with this email exists already: log in instead."), field="email"
    )
    if email_taken(email):
        raise taken
    # A customer taken on the phone with this address has a record but no login yet.
    on_record = InvalidInput(
        _(
            "This email address is on a customer's record already: call us for a login, or "
            "sign up with another address."
        ),
        field="email",
    )
    if email_in_use(email):
        raise on_record
    number = _phone_number(phone, region=country)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email,
                email=email,
                password=password,
                first_name=name.split(maxsplit=1)[0] if name.split() else "",
            )
    except IntegrityError as exc:  # the same address signed up a moment ago, side by side
        raise taken from exc
    user.groups.add(Group.objects.get_or_create(name="customer")[0])
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                name=name.strip(), email=email, phone=number, language=language
            )
            Contact.objects.create(user=user, customer=customer, role=Contact.Role.ADMINISTRATOR)
    except IntegrityError as exc:  # a customer with the address was recorded a moment ago
        raise on_record from exc
    add_site(
        customer=customer,
        address=address,
        postal_code=postal_code,
        city=city,
        country=country,
        latitude=latitude,
        longitude=longitude,
    )
    pending = SignUp.objects.create(customer=customer, link_sent_at=timezone.now())
    events.confirmation_requested.send(sender=SignUp, sign_up=pending)
    return customer


def _phone_number(text: str, *, region: str = "") -> PhoneNumber:
    """The number a customer typed, in E.164: with its country code, or of the address's
    country without one (Italy, the country a new address gets, when none is given)."""
    if not text.strip():
        raise InvalidInput(_("Give a phone number, so the technician can call you."), field="phone")
    region = region.strip().upper() or str(Site._meta.get_field("country").get_default())
    number = to_python(text.strip(), region=region)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise InvalidInput(
            _(
                "That phone number is not valid: type it with its country code, like "
                "+39 312 345 6789."
            ),
            field="phone",
        )
    return number


def confirmation_token(sign_up: SignUp) -> str:
    """The signed link, emailed at sign-up, that proves the customer reads that mailbox."""
    return signing.dumps({"sign_up": sign_up.pk}, salt=CONFIRM_SALT)


def confirm_email(*, token: str) -> SignUp:
    """Mark the sign-up the link names as confirmed (again is fine: nothing changes)."""
    try:
        pk = read_signed_id(token, salt=CONFIRM_SALT, key="sign_up", max_age_days=CONFIRM_LINK_DAYS)
    except signing.SignatureExpired as exc:
        raise InvalidInput(_("This link has expired. Log in and ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(_("This link is not valid.")) from exc
    pending = SignUp.objects.select_related("customer").filter(pk=pk).first()
    if pending is None or logins_deactivated(pending.customer):
        raise InvalidInput(_("This link is not valid."))
    SignUp.objects.filter(pk=pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    pending.refresh_from_db()
    return pending


@transaction.atomic
def resend_confirmation(*, customer: Customer) -> SignUp:
    """Email the confirmation link again, at most once a minute."""
    pending = SignUp.objects.select_for_update().filter(customer=customer).first()
    if pending is None or pending.confirmed_at is not None:
        raise InvalidInput(_("Your email address is confirmed already."))
    now = timezone.now()
    if now - pending.link_sent_at < RESEND_AFTER:
        raise InvalidInput(
            _("We sent the email a moment ago: wait a minute before asking again."),
        )
    pending.link_sent_at = now
    pending.save(update_fields=["link_sent_at"])
    events.confirmation_requested.send(sender=SignUp, sign_up=pending)
    return pending


def _category(appliance: Appliance | None, model: ApplianceModel | None) -> str:
    category = appliance.category if appliance is not None else getattr(model, "category", "")
    if not category:
        raise InvalidInput(_("Choose the appliance or the model to install."), field="appliance")
    return category


def job_skills(
    *, appliance: Appliance | None, model: ApplianceModel | None, codes: list[str]
) -> list[Skill]:
    """The skills a job needs: the category's (as described, for an appliance the desk has
    not matched yet), and those of the matched error codes."""
    category = _category(appliance, model)
    model = appliance.model if appliance is not None else model
    skills = {s.pk: s for s in Skill.objects.filter(appliance_category=category)}
    for code in match_codes(codes, model).matched:
        skills.update({s.pk: s for s in code.skills.all()})
    return list(skills.values())


def job_minutes(
    *, kind: str, appliance: Appliance | None = None, model: ApplianceModel | None = None
) -> int:
    return ticket_services.visit_minutes(kind=kind, category=_category(appliance, model))


def ensure_offered(window_start: datetime.datetime | None) -> None:
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
    of the same booking form (same `client_key`) gets the first one's ticket and visit. A
    customer who signed up books once their email address is confirmed (a dispatcher may
    book for them before)."""
    if site.customer_id != customer.pk:
        raise InvalidInput(_("Choose one of your own addresses."), field="site")
    if awaiting_confirmation(customer) and not roles.has_role(by, roles.DISPATCHER):
        raise NotAllowed(_("Confirm your email address first: follow the link we emailed you."))
    earlier = ticket_services.ticket_sent_before(customer=customer, client_key=client_key)
    if earlier is not None:
        return earlier, earlier.visits.earliest("pk")
    ensure_placed(site)
    _category(appliance, appliance_model)  # the job's kind of appliance, before the window
    ensure_offered(window_start)
    skills = job_skills(appliance=appliance, model=appliance_model, codes=codes or [])
    minutes = job_minutes(kind=kind, appliance=appliance, model=appliance_model)
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
            "ticket__site",
            "ticket__appliance__model",
            "ticket__appliance_model",
            "ticket__customer",
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise InvalidInput(_("This booking no longer exists."))
    if logins_deactivated(visit.ticket.customer):
        raise InvalidInput(_("This link is not valid."))
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
        .select_related("ticket__customer")
        .filter(status__in=[Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE])
        .first()
    )
    if visit is None:
        raise InvalidInput(_("This visit has no service report."))
    if logins_deactivated(visit.ticket.customer):
        raise InvalidInput(_("This link is not valid."))
    return visit


def change_refusal(visit: Visit) -> str | None:
    """Why the customer cannot move or cancel this visit online any more (its status, or the
    change cut-off, with the company's number to call), or None when they can."""
    if visit.status not in (Visit.Status.SCHEDULED, Visit.Status.UNASSIGNED):
        return str(_("This visit can no longer be changed."))
    hours = settings.FIELDSERVICE.get("CHANGE_CUTOFF_HOURS", 24)
    if visit.window_start and visit.window_start - timezone.now() < datetime.timedelta(hours=hours):
        phone = settings.FIELDSERVICE.get("COMPANY_PHONE", "")
        if phone:
            return str(
                _(
                    "Changes are possible up to %(h)d hours before the visit. "
                    "Please call us on %(phone)s."
                )
                % {"h": hours, "phone": localformat.phone(phone)}
            )
        return str(
            _("Changes are possible up to %(h)d hours before the visit. Please call us.")
            % {"h": hours}
        )
    return None


def _check_cutoff(visit: Visit) -> None:
    if (refusal := change_refusal(visit)) is not None:
        raise TransitionNotAllowed(refusal)


@transaction.atomic
def reschedule_booking(
    *, visit: Visit, window_start: datetime.datetime | None, by: User | None = None
) -> Visit:
    """Move a booked visit to another free window, with a technician who can keep it."""
    _check_cutoff(visit)
    ensure_offered(window_start)
    assert window_start is not None  # refused just above
    ticket = visit.ticket
    ensure_placed(ticket.site)
    skills = list(ticket.required_skills.all()) or job_skills(
        appliance=ticket.appliance, model=ticket.appliance_model, codes=ticket.reported_codes
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
