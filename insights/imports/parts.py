"""Catalog parts, one row each, found again by their code (the SKU). Prices are amounts in the
company's currency (FIELDSERVICE["CURRENCY"]); a row that names another currency is refused,
never converted."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Part

from .base import Geocoder, Imported, Kind, Row, boolean, decimal, too_long

COLUMNS = (
    "code",
    "name",
    "unit_price",
    "currency",
    "counted",
    "allow_negative_stock",
    "serial_tracked",
)
EXAMPLE = {
    "code": "BOS-00144978",
    "name": "Drain pump",
    "unit_price": "34.90",
    "currency": "EUR",
    "counted": "yes",
    "allow_negative_stock": "no",
    "serial_tracked": "no",
}
FLAGS = ("counted", "allow_negative_stock", "serial_tracked")
PRICE_BELOW = Decimal("100000000")  # unit_price: 10 digits, 2 of them decimals


def check(rows: list[Row]) -> None:
    currency = settings.FIELDSERVICE["CURRENCY"]
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        too_long(row, "code", Part._meta.get_field("sku").max_length or 0)
        too_long(row, "name", Part._meta.get_field("name").max_length or 0)
        v["unit_price"] = decimal(row, "unit_price", most=PRICE_BELOW)
        v["currency"] = v["currency"].upper()
        if v["currency"] and v["currency"] != currency:
            row.error(
                "currency",
                _("Prices are in %(currency)s: convert this row's price first.")
                % {"currency": currency},
            )
        for flag in FLAGS:
            v[flag] = boolean(row, flag)
        if v["code"]:
            first = seen.setdefault(v["code"].casefold(), row.line)
            if first != row.line:
                row.error(
                    "code", _("Duplicate code: line %(line)s has this code.") % {"line": first}
                )


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    known = {p.sku: p for p in Part.objects.filter(sku__in=[r.values["code"] for r in rows])}
    new: list[Part] = []
    changed: list[Part] = []
    for row in rows:
        v = row.values
        given = {
            "name": v["name"],
            "unit_price": v["unit_price"],
            **{flag: v[flag] for flag in FLAGS},
        }
        part = known.get(v["code"])
        if part is None:
            new.append(
                Part(sku=v["code"], **{k: value for k, value in given.items() if value is not None})
            )
            continue
        dirty = False
        for name, value in given.items():
            if value is not None and getattr(part, name) != value:
                setattr(part, name, value)
                dirty = True
        if dirty:
            changed.append(part)
    Part.objects.bulk_create(new)
    Part.objects.bulk_update(changed, ["name", "unit_price", *FLAGS])
    result.add("parts_added", len(new))
    result.add("parts_changed", len(changed))


KIND = Kind(
    name="parts",
    label=gettext_lazy("Import parts"),
    description=gettext_lazy(
        "Catalog parts, one row each, from a CSV (UTF-8) or XLSX file. A part is found again "
        "by its code: importing the same file twice changes nothing. Prices are in the "
        "company's currency; an empty cell leaves a known part's value as it is."
    ),
    columns=COLUMNS,
    required=("code", "name"),
    example=EXAMPLE,
    key=("code",),
    check=check,
    write=write,
    counts=(
        ("parts_added", gettext_lazy("Parts added")),
        ("parts_changed", gettext_lazy("Parts changed")),
    ),
)
