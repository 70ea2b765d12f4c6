"""The appliance a row names, as the customers' import (a customer's appliance on each row) and
the appliances' own import read and write it: its catalogue model found by manufacturer and
model number (else an error on the number's column), its serial given once per model in the
file, and a new one's warranty. Read for all the rows in one query, as owners.py reads the
rows' customers."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from customers.models import Appliance, ApplianceModel
from customers.services import EARLIEST_PURCHASE, warranty_end
from fieldservice.errors import InvalidInput

from .base import Row, date, taken_since_check

Models = dict[tuple[str, str], ApplianceModel]
# How far ahead a warranty may end: a date past it is a slip (2205 for 2025).
WARRANTY_YEARS_AHEAD = 30


def models(rows: list[Row]) -> Models:
    """The catalogue models the rows' numbers name, by (manufacturer, model number) in any
    case."""
    numbers = {r.values["model_number"].upper() for r in rows if r.values["model_number"]}
    if not numbers:
        return {}
    found = ApplianceModel.objects.annotate(number=Upper("model_number")).filter(number__in=numbers)
    return {(m.manufacturer.casefold(), m.model_number.casefold()): m for m in found}


def check_model(row: Row, known: Models) -> ApplianceModel | None:
    """The row's model (kept in `row.found["model"]`): by manufacturer and number, or by the
    number alone when no manufacturer is given and one model has it; else None, with the
    error on the number's column. None without an error when no number is given."""
    v = row.values
    if not v["model_number"]:
        return None
    number = v["model_number"].casefold()
    model = known.get((v["manufacturer"].casefold(), number))
    if model is None and not v["manufacturer"]:
        found = [m for (_b, n), m in known.items() if n == number]
        model = found[0] if len(found) == 1 else None
    if model is None:
        row.error("model_number", _("No model with this number in the catalogue."))
    row.found["model"] = model
    return model


def check_dates(row: Row, today: datetime.date) -> None:
    """The installation (from 1980 until today) and the warranty's end (until 30 years
    ahead, not before the installation), read as dates in place; an out-of-range date is
    named on its own column only."""
    v = row.values
    installed = date(row, "installed_on")
    warranty = date(row, "warranty_until")
    v["installed_on"], v["warranty_until"] = installed, warranty
    if installed is not None and not (EARLIEST_PURCHASE <= installed <= today):
        row.error("installed_on", _("The date is out of range (from 1980 until today)."))
        installed = None
    latest = today.replace(year=today.year + WARRANTY_YEARS_AHEAD)
    if warranty is not None and not (EARLIEST_PURCHASE <= warranty <= latest):
        row.error("warranty_until", _("The date is out of range."))
    elif warranty is not None and installed is not None and warranty < installed:
        row.error("warranty_until", _("The warranty ends before the installation."))


def check_serial(
    row: Row, model: ApplianceModel, seen: dict[tuple[int, str], int]
) -> tuple[int, str] | None:
    """The row's (model, serial) key, or None with the error on the serial's column when an
    earlier line of the file (kept in `seen`) gives the same serial for the same model."""
    key = (model.pk, row.values["serial_number"].casefold())
    first = seen.setdefault(key, row.line)
    if first != row.line:
        row.error(
            "serial_number",
            _("Duplicate serial: line %(line)s has this serial for this model.") % {"line": first},
        )
        return None
    return key


def new_appliance(row: Row, **where: Any) -> Appliance:
    """The row's appliance, not saved, at `where` (its site, and what else the kind gives):
    its warranty the model's from the installation when the row gives none."""
    v = row.values
    warranty = v["warranty_until"]
    if warranty is None and v["installed_on"] is not None:
        warranty = warranty_end(model=row.model, purchased_on=v["installed_on"])
    return Appliance(
        model=row.model,
        serial_number=v["serial_number"],
        installed_on=v["installed_on"],
        warranty_until=warranty,
        **where,
    )


def taken(row: Row) -> InvalidInput:
    """The error for a row whose serial another customer registered since the check: the
    writer refuses the whole file with it."""
    return taken_since_check(
        row,
        _("Duplicate serial: another customer has an appliance with this serial."),
        field="serial_number",
    )
