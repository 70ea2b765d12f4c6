"""Writes on customers' records: the customer, sites and appliances."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fieldservice import accounts, roles, texts
from fieldservice.errors import InvalidInput, LikelyDuplicate, NotOnTheMap

from . import events, geocoding
from .models import Appliance, ApplianceModel, Contact, Customer, Site
from .phones import e164
from .selectors import likely_duplicates

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from phonenumber_field.phonenumber import PhoneNumber

UserModel = get_user_model()

# The earliest purchase date taken: anything before it is a slip (a date picker's 0001-01-01),
# not an appliance still in service, and it would make a warranty end that means nothing.
EARLIEST_PURCHASE = datetime.date(1980, 1, 1)


def warranty_end(*, model: ApplianceModel, purchased_on: datetime.date) -> datetime.date:
    """Purchase date plus the model's warranty length in months (end of month clamps)."""
    month = purchased_on.month - 1 + model.warranty_months
    year, month = purchased_on.year + month // 12, month % 12 + 1
    for day in (purchased_on.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day, 31))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def register_appliance(
    *,
    site: Site,
    model: ApplianceModel | None,
    serial_number: str,
    purchased_on: datetime.date | None = None,
    warranty_until: datetime.date | None = None,
    described_manufacturer: str = "",
    described_model: str = "",
    described_category: str = "",
    by: User | None = None,
) -> Appliance:
    """Add an appliance at a site; the warranty follows from the model unless given. Only the
    service desk (or code acting for it, `by` None) gives a warranty end: a customer's would
    decide for themselves that repairs are free. Without a catalogue `model`, the brand, the
    model as printed and the category describe it, and it waits for the desk to match it (no
    warranty until then: the model's length is not known)."""
    description = _describe(
        model=model,
        manufacturer=described_manufacturer,
        model_number=described_model,
        category=described_category,
    )
    if warranty_until is not None and by is not None and not roles.has_role(by, roles.DISPATCHER):
        raise InvalidInput(
            _("Only the service desk sets a warranty end: give the purchase date instead."),
            field="warranty_until",
        )
    serial = serial_number.strip()
    if not serial:
        raise InvalidInput(
            _("Give the serial number from the rating plate."), field="serial_number"
        )
    if purchased_on and purchased_on > datetime.date.today():  # noqa: DTZ011 - a calendar date
        raise InvalidInput(_("The purchase date is in the future."), field="purchased_on")
    if purchased_on and purchased_on < EARLIEST_PURCHASE:
        raise InvalidInput(
            _("The purchase date cannot be before %(date)s.")
            % {"date": EARLIEST_PURCHASE.isoformat()},
            field="purchased_on",
        )
    if warranty_until is None and purchased_on is not None and model is not None:
        warranty_until = warranty_end(model=model, purchased_on=purchased_on)
    try:
        with transaction.atomic():
            return Appliance.objects.create(
                site=site,
                model=model,
                serial_number=serial,
                installed_on=purchased_on,
                warranty_until=warranty_until,
                **description,
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("A %(model)s with serial number %(serial)s is already registered.")
            % {"model": model, "serial": serial},
            field="serial_number",
        ) from exc


def _describe(
    *, model: ApplianceModel | None, manufacturer: str, model_number: str, category: str
) -> dict[str, Any]:
    """The described_* fields of a new appliance: none with a catalogue model, all three
    without one, each refused by name when missing or too long."""
    if model is not None:
        return {}
    given = {
        "described_manufacturer": (
            manufacturer.strip(),
            _("Give the brand, as on the appliance."),
        ),
        "described_model": (
            model_number.strip(),
            _("Type the model as printed on the rating plate."),
        ),
        "described_category": (category.strip(), _("Choose what kind of appliance it is.")),
    }
    if not any(value for value, _missing in given.values()):
        raise InvalidInput(
            _("Choose the model, or describe it if it is not in the list."), field="model"
        )
    for field, (value, missing) in given.items():
        if not value:
            raise InvalidInput(missing, field=field)
        limit = getattr(Appliance._meta.get_field(field), "max_length", None) or 0
        texts.ensure_length(value, limit=limit, field=field)
    if given["described_category"][0] not in ApplianceModel.Category.values:
        raise InvalidInput(_("Choose what kind of appliance it is."), field="described_category")
    return {field: value for field, (value, _missing) in given.items()} | {"needs_matching": True}


