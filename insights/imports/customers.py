"""Customers with their site and appliances, one row each. Rows are matched by natural keys
(the customer's external id, else their email address, else their name and phone; the site by
its address; the appliance by its model and serial number), so importing the same file again
changes nothing. An organization's contacts have their own import (insights.imports.contacts)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import PhoneNumber

from customers.models import Appliance, Customer, Site
from customers.phones import checked

from . import equipment
from .base import Geocoder, Imported, Kind, Numbers, Row, phone, too_long

COLUMNS = (
    "external_id",
    "name",
    "kind",
    "email",
    "phone",
    "language",
    "address",
    "city",
    "postal_code",
    "country",
    "manufacturer",
    "model_number",
    "serial_number",
    "installed_on",
    "warranty_until",
)
REQUIRED = ("name", "address", "city")

# The template's example row, one customer with one appliance.
EXAMPLE = {
    "external_id": "C-1001",
    "name": "Maria Rossi",
    "kind": "person",
    "email": "maria.rossi@example.com",
    "phone": "+39 06 1234 5678",
    "language": "it",
    "address": "Via del Corso 12",
    "city": "Roma",
    "postal_code": "00186",
    "country": "IT",
    "manufacturer": "Bosch",
    "model_number": "WAN28201IT",
    "serial_number": "SN-000123",
    "installed_on": "2024-03-15",
    "warranty_until": "2026-03-15",
}

CUSTOMER_FIELDS = ("name", "email", "kind", "language", "phone")


def check(rows: list[Row]) -> None:
    """Every row's errors by column. Reads the catalogue models, the serials already
    registered and the customers the rows name in a few queries, whatever the file's length."""
    models = equipment.models(rows)
    registered = _registered(rows)
    seen_serials: dict[tuple[int, str], int] = {}
    numbers: Numbers = {}
    today = timezone.localdate()
    for row in rows:
        v = row.values
        _check_customer(row, numbers)
        _check_site(row)
        if v["serial_number"] or v["model_number"]:
            _check_appliance(row, models, registered, seen_serials, today)
    _check_keys(rows)


def _check_customer(row: Row, numbers: Numbers) -> None:
    """The customer's columns; `numbers`: the file's phone numbers read so far (base.phone)."""
    v = row.values
    for column in ("name", "email", "external_id"):
        too_long(row, column, Customer._meta.get_field(column).max_length or 0)
    if v["email"]:
        v["email"] = v["email"].lower()
        try:
            validate_email(v["email"])
        except ValidationError:
            row.error("email", _("That email address is not valid."))
    phone(row, numbers)  # its parse kept for the writer (_phone)
    v["kind"] = v["kind"].lower() or Customer.Kind.PERSON
    if v["kind"] not in Customer.Kind.values:
        row.error("kind", _("Write “person” or “company”."))
    v["language"] = v["language"].lower() or "en"
    if v["language"] not in dict(Customer._meta.get_field("language").choices or []):
        row.error("language", _("Unknown language."))


def _check_site(row: Row) -> None:
    v = row.values
    v["country"] = (v["country"] or "IT").upper()
    if len(v["country"]) != 2 or not v["country"].isalpha():
        row.error("country", _("Write the country's two-letter code (IT, ES, BG)."))
    for column, limit in (("address", 250), ("city", 100), ("postal_code", 20)):
        too_long(row, column, limit)


def _check_appliance(
    row: Row,
    models: equipment.Models,
    registered: dict[tuple[int, str], tuple[str, str]],
    seen_serials: dict[tuple[int, str], int],
    today: datetime.date,
) -> None:
    v = row.values
    if not v["serial_number"]:
        row.error("serial_number", _("Give the appliance's serial number."))
    if not v["model_number"]:
        row.error("model_number", _("Give the model's catalogue number."))
        return
    model = equipment.check_model(row, models)
    equipment.check_dates(row, today)
    if model is None or not v["serial_number"]:
        return
    key = equipment.check_serial(row, model, seen_serials)
    if key is None:
        return
    existing = registered.get(key)
    if existing is not None and not _same_customer(*existing, v):
        row.error(
            "serial_number",
            _("Duplicate serial: another customer has an appliance with this serial."),
        )


