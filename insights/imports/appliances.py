"""Appliances and equipment (an organization's computers, printers and network devices too),
one row each: the site (its customer by external id or email address, then the site by its
address and city, or by its label), the catalogue model (manufacturer and model number), the
serial number, the installation and warranty dates, where at the site it stands and who uses
it. An appliance is found again by its model and serial number, as the customers' import
finds it, so importing the same file again changes nothing; an empty cell leaves a known
appliance's value as it is."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Appliance, Customer, Site

from . import equipment, owners
from .base import Geocoder, Imported, Kind, Row, too_long

COLUMNS = (
    owners.ID,
    owners.EMAIL,
    "site_address",
    "site_city",
    "site_label",
    "manufacturer",
    "model_number",
    "serial_number",
    "installed_on",
    "warranty_until",
    "location",
    "assigned_to",
)
EXAMPLE = {
    owners.ID: "C-2001",
    owners.EMAIL: "office@rossi-legal.example.com",
    "site_address": "Via Nazionale 50",
    "site_city": "Roma",
    "site_label": "Head office",
    "manufacturer": "HP",
    "model_number": "LJ-M404",
    "serial_number": "PHB8K12345",
    "installed_on": "2024-03-15",
    "warranty_until": "2027-03-15",
    "location": "2nd floor, room 204",
    "assigned_to": "Anna Neri",
}
# The fields an empty cell leaves as they are on a known appliance.
KEPT = ("installed_on", "warranty_until", "location", "assigned_to")


def check(rows: list[Row]) -> None:
    """Every row's errors by column: the customer or site unknown, the model not in the
    catalogue, the serial given twice or another customer's, a date out of range."""
    known = owners.customers(rows)
    for row in rows:
        owners.check_customer(row, known)
    sites = _sites(rows)
    models = equipment.models(rows)
    registered = _registered(rows)
    seen: dict[tuple[int, str], int] = {}
    today = timezone.localdate()
    for row in rows:
        v = row.values
        for column in ("location", "assigned_to", "serial_number"):
            too_long(row, column, Appliance._meta.get_field(column).max_length or 0)
        _check_site(row, sites)
        equipment.check_dates(row, today)
        model = equipment.check_model(row, models)
        if model is None or not v["serial_number"]:
            continue
        key = equipment.check_serial(row, model, seen)
        if key is None:
            continue
        owner = registered.get(key)
        customer = row.found.get("customer")
        if owner is not None and customer is not None and owner != customer.pk:
            row.error(
                "serial_number",
                _("Duplicate serial: another customer has an appliance with this serial."),
            )


def _sites(rows: list[Row]) -> dict[int, list[Site]]:
    """The sites of the rows' customers, by customer."""
    ids = {r.found["customer"].pk for r in rows if r.found.get("customer")}
    found: dict[int, list[Site]] = defaultdict(list)
    for site in Site.objects.filter(customer_id__in=ids).order_by("pk"):
        found[site.customer_id].append(site)
    return found


def _check_site(row: Row, sites: dict[int, list[Site]]) -> None:
    """The row's site among its customer's: by address and city, else by label."""
    v = row.values
    customer: Customer | None = row.found.get("customer")
    if customer is None:
        return
    theirs = sites.get(customer.pk, [])
    if v["site_address"]:
        address, city = v["site_address"].casefold(), v["site_city"].casefold()
        found = [
            s
            for s in theirs
            if s.address.casefold() == address and (not city or s.city.casefold() == city)
        ]
        column = "site_address"
    elif v["site_label"]:
        found = [s for s in theirs if s.label.casefold() == v["site_label"].casefold()]
        column = "site_label"
    elif len(theirs) == 1:
        found, column = theirs, "site_address"
    else:
        row.error("site_address", _("Give the site's address (or its label)."))
        return
    if not found:
        row.error(column, _("The customer has no site with this address or label."))
        return
    row.found["site"] = found[0]


def _registered(rows: list[Row]) -> dict[tuple[int, str], int]:
    """The appliances already registered with the rows' serials: (model, serial) -> their
    customer."""
    serials = {r.values["serial_number"] for r in rows if r.values["serial_number"]}
    if not serials:
        return {}
    found = Appliance.objects.filter(serial_number__in=serials, model__isnull=False)
    return {
        (model_id, serial.casefold()): customer_id
        for model_id, serial, customer_id in found.values_list(
            "model_id", "serial_number", "site__customer_id"
        )
    }


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    """New appliances (their warranty from the model's when only the installation is given),
    known ones moved to the row's site and given its non-empty values."""
    known: dict[tuple[int, str], Appliance] = {
        (a.model_id, a.serial_number.casefold()): a
        for a in Appliance.objects.filter(
            serial_number__in={r.values["serial_number"] for r in rows},
            model__in={r.model.pk for r in rows},
        ).select_related("site")
    }
    new: list[Appliance] = []
    changed: list[Appliance] = []
    for row in rows:
        v, site = row.values, row.found["site"]
        appliance = known.get((row.model.pk, v["serial_number"].casefold()))
        if appliance is None:
            new.append(
                equipment.new_appliance(
                    row, site=site, location=v["location"], assigned_to=v["assigned_to"]
                )
            )
            continue
        if appliance.site.customer_id != site.customer_id:  # taken since the check
            raise equipment.taken(row)
        if _update(appliance, v, site):
            changed.append(appliance)
    Appliance.objects.bulk_create(new)
    Appliance.objects.bulk_update(changed, ["site", *KEPT])
    result.add("appliances_added", len(new))
    result.add("appliances_changed", len(changed))


def _update(appliance: Appliance, v: dict[str, Any], site: Site) -> bool:
    dirty = False
    if appliance.site_id != site.pk:
        appliance.site = site
        dirty = True
    for name in KEPT:
        if v[name] not in (None, "") and getattr(appliance, name) != v[name]:
            setattr(appliance, name, v[name])
            dirty = True
    return dirty


KIND = Kind(
    name="appliances",
    label=gettext_lazy("Import appliances"),
    description=gettext_lazy(
        "Appliances and equipment (computers, printers, network devices), one row each, from "
        "a CSV (UTF-8) or XLSX file: the site (its customer by external id or email address, "
        "then its address or label), the catalogue model, the serial number, the dates, where "
        "at the site it stands and who uses it. An appliance is found again by its model and "
        "serial number: importing the same file twice changes nothing."
    ),
    columns=COLUMNS,
    required=("model_number", "serial_number"),
    example=EXAMPLE,
    key=("manufacturer", "model_number", "serial_number"),
    check=check,
    write=write,
    counts=(
        ("appliances_added", gettext_lazy("Appliances added")),
        ("appliances_changed", gettext_lazy("Appliances changed")),
    ),
    typed=("installed_on", "warranty_until"),
)