def ensure_placed(site: Site) -> None:
    """Refuse to book, assign or plan a visit at a site that is not on the map yet: its
    travel times would be made up."""
    if not site.is_placed:
        raise NotOnTheMap(
            _("This address is not on the map yet: place it on the map first."), field="site"
        )


def _checked_point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise InvalidInput(
            _("Give both the latitude and the longitude, or place the pin on the map."),
            field="latitude" if latitude is None else "longitude",
        )
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("The coordinates are not on Earth."), field="latitude")
    return float(latitude), float(longitude)


def add_site(
    *,
    customer: Customer,
    address: str,
    city: str,
    latitude: float | None = None,
    longitude: float | None = None,
    postal_code: str = "",
    country: str = "",
    access_notes: str = "",
) -> Site:
    """Add an address where the customer wants service. Coordinates given (a pin a person
    placed) are taken as they are; without them the address is geocoded, and one that cannot
    be found is saved "not on the map yet", for someone to place before it is booked."""
    if not address.strip() or not city.strip():
        raise InvalidInput(_("Give the street address and the city."), field="address")
    point = _checked_point(latitude, longitude)
    country = (country.strip() or str(Site._meta.get_field("country").get_default())).upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(_("Choose the country."), field="country")
    texts.ensure_length(access_notes, limit=texts.ACCESS_NOTES, field="access_notes")
    for field, value in (("address", address), ("city", city), ("postal_code", postal_code)):
        limit = getattr(Site._meta.get_field(field), "max_length", None) or 0
        texts.ensure_length(value.strip(), limit=limit, field=field)
    placement = Site.Placement.PINNED
    if point is None:
        place = geocoding.geocode(
            address=address, city=city, postal_code=postal_code, country=country
        )
        if place is None:
            placement = Site.Placement.UNPLACED
        else:
            point = (place.latitude, place.longitude)
            placement = (
                Site.Placement.GEOCODED_STREET
                if place.precision == "street"
                else Site.Placement.GEOCODED_CITY
            )
    return Site.objects.create(
        customer=customer,
        address=address.strip(),
        city=city.strip(),
        postal_code=postal_code.strip(),
        country=country,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        placement=placement,
        access_notes=access_notes,
    )


@dataclass(frozen=True)
class Caller:
    """What taking a new caller made: the customer, their site, and the appliance if one was
    given."""

    customer: Customer
    site: Site
    appliance: Appliance | None


def create_caller(
    *,
    name: str,
    address: str,
    city: str,
    latitude: float | None = None,
    longitude: float | None = None,
    email: str = "",
    phone: PhoneNumber | str | None = None,
    kind: str = "person",
    language: str = "en",
    postal_code: str = "",
    country: str = "",
    access_notes: str = "",
    model: ApplianceModel | None = None,
    serial_number: str = "",
    purchased_on: datetime.date | None = None,
    create_anyway: bool = False,
) -> Caller:
    """A caller the desk does not know yet: the customer, the site where they want service and,
    when a model or serial number is given, the appliance there, all or nothing. A likely
    duplicate (see customers.selectors.likely_duplicates) is refused with LikelyDuplicate
    carrying the matches, unless `create_anyway` says the agent saw them and this is someone
    else."""
    if isinstance(phone, str) and phone.strip():
        phone = e164(phone)
        if not phone:
            raise InvalidInput(_("That phone number is not valid."), field="phone")
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose one of the languages offered."), field="language")
    if not create_anyway:
        matches = likely_duplicates(
            name=name,
            phone=str(phone or ""),
            email=email,
            address=address,
            city=city,
            postal_code=postal_code,
        )
        if matches:
            raise LikelyDuplicate(
                _("This caller may be a customer already: use one of them, or create anyway."),
                matches=list(matches),
            )
    country = country.strip().upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise InvalidInput(
            _("Give the country as its two-letter code (IT, ES, BG)."), field="country"
        )
    with transaction.atomic():
        customer = create_customer(
            name=name, email=email, phone=phone, kind=kind, language=language
        )
        site = add_site(
            customer=customer,
            address=address,
            city=city,
            latitude=latitude,
            longitude=longitude,
            postal_code=postal_code,
            country=country,
            access_notes=access_notes,
        )
        appliance = None
        if model is not None or serial_number.strip():
            if model is None:
                raise InvalidInput(_("Choose the appliance's model."), field="model")
            appliance = register_appliance(
                site=site, model=model, serial_number=serial_number, purchased_on=purchased_on
            )
    return Caller(customer=customer, site=site, appliance=appliance)