def _check_keys(rows: list[Row]) -> None:
    """A row's email address may not belong to a customer known by another external id, in
    the records or earlier in the file: the import would otherwise take one customer for
    another."""
    in_file: dict[str, tuple[str, int]] = {}
    for row in rows:
        v = row.values
        if not (v["email"] and v["external_id"]):
            continue
        first = in_file.setdefault(v["email"], (v["external_id"], row.line))
        if first[0] != v["external_id"]:
            row.error(
                "email",
                _("Line %(line)s gives this email address to another external id.")
                % {"line": first[1]},
            )
    emails = {r.values["email"] for r in rows if r.values["email"] and r.values["external_id"]}
    if not emails:
        return
    ids = {r.values["external_id"] for r in rows if r.values["email"] and r.values["external_id"]}
    owners = Customer.objects.annotate(lower=Lower("email")).filter(
        Q(lower__in=emails) | Q(external_id__in=ids)
    )
    by_email: dict[str, tuple[int, str]] = {}
    by_id: dict[str, int] = {}
    for pk, email, external_id in owners.values_list("pk", "email", "external_id"):
        if email:
            by_email[email.lower()] = (pk, external_id)
        if external_id:
            by_id[external_id] = pk
    for row in rows:
        v = row.values
        owner = by_email.get(v["email"]) if v["external_id"] else None
        if owner is None:
            continue
        pk, other = owner
        if other and other != v["external_id"]:
            row.error(
                "email",
                _("Another customer (external id %(id)s) has this email address already.")
                % {"id": other},
            )
        elif v["external_id"] in by_id and by_id[v["external_id"]] != pk:
            row.error("email", _("Another customer has this email address already."))


def _same_customer(external_id: str, email: str, v: dict[str, Any]) -> bool:
    if v["external_id"]:
        return external_id == v["external_id"]
    return bool(v["email"]) and email.lower() == v["email"]


def _registered(rows: list[Row]) -> dict[tuple[int, str], tuple[str, str]]:
    """The appliances already registered with the rows' serials: (model, serial) -> their
    customer's (external id, email address)."""
    serials = {r.values["serial_number"] for r in rows if r.values["serial_number"]}
    if not serials:
        return {}
    found = Appliance.objects.filter(serial_number__in=serials, model__isnull=False)
    return {
        (model_id, serial.casefold()): (external_id, email)
        for model_id, serial, external_id, email in found.values_list(
            "model_id", "serial_number", "site__customer__external_id", "site__customer__email"
        )
    }


# Writing: a chunk of valid rows in a fixed number of queries.


def _customer_key(v: dict[str, Any]) -> tuple[str, str]:
    if v["external_id"]:
        return ("id", v["external_id"])
    if v["email"]:
        return ("email", v["email"])
    return ("name", f"{v['name'].casefold()}\x00{v['phone']}")


def _known_customers(rows: list[Row]) -> dict[tuple[str, str], Customer]:
    """The customers the rows name, found as import_customers always found them: by external
    id, else by email address, else (neither given) by name and phone among those without."""
    ids = {r.values["external_id"] for r in rows if r.values["external_id"]}
    emails = {r.values["email"] for r in rows if r.values["email"]}
    names = {
        r.values["name"].lower()
        for r in rows
        if not r.values["external_id"] and not r.values["email"]
    }
    found: dict[tuple[str, str], Customer] = {}
    if ids or emails:
        query = Customer.objects.annotate(lower=Lower("email")).filter(
            Q(external_id__in=ids) | Q(lower__in=emails)
        )
        for customer in query:
            if customer.external_id:
                found[("id", customer.external_id)] = customer
            if customer.email:
                found.setdefault(("email", customer.email.lower()), customer)
    if names:
        query = Customer.objects.annotate(lower=Lower("name")).filter(
            lower__in=names, email="", external_id=""
        )
        for customer in query.order_by("pk"):
            key = ("name", f"{customer.name.casefold()}\x00{customer.phone or ''}")
            found.setdefault(key, customer)
    return found


