"""Customers' sites, one row each: the customer (by its external id or email address), a
label ("Head office", "Warehouse") and the address. A site is found again by its customer and
address, as the customers' import finds it, so importing the same file again changes nothing.
A new address is geocoded as customers.services.add_site does; one that cannot be placed is
saved "not on the map yet" and its line listed for someone to place it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Site

from . import owners
from .base import Geocoder, Imported, Kind, Row, too_long

COLUMNS = (
    owners.ID,
    owners.EMAIL,
    "label",
    "address",
    "city",
    "postal_code",
    "country",
)
EXAMPLE = {
    owners.ID: "C-2001",
    owners.EMAIL: "office@rossi-legal.example.com",
    "label": "Head office",
    "address": "Via Nazionale 50",
    "city": "Roma",
    "postal_code": "00184",
    "country": "IT",
}

SiteKey = tuple[int, str, str, str, str]


def site_key(customer_id: int, v: dict[str, Any]) -> SiteKey:
    """A site's natural key, as insights.imports.customers matches its rows' sites."""
    return (
        customer_id,
        v["address"].casefold(),
        v["city"].casefold(),
        v["postal_code"],
        v["country"],
    )


def check(rows: list[Row]) -> None:
    known = owners.customers(rows)
    seen: dict[SiteKey, int] = {}
    for row in rows:
        v = row.values
        customer = owners.check_customer(row, known)
        too_long(row, "label", Site._meta.get_field("label").max_length or 0)
        for column, limit in (("address", 250), ("city", 100), ("postal_code", 20)):
            too_long(row, column, limit)
        v["country"] = (v["country"] or "IT").upper()
        if len(v["country"]) != 2 or not v["country"].isalpha():
            row.error("country", _("Write the country's two-letter code (IT, ES, BG)."))
        if customer is None or not (v["address"] and v["city"]):
            continue
        first = seen.setdefault(site_key(customer.pk, v), row.line)
        if first != row.line:
            row.error(
                "address",
                _("Duplicate site: line %(line)s has this address for this customer.")
                % {"line": first},
            )


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    """New sites geocoded (once per distinct address of the import), known ones given the
    row's label when it has one."""
    known: dict[SiteKey, Site] = {}
    for site in Site.objects.filter(
        customer_id__in={r.found["customer"].pk for r in rows}
    ).order_by("pk"):
        known.setdefault(site_key(site.customer_id, vars(site)), site)
    new: list[Site] = []
    changed: list[Site] = []
    theirs: list[tuple[Row, Site]] = []
    for row in rows:
        v = row.values
        key = site_key(row.found["customer"].pk, v)
        site = known.get(key)
        if site is None:
            site = Site(
                customer=row.found["customer"],
                label=v["label"],
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
            known[key] = site
            new.append(site)
        elif v["label"] and site.label != v["label"]:
            site.label = v["label"]
            changed.append(site)
        theirs.append((row, site))
    Site.objects.bulk_create(new)
    Site.objects.bulk_update(changed, ["label"])
    result.add("sites_added", len(new))
    result.add("sites_changed", len(changed))
    result.unplaced += [row.line for row, site in theirs if not site.is_placed]


KIND = Kind(
    name="sites",
    label=gettext_lazy("Import sites"),
    description=gettext_lazy(
        "Customers' sites, one row each, from a CSV (UTF-8) or XLSX file: the customer by its "
        "external id or email address, a label and the address. A site is found again by its "
        "customer and address: importing the same file twice changes nothing. New addresses "
        "are placed on the map; the lines of those that cannot be placed are listed."
    ),
    columns=COLUMNS,
    required=("address", "city"),
    example=EXAMPLE,
    key=(owners.ID, owners.EMAIL, "address", "city", "postal_code", "country"),
    check=check,
    write=write,
    counts=(
        ("sites_added", gettext_lazy("Sites added")),
        ("sites_changed", gettext_lazy("Sites changed")),
    ),
)