@transaction.atomic
def place_site(*, site: Site, latitude: float, longitude: float, by: User | None) -> Site:
    """Put the site's pin where a person dragged it (`by`, or None for code acting for one):
    from then on its coordinates are theirs, and it can be booked and planned."""
    point = _checked_point(latitude, longitude)
    if point is None:
        raise InvalidInput(_("Place the pin on the map."), field="latitude")
    site = Site.objects.select_for_update().get(pk=site.pk)
    site.latitude, site.longitude = point
    site.placement = Site.Placement.PINNED
    site.save(update_fields=["latitude", "longitude", "placement"])
    return site


def email_taken_error() -> InvalidInput:
    return InvalidInput(_("Another customer has this email address already."), field="email")


def email_in_use(email: str, *, besides: Customer | None = None) -> bool:
    """True when another customer has this email address, in any case (the database holds the
    same rule, a unique index on the lower-cased address)."""
    if not email.strip():
        return False
    others = Customer.objects.filter(email__iexact=email.strip())
    if besides is not None and besides.pk is not None:
        others = others.exclude(pk=besides.pk)
    return others.exists()


def _save_contact(customer: Customer) -> None:
    """Save the customer; a second customer with the address, saved a moment ago, is refused
    like one that was there before."""
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        if email_in_use(customer.email, besides=customer):
            raise email_taken_error() from exc
        raise


def _clean_contact(*, name: str, email: str, phone: PhoneNumber | str | None) -> tuple[str, str]:
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the customer's name."), field="name")
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("That email address is not valid."), field="email") from exc
    if phone and not getattr(phone, "is_valid", lambda: True)():
        raise InvalidInput(_("That phone number is not valid."), field="phone")
    return name, email


def create_customer(
    *,
    name: str,
    email: str = "",
    phone: PhoneNumber | str | None = None,
    kind: str = "person",
    language: str = "en",
) -> Customer:
    """A new customer taken on the phone or from an integration, without a portal login."""
    name, email = _clean_contact(name=name, email=email, phone=phone)
    if kind not in Customer.Kind.values:
        raise InvalidInput(_("Unknown kind of customer: %(k)s.") % {"k": kind}, field="kind")
    if email_in_use(email):
        raise email_taken_error()
    customer = Customer(name=name, email=email, phone=phone or "", kind=kind, language=language)
    _save_contact(customer)
    return customer


