"""Writes of insights: the managers' weekly summary, once a week; what an import brings in
(insights.imports checks the file first), written by a Celery task that reports its progress;
the visits' and the tickets' summaries the figures count."""

from __future__ import annotations

import datetime
import functools
import math
import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dispatch.selectors import company_tz
from fieldservice.celery import hand_out
from fieldservice.errors import InvalidInput
from tickets.models import Ticket, Visit

from . import events, imports, selectors, summaries
from .kpis import Scope
from .models import ImportRun, TicketSummary, VisitSummary, WeeklySummary

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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


IMPORT_TASK = "insights.tasks.run_import"


def import_rows(
    *,
    kind: imports.Kind,
    rows: list[imports.Row],
    only_valid: bool = False,
    progress: imports.base.Progress | None = None,
) -> imports.Imported:
    """Write the checked rows (kind.check_rows) in one transaction: all of them, or with
    `only_valid` the rows without errors; a file with errors and no such choice writes nothing
    (InvalidInput). The kind's writer takes the rows a chunk at a time (bulk reads of the
    natural keys, bulk_create and bulk_update), so the queries grow with the chunks, not the
    rows; a row already in the records changes nothing. New addresses are geocoded once each;
    one that cannot be placed is saved "not on the map yet" and its line listed in
    `unplaced`. `progress` hears the rows written after every chunk."""
    imports.ensure_importable(rows, only_valid=only_valid)
    result = imports.Imported(skipped=sum(1 for row in rows if not row.valid))
    geocoder = imports.Geocoder()
    done = 0
    try:
        with transaction.atomic():
            for chunk in imports.chunks([row for row in rows if row.valid]):
                kind.write(chunk, result, geocoder)
                done += len(chunk)
                if progress is not None:
                    progress(done)
    except IntegrityError as exc:
        # The checker reads the records before the write: a row that another person's
        # change made a duplicate since then is refused here, and the whole file with it.
        raise InvalidInput(
            _(
                "The records changed while the file was imported (a code, email address or "
                "serial number is taken now): nothing was written. Upload the file again."
            ),
            field="file",
        ) from exc
    result.unplaced.sort()
    return result


def import_customers(*, rows: list[imports.Row], only_valid: bool = False) -> imports.Imported:
    """Customers with their site and appliances (import_rows with the customers' kind)."""
    return import_rows(kind=imports.KINDS["customers"], rows=rows, only_valid=only_valid)


def queue_import(
    *, by: User, kind: str, name: str, content: bytes, only_valid: bool, language: str = ""
) -> ImportRun:
    """A confirmed file, handed to a Celery task once the run is committed (run_import). With
    tasks run in-process it is written before this returns, unless an outer transaction is
    still open."""
    if kind not in imports.KINDS:
        raise InvalidInput(_("Choose what to import."), field="kind")
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            file_name=name[:255],
            content=content,
            only_valid=only_valid,
            language=language[:8],
            requested_by=by,
        )
        transaction.on_commit(functools.partial(_start_import, run.pk))
    run.refresh_from_db()
    return run


def _start_import(run_id: int) -> None:
    try:
        hand_out(IMPORT_TASK, run_id)
    except Exception:  # noqa: BLE001 - whatever the broker raised, the run says so
        # Still queued: the broker failed. Otherwise the task ran here (eager mode) and its
        # run says how it ended already.
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.FAILED,
            error=_(
                "The import could not be started: its task queue did not answer. Nothing "
                "was written; upload the file again."
            ),
            content=b"",
            finished_at=timezone.now(),
        )


def run_import(*, run_id: int) -> None:
    """Read, check and write a queued run's file; claimed with a conditional update, so a
    second delivery of the task does nothing. The rows written so far are kept in the cache
    for the page that polls; the run ends done, with what was written, or failed, with why
    nothing was."""
    if not ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    ):
        return
    run = ImportRun.objects.get(pk=run_id)
    with translation.override(run.language or None):
        _run(run)


def _run(run: ImportRun) -> None:
    last = [-math.inf]

    def progress(done: int) -> None:
        # At most twice a second: the page polls, the import does not wait for it.
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            cache.set(imports.progress_key(run.pk), done, imports.STAGED_SECONDS)

    try:
        kind = imports.KINDS[run.kind]
        raw = imports.read_file(name=run.file_name, content=bytes(run.content), kind=run.kind)
        ImportRun.objects.filter(pk=run.pk).update(total=len(raw))
        rows = kind.check_rows(raw)
        result = import_rows(kind=kind, rows=rows, only_valid=run.only_valid, progress=progress)
    except InvalidInput as err:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=err.message,
            content=b"",
            finished_at=timezone.now(),
        )
        return
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=_("The import failed: nothing was written. Try again, or tell the support."),
            content=b"",
            finished_at=timezone.now(),
        )
        raise
    finally:
        cache.delete(imports.progress_key(run.pk))
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE,
        result=result.as_json(),
        content=b"",
        finished_at=timezone.now(),
    )


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


def refresh_ticket_summaries(*, ticket_ids: list[int]) -> int:
    """The summaries of these tickets written again in the caller's transaction (the ticket,
    or a visit of it, has just changed). Returns how many rows were written."""
    return summaries.summarise_tickets(
        ticket_ids=ticket_ids, ticket_model=Ticket, visit_model=Visit, summary_model=TicketSummary
    )


def rebuild_ticket_summaries() -> int:
    """Every ticket has its summary written again from the tickets and their visits (as
    rebuild_visit_summaries, for a database written around the services). Returns how many
    rows."""
    return summaries.rebuild_tickets(
        ticket_model=Ticket, visit_model=Visit, summary_model=TicketSummary
    )
