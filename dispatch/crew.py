"""Crews: helpers booked with a visit's lead for its time (heavy installations). Each helper
must be free then, like the lead (dispatch.rules), and a crew's visit stays where the
dispatcher put it: adding a helper locks and pins it for the planner."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fieldservice import texts
from fieldservice.errors import DomainError, InvalidInput, TechnicianBusy, TransitionNotAllowed
from technicians.models import Technician
from tickets import locks
from tickets.models import TicketEvent, Visit, VisitBooking
from tickets.services import ensure_version, record

from . import events, rules

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HELPER = VisitBooking.Role.HELPER


def helper_ids(visit: Visit) -> list[int]:
    return list(
        VisitBooking.objects.filter(visit_id=visit.pk, role=HELPER).values_list(
            "technician_id", flat=True
        )
    )


def ensure_crew_free(
    visit: Visit,
    crew: dict[int, Technician],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    lead_id: int,
    override: bool = False,
) -> list[str]:
    """Refuse, naming who, when a helper of the visit is off or busy in [start, end), or
    outside their working hours then (unless `override`, a dispatcher's recorded reason:
    the messages overridden are returned, as add_helper allows). The caller holds the crew's
    technician locks (`crew`, by primary key) and the visit's."""
    overridden: list[str] = []
    for pk in helper_ids(visit):
        if pk == lead_id:
            continue  # made lead: checked as the lead
        helper = crew.get(pk) or locks.lock_technician(pk)
        try:
            rules.ensure_in_working_hours(helper, start, end)
        except DomainError as err:
            if not override:
                raise
            overridden.append(err.message)
        rules.ensure_not_off(helper, start, end)
        rules.ensure_free(helper, start, end, ignoring=visit)
    return overridden


def _busy(technician: Technician, exc: IntegrityError) -> TechnicianBusy:
    return TechnicianBusy(_("%(name)s already has a visit at that time.") % {"name": technician})


def add_helper(
    *,
    visit: Visit,
    technician: Technician,
    by: User | None,
    override_reason: str = "",
    expected_version: int | None = None,
) -> VisitBooking:
    """Book `technician` as a helper on a scheduled visit, for its planned time, or say why
    not: the visit's lead already, in its crew already, inactive, off or busy then (never
    overridden), or outside their working hours (a dispatcher may override with a reason,
    recorded). The visit is then locked and pinned, so the planner keeps it as placed. Takes
    the crew's technician locks in primary-key order, then the ticket's and the visit's."""
    texts.ensure_length(override_reason, limit=texts.REASON, field="override_reason")
    try:
        with transaction.atomic():
            return _add_helper(visit, technician, by, override_reason.strip(), expected_version)
    except IntegrityError as exc:
        # The exclusion constraint: a writer that bypassed the service booked them meanwhile.
        raise _busy(technician, exc) from exc


def _add_helper(
    visit: Visit,
    technician: Technician,
    by: User | None,
    override_reason: str,
    expected_version: int | None,
) -> VisitBooking:
    pks = [technician.pk] + ([visit.technician_id] if visit.technician_id else [])
    crew = {t.pk: t for t in locks.lock_technicians(pks)}
    technician = crew[technician.pk]
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status != Visit.Status.SCHEDULED or visit.planned_start is None:
        raise TransitionNotAllowed(
            _("Helpers join a scheduled visit: put it on its lead's day first (it is %(s)s).")
            % {"s": visit.get_status_display()}
        )
    if technician.pk == visit.technician_id:
        raise InvalidInput(
            _("%(name)s leads this visit already.") % {"name": technician}, field="technician"
        )
    if VisitBooking.objects.filter(visit=visit, technician=technician).exists():
        raise InvalidInput(
            _("%(name)s is in this visit's crew already.") % {"name": technician},
            field="technician",
        )
    if not technician.active:
        raise InvalidInput(
            _("%(name)s is not an active technician.") % {"name": technician},
            field="technician",
        )
    start, end = visit.planned_start, visit.planned_end or visit.planned_start + visit.duration
    overridden = []
    try:
        rules.ensure_in_working_hours(technician, start, end)
    except DomainError as err:
        if not override_reason:
            raise
        overridden.append(err.message)
    rules.ensure_not_off(technician, start, end)
    rules.ensure_free(technician, start, end, ignoring=visit)
    booking = VisitBooking.objects.create(
        visit=visit,
        technician=technician,
        role=HELPER,
        planned_start=start,
        planned_end=end,
        active=True,
    )
    visit.locked = visit.pinned = True
    visit.version += 1  # the row is locked, so a plain increment is safe
    visit.save()
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        reason=_("Helper added to the crew: %(name)s") % {"name": technician},
        visit=visit.pk,
        helper=technician.pk,
    )
    events.helper_added.send(sender=Visit, visit=visit, technician=technician, by=by)
    if overridden:
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.OVERRIDE,
            reason=override_reason,
            visit=visit.pk,
            overridden=overridden,
        )
    return booking


@transaction.atomic
def remove_helper(
    *, visit: Visit, technician: Technician, by: User | None, expected_version: int | None = None
) -> Visit:
    """Take a helper off a visit that has not started; the visit stays locked and pinned."""
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status not in (Visit.Status.UNASSIGNED, Visit.Status.SCHEDULED):
        raise TransitionNotAllowed(
            _("The crew of a visit that is %(s)s stays as it was.")
            % {"s": visit.get_status_display()}
        )
    deleted, _rows = VisitBooking.objects.filter(
        visit=visit, technician=technician, role=HELPER
    ).delete()
    if not deleted:
        raise InvalidInput(
            _("%(name)s is not a helper on this visit.") % {"name": technician},
            field="technician",
        )
    visit.version += 1
    visit.save()
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        reason=_("Helper taken off the crew: %(name)s") % {"name": technician},
        visit=visit.pk,
        helper=technician.pk,
    )
    events.helper_removed.send(sender=Visit, visit=visit, technician=technician, by=by)
    return visit
