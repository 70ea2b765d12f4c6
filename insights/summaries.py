"""Writes of insights.VisitSummary: the rows of the visits made (arrived on site, or finished),
with their follow-ups decided (first visit of the ticket, another visit of the ticket after
it, the appliance visited again within 30 days), for the figures of insights.kpis to count;
and of insights.TicketSummary, a row per ticket with its status and SLA clocks.

The functions take the model classes, so the migration that backfills the table runs them on
its historical models; the receivers and the rebuild command pass the real ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q

from dispatch.selectors import company_tz

REPEAT_DAYS = 30
CANCELLED = "cancelled"
FINISHED = ("completed", "cannot_complete")
# The visits summarised: finished, or on site (arrived and not cancelled), as the technicians'
# time counts them.
MADE = Q(status__in=FINISHED) | Q(actual_start__isnull=False) & ~Q(status=CANCELLED)
FIXED = "fixed"
BATCH = 2000
FIELDS = (
    "ticket_id",
    "technician_id",
    "area",
    "customer_id",
    "contract_id",
    "kind",
    "category",
    "appliance_id",
    "appliance_model_id",
    "status",
    "outcome",
    "started_at",
    "ended_at",
    "ended_week",
    "working",
    "travelling",
    "is_first",
    "followed_up",
    "came_back",
    "first_time_fix",
)


def monday_of(moment: datetime.datetime, tz: datetime.tzinfo) -> datetime.date:
    """The Monday of `moment`'s week in the time zone `tz`, as the weekly figures group."""
    day = moment.astimezone(tz).date()
    return day - datetime.timedelta(days=day.weekday())