def _find(v: dict[str, Any], known: dict[tuple[str, str], Customer]) -> Customer | None:
    if v["external_id"]:
        customer = known.get(("id", v["external_id"]))
        if customer is not None:
            return customer
    if v["email"]:
        return known.get(("email", v["email"]))
    if v["external_id"]:
        return None
    return known.get(_customer_key(v))


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    """Write a chunk of valid rows: customers, then their sites, then their appliances, each
    read once and written with bulk_create and bulk_update."""
    known = _known_customers(rows)
    customers = _write_customers(rows, known, result)
    sites = _write_sites(rows, customers, result, geocoder)
    _write_appliances(rows, sites, result)


def _write_customers(
    rows: list[Row], known: dict[tuple[str, str], Customer], result: Imported
) -> list[Customer]:
    """Each row's customer, in the rows' order: found and changed, or new."""
    new: dict[tuple[str, str], Customer] = {}
    changed: dict[int, Customer] = {}
    theirs: list[Customer] = []
    for row in rows:
        v = row.values
        customer = _find(v, known) or new.get(_customer_key(v))
        if customer is None:
            customer = Customer(
                name=v["name"],
                email=v["email"],
                phone=_phone(row),
                kind=v["kind"],
                language=v["language"],
                external_id=v["external_id"],
            )
            new[_customer_key(v)] = customer
            for key in (("id", v["external_id"]), ("email", v["email"])):
                if key[1]:
                    new.setdefault(key, customer)
        elif customer.pk is not None:
            dirty = False
            for name in CUSTOMER_FIELDS:
                if v[name] and _differs(customer, name, v[name]):
                    setattr(customer, name, _phone(row) if name == "phone" else v[name])
                    dirty = True
            if v["external_id"] and customer.external_id != v["external_id"]:
                customer.external_id = v["external_id"]
                dirty = True
            if dirty:
                changed[customer.pk] = customer
        theirs.append(customer)
    created = list({id(c): c for c in new.values()}.values())
    Customer.objects.bulk_create(created)
    Customer.objects.bulk_update(list(changed.values()), [*CUSTOMER_FIELDS, "external_id"])
    result.add("customers_added", len(created))
    result.add("customers_changed", len(changed))
    return theirs


def _phone(row: Row) -> PhoneNumber | str:
    """The row's phone number as the customer's field takes it: the checker's parse of it,
    so that writing it neither parses nor validates it again."""
    number = row.found.get("phone")
    return row.values["phone"] if number is None else checked(number)


def _differs(customer: Customer, name: str, value: str) -> bool:
    """Whether the file's (cleaned) value changes the customer's field."""
    current = getattr(customer, name)
    if isinstance(current, PhoneNumber) and current.raw_input == value:
        # Stored as the file gives it (E.164): the same number, without validating it again.
        return False
    return str(current or "") != value


def _site_key(customer_id: int, v: dict[str, Any]) -> tuple[int, str, str, str, str]:
    return (
        customer_id,
        v["address"].casefold(),
        v["city"].casefold(),
        v["postal_code"],
        v["country"],
    )