def update_customer(*, customer: Customer, **changes: Any) -> Customer:
    """Change a customer's name, contact details or language."""
    allowed = {"name", "email", "phone", "language", "kind"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    merged = {
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        **changes,
    }
    name, email = _clean_contact(name=merged["name"], email=merged["email"], phone=merged["phone"])
    if "kind" in changes and changes["kind"] not in Customer.Kind.values:
        raise InvalidInput(_("Unknown kind of customer."), field="kind")
    if email_in_use(email, besides=customer):
        raise email_taken_error()
    customer.name, customer.email = name, email
    for field in ("phone", "language", "kind"):
        if field in changes:
            setattr(customer, field, changes[field] or "")
    _save_contact(customer)
    return customer


def follow_chosen_language(sender: object, *, user: User, language: str, **kwargs: object) -> None:
    """A customer who chooses a language on a page gets their messages in it too: their
    customer record (which phone callers without a login also have) follows the choice: a
    household's, not a company's, which is written in the company's language whoever reads."""
    if language:
        Customer.objects.filter(contacts__user=user, kind=Customer.Kind.PERSON).update(
            language=language
        )


# ---------------------------------------------------------------------------------------------
# An organization's contacts, kept by its administrators in the portal.


def _locked_contacts(customer: Customer) -> QuerySet[Contact]:
    """The organization's contacts, locked: two administrators changing roles side by side are
    taken one after the other, so the last administrator cannot vanish between the check and
    the write."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    return Contact.objects.filter(customer=customer)


@transaction.atomic
def add_contact(
    *, customer: Customer, email: str, role: str, by: User | None = None, phone: str = ""
) -> Contact:
    """Make the person with this email address a contact of the organization in `role`, with
    their own `phone` line if given. A person with no login yet gets one without a password;
    the invitation emailed to every new contact (a `contact_added` event) carries the link
    that sets it."""
    if role not in Contact.Role.values:
        raise InvalidInput(_("Choose a role: requester, approver or administrator."), field="role")
    number = e164(phone) if phone.strip() else ""
    if phone.strip() and not number:
        raise InvalidInput(_("That phone number is not valid."), field="phone")
    email = " ".join(email.split())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("Enter a valid email address."), field="email") from exc
    contacts = _locked_contacts(customer)
    user = UserModel.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = UserModel.objects.create_user(username=email.lower(), email=email)
    elif roles.has_role(user, roles.DISPATCHER) or roles.has_role(user, roles.TECHNICIAN):
        raise InvalidInput(
            _("This address belongs to one of our staff: use the contact's own address."),
            field="email",
        )
    if contacts.filter(user=user).exists():
        raise InvalidInput(
            _("%(email)s is a contact of this organization already.") % {"email": email},
            field="email",
        )
    user.groups.add(Group.objects.get_or_create(name=roles.CUSTOMER)[0])
    contact = Contact.objects.create(user=user, customer=customer, role=role, phone=number)
    path = "" if user.has_usable_password() else accounts.password_reset_path(user)
    events.contact_added.send(sender=Contact, contact=contact, by=by, set_password_path=path)
    return contact


def _keeps_an_administrator(contacts: QuerySet[Contact], contact: Contact) -> None:
    others = contacts.filter(role=Contact.Role.ADMINISTRATOR).exclude(pk=contact.pk)
    if contact.role == Contact.Role.ADMINISTRATOR and not others.exists():
        raise InvalidInput(
            _("The organization needs an administrator: make another contact administrator first."),
            field="role",
        )


@transaction.atomic
def change_contact_role(*, contact: Contact, role: str, by: User | None = None) -> Contact:
    """Give the contact another role; the last administrator keeps theirs."""
    if role not in Contact.Role.values:
        raise InvalidInput(_("Choose a role: requester, approver or administrator."), field="role")
    contacts = _locked_contacts(contact.customer)
    contact = contacts.get(pk=contact.pk)
    if role != Contact.Role.ADMINISTRATOR:
        _keeps_an_administrator(contacts, contact)
    contact.role = role
    contact.save(update_fields=["role"])
    return contact


@transaction.atomic
def remove_contact(*, contact: Contact, by: User | None = None) -> None:
    """The person is no longer a contact of the organization: from their next request on, no
    page, link or API token of theirs reaches its data (customers.access). The last
    administrator cannot be removed."""
    contacts = _locked_contacts(contact.customer)
    contact = contacts.get(pk=contact.pk)
    _keeps_an_administrator(contacts, contact)
    contact.delete()