def _rows(visit_model: Any, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The summary rows of the visits made among `ids`, each a dict of FIELDS and visit_id,
    with the same conditions as the figures had as subqueries."""
    others = visit_model.objects.exclude(status=CANCELLED)
    earlier = others.filter(ticket=OuterRef("ticket_id"), actual_start__lt=OuterRef("actual_start"))
    later = others.filter(ticket=OuterRef("ticket_id"), actual_start__gt=OuterRef("actual_start"))
    back = others.filter(
        ticket__appliance=OuterRef("ticket__appliance"),
        actual_start__gt=OuterRef("actual_end"),
        actual_start__lte=ExpressionWrapper(
            OuterRef("actual_end") + datetime.timedelta(days=REPEAT_DAYS),
            output_field=DateTimeField(),
        ),
    )
    found = (
        visit_model.objects.filter(MADE, pk__in=ids)
        .annotate(has_earlier=Exists(earlier), has_later=Exists(later), has_back=Exists(back))
        .values(
            "pk",
            "ticket_id",
            "technician_id",
            "technician__region",
            "ticket__customer_id",
            "ticket__contract_id",
            "ticket__kind",
            "ticket__appliance_id",
            "ticket__appliance__model_id",
            "ticket__appliance__model__category",
            "ticket__appliance_model__category",
            "status",
            "outcome",
            "actual_start",
            "actual_end",
            "en_route_at",
            "has_earlier",
            "has_later",
            "has_back",
        )
    )
    tz = company_tz()
    for v in found.iterator(chunk_size=BATCH):
        start, end, en_route = v["actual_start"], v["actual_end"], v["en_route_at"]
        if v["ticket__appliance_id"] is not None:
            category = v["ticket__appliance__model__category"] or ""
        else:
            category = v["ticket__appliance_model__category"] or ""
        is_first = not v["has_earlier"]
        came_back = bool(v["has_back"]) and v["ticket__appliance_id"] is not None
        yield {
            "visit_id": v["pk"],
            "ticket_id": v["ticket_id"],
            "technician_id": v["technician_id"],
            "area": v["technician__region"] or "",
            "customer_id": v["ticket__customer_id"],
            "contract_id": v["ticket__contract_id"],
            "kind": v["ticket__kind"],
            "category": category,
            "appliance_id": v["ticket__appliance_id"],
            "appliance_model_id": v["ticket__appliance__model_id"],
            "status": v["status"],
            "outcome": v["outcome"],
            "started_at": start,
            "ended_at": end,
            "ended_week": monday_of(end, tz) if end else None,
            "working": end - start if start and end else None,
            "travelling": start - en_route if start and en_route else None,
            "is_first": is_first,
            "followed_up": bool(v["has_later"]),
            "came_back": came_back,
            # A later visit of the same ticket within 30 days is also a later visit of the
            # ticket: "came back" over any ticket is the same test as over another ticket.
            "first_time_fix": is_first
            and v["outcome"] == FIXED
            and not v["has_later"]
            and not came_back,
        }


def summarise(*, visit_ids: Iterable[int], visit_model: Any, summary_model: Any) -> int:
    """Write the summary rows of the visits `visit_ids` again: those made upserted, the
    others' rows (if any) deleted. Returns how many rows were written. Runs in the caller's
    transaction (or its own)."""
    ids = sorted(set(visit_ids))
    if not ids:
        return 0
    written = 0
    with transaction.atomic():
        for chunk_start in range(0, len(ids), BATCH):
            chunk = ids[chunk_start : chunk_start + BATCH]
            rows = [summary_model(**row) for row in _rows(visit_model, chunk)]
            kept = {row.visit_id for row in rows}
            summary_model.objects.filter(visit_id__in=set(chunk) - kept).delete()
            summary_model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["visit"],
                update_fields=[name.removesuffix("_id") for name in FIELDS],
            )
            written += len(rows)
    return written


def related_visits(*, visit_model: Any, ticket_ids: Iterable[int]) -> list[int]:
    """The visits whose summary a change to a visit of these tickets can change: every visit
    of the tickets (first visit, later visit) and of the other tickets of their appliances
    (visited again within 30 days) that is made or has a row (none for a ticket just
    opened, whose visits are all still to be made)."""
    ticket_ids = list(ticket_ids)
    appliances = (
        visit_model._meta.get_field("ticket")
        .related_model.objects.filter(pk__in=ticket_ids, appliance__isnull=False)
        .values("appliance")
    )
    return list(
        visit_model.objects.filter(Q(ticket__in=ticket_ids) | Q(ticket__appliance__in=appliances))
        .filter(MADE | Q(insight_summary__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )


def rebuild(*, visit_model: Any, summary_model: Any) -> int:
    """Every visit made has its row written again from the visits, and the rows of other
    visits are deleted: the same rows the receivers keep. Safe to run again."""
    with transaction.atomic():
        summary_model.objects.exclude(visit__in=visit_model.objects.filter(MADE)).delete()
        ids = list(visit_model.objects.filter(MADE).values_list("pk", flat=True))
        return summarise(visit_ids=ids, visit_model=visit_model, summary_model=summary_model)


# --- the tickets' summaries -------------------------------------------------------------------

# A visit that set out or was made (tickets.transitions.VISIT_STARTED): the ticket is no
# remote fix since.
STARTED = ("en_route", "on_site", *FINISHED)
TICKET_FIELDS = (
    "customer_id",
    "contract_id",
    "kind",
    "category",
    "priority",
    "tier",
    "status",
    "opened_at",
    "opened_week",
    "response_due_at",
    "responded_at",
    "resolution_due_at",
    "resolved_at",
    "solved_remotely_at",
    "repaired",
    "visited",
)


def _ticket_rows(ticket_model: Any, visit_model: Any, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The summary rows of the tickets `ids`, each a dict of TICKET_FIELDS and ticket_id."""
    visits = visit_model.objects.filter(ticket=OuterRef("pk"))
    found = (
        ticket_model.objects.filter(pk__in=ids)
        .annotate(
            has_completed=Exists(visits.filter(status="completed")),
            has_started=Exists(visits.filter(status__in=STARTED)),
        )
        .values(
            "pk",
            "customer_id",
            "contract_id",
            "kind",
            "appliance_id",
            "appliance__model__category",
            "appliance_model__category",
            "priority",
            "tier",
            "status",
            "created_at",
            "response_due_at",
            "responded_at",
            "sla_due_at",
            "resolved_at",
            "resolved_remotely_at",
            "has_completed",
            "has_started",
        )
    )
    tz = company_tz()
    for t in found.iterator(chunk_size=BATCH):
        if t["appliance_id"] is not None:
            category = t["appliance__model__category"] or ""
        else:
            category = t["appliance_model__category"] or ""
        yield {
            "ticket_id": t["pk"],
            "customer_id": t["customer_id"],
            "contract_id": t["contract_id"],
            "kind": t["kind"],
            "category": category,
            "priority": t["priority"],
            "tier": t["tier"],
            "status": t["status"],
            "opened_at": t["created_at"],
            "opened_week": monday_of(t["created_at"], tz),
            "response_due_at": t["response_due_at"],
            "responded_at": t["responded_at"],
            "resolution_due_at": t["sla_due_at"],
            "resolved_at": t["resolved_at"],
            "solved_remotely_at": t["resolved_remotely_at"],
            "repaired": t["has_completed"],
            "visited": t["has_started"],
        }


def summarise_tickets(
    *, ticket_ids: Iterable[int], ticket_model: Any, visit_model: Any, summary_model: Any
) -> int:
    """Write the summary rows of the tickets `ticket_ids` again (upserted). Returns how many
    rows were written. Runs in the caller's transaction (or its own)."""
    ids = sorted(set(ticket_ids))
    written = 0
    with transaction.atomic():
        for chunk_start in range(0, len(ids), BATCH):
            chunk = ids[chunk_start : chunk_start + BATCH]
            rows = [summary_model(**row) for row in _ticket_rows(ticket_model, visit_model, chunk)]
            summary_model.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["ticket"],
                update_fields=[name.removesuffix("_id") for name in TICKET_FIELDS],
            )
            written += len(rows)
    return written


def rebuild_tickets(*, ticket_model: Any, visit_model: Any, summary_model: Any) -> int:
    """Every ticket has its row written again from the tickets and their visits: the same
    rows the receivers keep (a ticket deleted takes its row with it). Safe to run again."""
    with transaction.atomic():
        ids = list(ticket_model.objects.values_list("pk", flat=True))
        return summarise_tickets(
            ticket_ids=ids,
            ticket_model=ticket_model,
            visit_model=visit_model,
            summary_model=summary_model,
        )
