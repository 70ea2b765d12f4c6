"""Writes of insights: the managers' weekly summary, once a week; the customers an import
brings in (insights.imports checks the file first); the visits' summaries the figures count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers import services as customer_services
from customers.models import Appliance, Customer, Site
from dispatch.selectors import company_tz
from fieldservice.errors import DomainError, InvalidInput
from tickets.models import Visit

from . import events, selectors, summaries
from .kpis import Scope
from .models import VisitSummary, WeeklySummary

if TYPE_CHECKING:
    from .imports import Row


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=company_tz()).astimezone(
        datetime.UTC
    )


def send_weekly_summary(*, now: datetime.datetime | None = None) -> bool:
    """Last week's headline figures (Monday to Sunday in the company's time zone) for the
    managers, once: the week's WeeklySummary row is claimed first, so a second run (the beat
    task runs hourly) writes nothing. Returns whether this run wrote it."""
    now = now or timezone.now()
    today = now.astimezone(company_tz()).date()
    this_monday = today - datetime.timedelta(days=today.weekday())
    week_start = this_monday - datetime.timedelta(days=7)
    week_end = this_monday - datetime.timedelta(days=1)
    with transaction.atomic():
        _summary, created = WeeklySummary.objects.get_or_create(week_start=week_start)
        if not created:
            return False
        scope = Scope(start=_midnight(week_start), end=_midnight(this_monday))
        events.weekly_summary.send(
            sender=WeeklySummary,
            week_start=week_start,
            week_end=week_end,
            figures=selectors.headline(scope, now=now, today=today),
            query=urlencode({"start": week_start.isoformat(), "end": week_end.isoformat()}),
        )
    return True


@dataclass
class Imported:
    """What an import wrote: how many of each were added or changed, which lines' addresses
    could not be placed on the map, and how many rows with errors were left out."""

    customers_added: int = 0
    customers_changed: int = 0
    sites_added: int = 0
    appliances_added: int = 0
    appliances_changed: int = 0
    skipped: int = 0
    unplaced: list[int] = field(default_factory=list)

    @property
    def changed_nothing(self) -> bool:
        return not (
            self.customers_added
            or self.customers_changed
            or self.sites_added
            or self.appliances_added
            or self.appliances_changed
        )


def import_customers(*, rows: list[Row], only_valid: bool = False) -> Imported:
    """Write the checked rows (insights.imports.check_rows) in one transaction: all of them,
    or with `only_valid` the rows without errors; a file with errors and no such choice writes
    nothing (InvalidInput). Customers are found by external id, else by email address (else
    by name and phone), sites by their address, appliances by model and serial: a row already
    in the records changes nothing. New addresses are geocoded; one that cannot be placed is
    saved "not on the map yet" and its line listed in `unplaced`."""
    invalid = [row for row in rows if not row.valid]
    if invalid and not only_valid:
        raise InvalidInput(
            ngettext(
                "%(n)s row has errors: correct it, or import only the valid rows.",
                "%(n)s rows have errors: correct them, or import only the valid rows.",
                len(invalid),
            )
            % {"n": len(invalid)},
            field="file",
        )
    result = Imported(skipped=len(invalid))
    with transaction.atomic():
        for row in rows:
            if not row.valid:
                continue
            try:
                _import_row(row, result)
            except DomainError as exc:
                raise InvalidInput(
                    _("Line %(line)s: %(message)s") % {"line": row.line, "message": exc.message},
                    field=exc.field or "file",
                ) from exc
    return result


def _find_customer(v: dict) -> Customer | None:
    if v["external_id"]:
        found = Customer.objects.filter(external_id=v["external_id"]).first()
        if found is not None:
            return found
    if v["email"]:
        return Customer.objects.filter(email__iexact=v["email"]).first()
    if v["external_id"]:
        return None
    return Customer.objects.filter(
        name__iexact=v["name"], phone=v["phone"], email="", external_id=""
    ).first()


def _import_row(row: Row, result: Imported) -> None:
    v = row.values
    customer = _find_customer(v)
    if customer is None:
        customer = customer_services.create_customer(
            name=v["name"],
            email=v["email"],
            phone=v["phone"],
            kind=v["kind"],
            language=v["language"],
        )
        result.customers_added += 1
    else:
        changes = {
            name: v[name]
            for name in ("name", "email", "kind", "language", "phone")
            if v[name] and str(getattr(customer, name) or "") != v[name]
        }
        if changes:
            customer_services.update_customer(customer=customer, **changes)
            result.customers_changed += 1
    if v["external_id"] and customer.external_id != v["external_id"]:
        customer.external_id = v["external_id"]
        customer.save(update_fields=["external_id"])
        if not result.customers_added:
            result.customers_changed += 1
    site = Site.objects.filter(
        customer=customer,
        address__iexact=v["address"],
        city__iexact=v["city"],
        postal_code=v["postal_code"],
        country=v["country"],
    ).first()
    if site is None:
        site = customer_services.add_site(
            customer=customer,
            address=v["address"],
            city=v["city"],
            postal_code=v["postal_code"],
            country=v["country"],
        )
        result.sites_added += 1
    if not site.is_placed:
        result.unplaced.append(row.line)
    if row.model is not None:
        _import_appliance(row, site, result)


def _import_appliance(row: Row, site: Site, result: Imported) -> None:
    v = row.values
    appliance = (
        Appliance.objects.select_related("site")
        .filter(model=row.model, serial_number__iexact=v["serial_number"])
        .first()
    )
    if appliance is None:
        customer_services.register_appliance(
            site=site,
            model=row.model,
            serial_number=v["serial_number"],
            purchased_on=v["installed_on"],
            warranty_until=v["warranty_until"],
        )
        result.appliances_added += 1
        return
    if appliance.site.customer_id != site.customer_id:
        raise InvalidInput(
            _("Duplicate serial: another customer has an appliance with this serial."),
            field="serial_number",
        )
    changed = [
        name
        for name in ("installed_on", "warranty_until")
        if v[name] is not None and getattr(appliance, name) != v[name]
    ]
    for name in changed:
        setattr(appliance, name, v[name])
    if changed:
        appliance.save(update_fields=changed)
        result.appliances_changed += 1


def refresh_visit_summaries(*, ticket_ids: list[int]) -> int:
    """The summaries of these tickets' visits, and of their appliances' other visits, written
    again in the caller's transaction (a visit of them, or a ticket, has just changed).
    Returns how many rows were written."""
    ids = summaries.related_visits(visit_model=Visit, ticket_ids=ticket_ids)
    return summaries.summarise(visit_ids=ids, visit_model=Visit, summary_model=VisitSummary)


def rebuild_visit_summaries() -> int:
    """Every visit made has its summary written again from the visits (the receivers keep them
    so; this is for a database written around the services). Returns how many rows."""
    return summaries.rebuild(visit_model=Visit, summary_model=VisitSummary)
