"""Service contracts, one row each, found again by their number: the customer (by external id,
else email address), the dates, and what the contract includes as the contracts app models it
(response time, labour included, discounted or billable, parts, visits a year, a bank of
prepaid hours with its rules). Which appliances and sites a contract covers is kept out: the
desk chooses them on the contract's page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contracts.models import ServiceContract
from customers.models import Customer

from .base import (
    Geocoder,
    Imported,
    Kind,
    Row,
    boolean,
    date,
    decimal,
    taken_since_check,
    too_long,
    whole,
)

COLUMNS = (
    "number",
    "customer_external_id",
    "customer_email",
    "starts_on",
    "ends_on",
    "response_hours",
    "labour",
    "labour_discount_percent",
    "parts_included",
    "included_visits_per_year",
    "hour_bank",
    "billing_increment_minutes",
    "overage_rate",
    "currency",
    "unused_hours",
    "renewal_notice_days",
)
EXAMPLE = {
    "number": "SC-2025-0001",
    "customer_external_id": "C-1001",
    "customer_email": "maria.rossi@example.com",
    "starts_on": "2025-01-01",
    "ends_on": "2025-12-31",
    "response_hours": "8",
    "labour": "included",
    "labour_discount_percent": "",
    "parts_included": "no",
    "included_visits_per_year": "2",
    "hour_bank": "no",
    "billing_increment_minutes": "15",
    "overage_rate": "",
    "currency": "EUR",
    "unused_hours": "expire",
    "renewal_notice_days": "30",
}
EARLIEST = datetime.date(1980, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# The fields a row sets, as the model names them (all but the customer, number and dates may
# be left empty: a new contract takes the model's default, a known one keeps its value).
FIELDS = (
    "starts_on",
    "ends_on",
    "response_hours",
    "labour",
    "labour_discount_percent",
    "parts_included",
    "included_visits_per_year",
    "hour_bank",
    "billing_increment_minutes",
    "overage_rate",
    "unused_hours",
    "renewal_notice_days",
)


def check(rows: list[Row]) -> None:
    customers = _customers(rows)
    numbers = {r.values["number"] for r in rows if r.values["number"]}
    owners = dict(
        ServiceContract.objects.filter(number__in=numbers).values_list("number", "customer_id")
    )
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        too_long(row, "number", ServiceContract._meta.get_field("number").max_length or 0)
        _check_customer(row, customers)
        _check_terms(row)
        if not v["number"]:
            continue
        first = seen.setdefault(v["number"], row.line)
        if first != row.line:
            row.error(
                "number", _("Duplicate number: line %(line)s has this contract.") % {"line": first}
            )
        customer = row.found.get("customer")
        owner = owners.get(v["number"])
        if customer is not None and owner is not None and owner != customer.pk:
            row.error("number", _("Another customer has a contract with this number."))


def _customers(rows: list[Row]) -> dict[tuple[str, str], Customer]:
    ids = {r.values["customer_external_id"] for r in rows if r.values["customer_external_id"]}
    emails = {r.values["customer_email"].lower() for r in rows if r.values["customer_email"]}
    found: dict[tuple[str, str], Customer] = {}
    if not (ids or emails):
        return found
    query = Customer.objects.annotate(lower=Lower("email")).filter(
        Q(external_id__in=ids) | Q(lower__in=emails)
    )
    for customer in query.only("pk", "email", "external_id", "name"):
        if customer.external_id:
            found[("id", customer.external_id)] = customer
        if customer.email:
            found[("email", customer.email.lower())] = customer
    return found


def _check_customer(row: Row, customers: dict[tuple[str, str], Customer]) -> None:
    v = row.values
    v["customer_email"] = v["customer_email"].lower()
    if v["customer_external_id"]:
        customer = customers.get(("id", v["customer_external_id"]))
        column = "customer_external_id"
    elif v["customer_email"]:
        customer = customers.get(("email", v["customer_email"]))
        column = "customer_email"
    else:
        row.error("customer_external_id", _("Give the customer's external id or email address."))
        return
    if customer is None:
        row.error(column, _("No customer with this external id or email address."))
    row.found["customer"] = customer


def _check_terms(row: Row) -> None:
    v = row.values
    for column in ("starts_on", "ends_on"):
        day = date(row, column)
        if day is not None and not EARLIEST <= day <= LATEST:
            row.error(column, _("The date is out of range (from 1980 until 2100)."))
            day = None
        v[column] = day
    if v["starts_on"] and v["ends_on"] and v["ends_on"] < v["starts_on"]:
        row.error("ends_on", _("The contract ends before it starts."))
    v["response_hours"] = whole(row, "response_hours", least=1, most=720)
    v["included_visits_per_year"] = whole(row, "included_visits_per_year", most=365)
    v["billing_increment_minutes"] = whole(row, "billing_increment_minutes", least=1, most=240)
    v["renewal_notice_days"] = whole(row, "renewal_notice_days", most=365)
    for column in ("parts_included", "hour_bank"):
        v[column] = boolean(row, column)
    v["labour"] = v["labour"].lower() or None
    if v["labour"] and v["labour"] not in ServiceContract.Labour.values:
        row.error("labour", _("Write “included”, “discounted” or “billable”."))
    v["unused_hours"] = v["unused_hours"].lower() or None
    if v["unused_hours"] and v["unused_hours"] not in ServiceContract.UnusedHours.values:
        row.error("unused_hours", _("Write “expire” or “roll_over”."))
    v["labour_discount_percent"] = decimal(row, "labour_discount_percent", most=Decimal("100.01"))
    rate = decimal(row, "overage_rate", most=Decimal("100000000"))
    currency = v["currency"].upper() or settings.DEFAULT_CURRENCY
    if currency not in settings.CURRENCIES:
        row.error(
            "currency",
            _("Write one of these currencies: %(codes)s.")
            % {"codes": ", ".join(settings.CURRENCIES)},
        )
    v["overage_rate"] = Money(rate, currency) if rate is not None else None


def _given(row: Row) -> dict[str, Any]:
    return {name: row.values[name] for name in FIELDS if row.values[name] is not None}


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    """New contracts are created and known ones changed with their history (simple_history's
    bulk functions): the contract's page shows who changed what, an import included."""
    known = {
        c.number: c
        for c in ServiceContract.objects.filter(number__in=[r.values["number"] for r in rows])
    }
    new: list[ServiceContract] = []
    changed: list[ServiceContract] = []
    for row in rows:
        contract = known.get(row.values["number"])
        given = _given(row)
        if contract is None:
            new.append(
                ServiceContract(
                    number=row.values["number"], customer=row.found["customer"], **given
                )
            )
            continue
        if contract.customer_id != row.found["customer"].pk:  # taken since the check
            raise taken_since_check(
                row, _("Another customer has a contract with this number."), field="number"
            )
        dirty = False
        for name, value in given.items():
            if getattr(contract, name) != value:
                if name == "ends_on" and value > contract.ends_on:
                    # As ServiceContract.save does: a later end is reminded again.
                    contract.renewal_reminded_on = None
                setattr(contract, name, value)
                dirty = True
        if dirty:
            changed.append(contract)
    if new:
        bulk_create_with_history(new, ServiceContract)
    if changed:
        bulk_update_with_history(
            changed,
            ServiceContract,
            [*FIELDS, "overage_rate_currency", "renewal_reminded_on"],
        )
    result.add("contracts_added", len(new))
    result.add("contracts_changed", len(changed))


KIND = Kind(
    name="contracts",
    label=gettext_lazy("Import contracts"),
    description=gettext_lazy(
        "Service contracts, one row each, from a CSV (UTF-8) or XLSX file. A contract is found "
        "again by its number, its customer by external id or email address: importing the "
        "same file twice changes nothing. The appliances and sites a contract covers are "
        "chosen on the contract's page."
    ),
    columns=COLUMNS,
    required=("number", "starts_on", "ends_on"),
    example=EXAMPLE,
    key=("number",),
    check=check,
    write=write,
    counts=(
        ("contracts_added", gettext_lazy("Contracts added")),
        ("contracts_changed", gettext_lazy("Contracts changed")),
    ),
    typed=("starts_on", "ends_on"),
)