def _write_sites(
    rows: list[Row], customers: list[Customer], result: Imported, geocoder: Geocoder
) -> list[tuple[int, int]]:
    """Each row's site as (site id, customer id): one of its customer's with the same
    address, or a new one, geocoded (once per distinct address of the import)."""
    found: dict[tuple[int, str, str, str, str], tuple[int, bool]] = {}
    known = Site.objects.filter(customer__in=[c.pk for c in customers]).order_by("pk")
    for pk, customer_id, address, city, postal_code, country, latitude in known.values_list(
        "pk", "customer_id", "address", "city", "postal_code", "country", "latitude"
    ):
        key = (customer_id, address.casefold(), city.casefold(), postal_code, country)
        found.setdefault(key, (pk, latitude is not None))
    new: dict[tuple[int, str, str, str, str], Site] = {}
    for row, customer in zip(rows, customers, strict=True):
        v = row.values
        key = _site_key(customer.pk, v)
        if key in found or key in new:
            continue
        new[key] = Site(
            customer=customer,
            address=v["address"],
            city=v["city"],
            postal_code=v["postal_code"],
            country=v["country"],
            **geocoder.site_fields(
                address=v["address"],
                city=v["city"],
                postal_code=v["postal_code"],
                country=v["country"],
            ),
        )
    Site.objects.bulk_create(list(new.values()))
    result.add("sites_added", len(new))
    for key, site in new.items():
        found[key] = (site.pk, site.is_placed)
    theirs = []
    for row, customer in zip(rows, customers, strict=True):
        site_id, placed = found[_site_key(customer.pk, row.values)]
        if not placed:
            result.unplaced.append(row.line)
        theirs.append((site_id, customer.pk))
    return theirs


def _write_appliances(rows: list[Row], sites: list[tuple[int, int]], result: Imported) -> None:
    wanted = [(row, site) for row, site in zip(rows, sites, strict=True) if row.model is not None]
    if not wanted:
        return
    # Matched as the checker matched them (insights.imports.customers._registered).
    known = Appliance.objects.filter(
        serial_number__in={row.values["serial_number"] for row, _site in wanted},
        model__in={row.model.pk for row, _site in wanted},
    ).values_list(
        "pk", "model_id", "serial_number", "site__customer_id", "installed_on", "warranty_until"
    )
    existing = {(m, serial.casefold()): (pk, c, i, w) for pk, m, serial, c, i, w in known}
    new: list[Appliance] = []
    changed: list[Appliance] = []
    for row, (site_id, customer_id) in wanted:
        v = row.values
        appliance = existing.get((row.model.pk, v["serial_number"].casefold()))
        if appliance is None:
            new.append(equipment.new_appliance(row, site_id=site_id))
            continue
        pk, owner, installed, warranty = appliance
        if owner != customer_id:
            raise equipment.taken(row)
        given = {
            "installed_on": v["installed_on"] if v["installed_on"] is not None else installed,
            "warranty_until": v["warranty_until"] if v["warranty_until"] is not None else warranty,
        }
        if (given["installed_on"], given["warranty_until"]) != (installed, warranty):
            changed.append(Appliance(pk=pk, **given))
    Appliance.objects.bulk_create(new)
    Appliance.objects.bulk_update(changed, ["installed_on", "warranty_until"])
    result.add("appliances_added", len(new))
    result.add("appliances_changed", len(changed))


KIND = Kind(
    name="customers",
    label=gettext_lazy("Import customers"),
    description=gettext_lazy(
        "Customers with their site and appliances, one row each, from a CSV (UTF-8) or XLSX "
        "file. A customer is found again by their external id or email address, an appliance "
        "by its model and serial number: importing the same file twice changes nothing."
    ),
    columns=COLUMNS,
    required=REQUIRED,
    example=EXAMPLE,
    key=("external_id", "email"),
    check=check,
    write=write,
    counts=(
        ("customers_added", gettext_lazy("Customers added")),
        ("customers_changed", gettext_lazy("Customers changed")),
        ("sites_added", gettext_lazy("Sites added")),
        ("appliances_added", gettext_lazy("Appliances added")),
        ("appliances_changed", gettext_lazy("Appliances changed")),
    ),
    typed=("installed_on", "warranty_until"),
)
