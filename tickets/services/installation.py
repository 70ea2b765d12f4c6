"""Installation visits: the commissioning record the installer fills on the phone (serial and
checklist), the check that completion needs it whole, and the installed appliance registered
at completion with its warranty starting that day (customers.services.register_appliance)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.commissioning import checklist
from customers.models import Appliance
from customers.services import register_appliance, warranty_end
from fieldservice.errors import InvalidInput, TransitionNotAllowed

from .. import locks
from ..installation import category_of, commissioning_of, is_installation
from ..models import Commissioning, Ticket, TicketEvent, Visit
from .history import record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SERIAL_MAX = 100  # Appliance.serial_number


def clean_serial(serial_number: str) -> str:
    """The serial as scanned or typed, trimmed; refused when it cannot be one."""
    serial = serial_number.strip()
    if len(serial) > SERIAL_MAX:
        raise InvalidInput(
            _("The serial number is at most %(n)d characters.") % {"n": SERIAL_MAX},
            field="serial_number",
        )
    if any(not char.isprintable() for char in serial):
        raise InvalidInput(
            _("The serial number has characters a rating plate does not: scan or type it again."),
            field="serial_number",
        )
    return serial


def _registered_elsewhere(ticket: Ticket, serial: str) -> Appliance | None:
    """Another appliance of the same model already registered with this serial, if any."""
    model = ticket.appliance.model if ticket.appliance is not None else ticket.appliance_model
    if model is None or not serial:
        return None
    others = Appliance.objects.filter(model=model, serial_number=serial).select_related("model")
    if ticket.appliance_id is not None:
        others = others.exclude(pk=ticket.appliance_id)
    return others.first()


def _taken(appliance: Appliance) -> InvalidInput:
    return InvalidInput(
        _("A %(model)s with serial number %(serial)s is already registered.")
        % {"model": appliance.model, "serial": appliance.serial_number},
        field="serial_number",
    )


@transaction.atomic
def record_commissioning(
    *, visit: Visit, serial_number: str, checked: list[str], by: User | None
) -> Commissioning:
    """Record the installation's serial and the checklist items ticked, as a whole: what is not
    in `checked` is not ticked. Sent again the same, it changes nothing, so a replayed action
    of the phone is harmless. Refused for a visit that is not an installation's, for one not
    under way, and for one already completed (the appliance is registered by then)."""
    visit = locks.lock_visit(visit.pk)
    if not is_installation(visit):
        raise InvalidInput(
            _("Only an installation has a commissioning checklist."), field="checklist"
        )
    if visit.status not in (Visit.Status.EN_ROUTE, Visit.Status.ON_SITE):
        raise TransitionNotAllowed(
            _("Fill the checklist once you are on the way or on site (the visit is %(s)s).")
            % {"s": visit.get_status_display()}
        )
    serial = clean_serial(serial_number)
    known = {item.key: item for item in checklist(category_of(visit.ticket))}
    unknown = [key for key in checked if key not in known]
    if unknown:
        raise InvalidInput(
            _("%(item)s is not on this appliance's checklist.") % {"item": unknown[0]},
            field="checklist",
        )
    if (other := _registered_elsewhere(visit.ticket, serial)) is not None:
        raise _taken(other)
    ticked = [key for key in known if key in set(checked)]  # the checklist's order, once each
    commissioning, _created = Commissioning.objects.update_or_create(
        visit=visit, defaults={"serial_number": serial, "checked": ticked, "by": by}
    )
    return commissioning


def ensure_commissioned(visit: Visit) -> None:
    """Refuse, naming what is missing, to complete an installation before its serial is
    recorded and every item of its checklist is ticked. The caller holds the visit's lock."""
    if not is_installation(visit):
        return
    state = commissioning_of(visit)
    missing = []
    if not state.serial_number:
        missing.append(_("the serial number of the unit installed"))
    if state.missing:
        missing.append(
            _("the checklist items %(items)s")
            % {"items": ", ".join(f"“{item.label}”" for item in state.missing)}
        )
    if missing:
        raise InvalidInput(
            _("To complete this installation, record %(missing)s first.")
            % {"missing": _(" and ").join(missing)},
            field="serial_number" if not state.serial_number else "checklist",
        )
    if (other := _registered_elsewhere(visit.ticket, state.serial_number)) is not None:
        raise _taken(other)


def register_installed(*, visit: Visit, by: User | None, now: datetime.datetime) -> Appliance:
    """The appliance the completed installation put in: registered at the site with the serial
    recorded, installed on the day of completion on the site's clock, its warranty starting
    then for the model's months. An appliance the ticket named already (the customer
    registered it before the visit) gets the serial, the date and the warranty. The ticket
    then names the appliance, so the next repair's coverage finds the warranty. The caller
    holds the ticket's and the visit's locks and has checked ensure_commissioned."""
    ticket = visit.ticket
    serial = commissioning_of(visit).serial_number
    day = now.astimezone(ZoneInfo(str(ticket.site.timezone))).date()
    appliance = ticket.appliance
    if appliance is None:
        model = ticket.appliance_model
        if model is None:  # open_ticket refuses an installation without one
            raise InvalidInput(
                _("An installation needs the appliance model to install."), field="appliance_model"
            )
        appliance = register_appliance(
            site=ticket.site,
            model=model,
            serial_number=serial,
            warranty_until=warranty_end(model=model, purchased_on=day),
            by=None,  # the company registers it, not the customer
        )
        ticket.appliance = appliance
        ticket.save(update_fields=["appliance", "updated_at"])
    # The installation day is set here rather than as a purchase date: on the site's clock it
    # may already be tomorrow on the server's, which register_appliance would call the future.
    appliance.serial_number = serial
    appliance.installed_on = day
    if appliance.model is not None:
        appliance.warranty_until = warranty_end(model=appliance.model, purchased_on=day)
    appliance.save(update_fields=["serial_number", "installed_on", "warranty_until"])
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.NOTE,
        reason=_("Installed appliance registered: %(appliance)s, warranty until %(date)s.")
        % {
            "appliance": appliance,
            "date": appliance.warranty_until.isoformat() if appliance.warranty_until else "-",
        },
        visit=visit.pk,
        appliance=appliance.pk,
    )
    return appliance
