"""Replaying the phone's offline outbox: actions in order, each once, conflicts reported.

Every action carries the phone's key and the visit version it was based on. A key seen before
returns its stored result. When the visit changed meanwhile (the dispatcher moved or cancelled
it), the action is not applied: the answer says what changed, and the technician decides (send
again with `force`, or drop it). Nothing is dropped silently.

Every refusal says whether sending the action again can help (`retry`): a step the state
machine forbids or input that is wrong is refused the same way every time, so the phone does
not offer to apply it anyway. "On my way" for a visit not planned for today is answered
"confirm": the technician is asked, and the phone sends it again with `confirm`.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dispatch.positions import record_position
from dispatch.services import hand_back_visit
from fieldservice import localformat
from fieldservice.errors import (
    DomainError,
    InvalidInput,
    NeedsConfirmation,
    NotAllowed,
    TransitionNotAllowed,
)
from technicians.models import Technician
from tickets import locks, services
from tickets.models import Visit
from tickets.selectors import helped_visit_ids

from .forms import SyncActionForm
from .models import SyncAction

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

# Refusals the server gives again to the same action, however often it is sent.
ALWAYS_REFUSED = (InvalidInput, NotAllowed, TransitionNotAllowed)


def _local(moment: datetime.datetime | None, technician: Technician | None) -> str:
    """A moment as the technician reads it: on their own clock, in their language
    ("Thu 3 Dec 08:00")."""
    if moment is None:
        return "-"
    tz = ZoneInfo(str(technician.timezone)) if technician is not None else None
    return localformat.moment(moment, "day_time", tz=tz)


def _visit_state(visit: Visit) -> dict:
    return {
        "version": visit.version,
        "status": visit.status,
        "status_label": str(visit.get_status_display()),
        "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
        "technician": visit.technician_id,
    }


def _apply(data: dict, visit: Visit, user: User, technician: Technician) -> None:
    """One checked action (SyncActionForm's cleaned data) through the services."""
    if data["type"] == "step":
        services.transition_visit(
            visit=visit,
            to=data["to"],
            by=user,
            reason=data["reason"],
            outcome=data["outcome"],
            confirm_not_today=data["confirm"],
        )
        return
    if data["type"] == "hand_back":
        hand_back_visit(visit=visit, by=user, reason=data["reason"])
        return
    if data["type"] == "position":
        # Only the latest reading is kept (on the technician's one position row); the action's
        # stored result carries no coordinates, so no trail of positions builds up here.
        record_position(
            technician=technician,
            visit=visit,
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy=data["accuracy"],
            recorded_at=data["recorded_at"],
        )
        return
    services.record_job(
        visit=visit,
        what=data["type"],
        by=user,
        text=data["text"],
        kind=data["kind"],
        part_id=data["part"],
        quantity=data["quantity"],
        price=data["price"],
        option_id=data["option"],
        signature=data["signature"],
        serial_number=data["serial_number"],
        checked=data["checked"],
    )


def _own_change(technician: Technician, visit: Visit, based_on: int) -> bool:
    """True when every change since `based_on` came from this technician's own synced actions
    (a note queued after "on my way" was based on the version before it)."""
    produced = {based_on}
    for result in (
        SyncAction.objects.filter(technician=technician, visit=visit)
        .order_by("pk")
        .values_list("result", flat=True)
    ):
        if result.get("based_on") in produced:
            produced.add(result["visit"]["version"])
    return visit.version in produced


def replay(*, technician: Technician, user: User, actions: list[object]) -> list[dict]:
    """Apply the phone's actions in order; one result per action. An action that cannot be
    applied gets an "error" result saying why, and the actions after it still run: the phone
    keeps the failed one for the technician to send again or drop, so nothing is lost."""
    return [_replay_one(technician, user, action) for action in actions]


def _replay_one(technician: Technician, user: User, action: object) -> dict:
    key = str(action.get("key", ""))[:64] if isinstance(action, dict) else ""
    try:
        return _replay(technician, user, action)
    except NeedsConfirmation as err:
        # Not stored: the same key comes back with the technician's confirmation.
        return {"key": key, "status": "confirm", "message": err.message, "retry": True}
    except DomainError as err:
        retry = not isinstance(err, ALWAYS_REFUSED)
        return {"key": key, "status": "error", "message": err.message, "retry": retry}
    except Exception:  # one action's failure must not cost the others' answers
        log.exception("sync action %r of technician %s failed", key, technician.pk)
        return {
            "key": key,
            "status": "error",
            "retry": True,
            "message": _(
                "The server could not apply this action. It stays on your phone: "
                "send it again later, or tell the office."
            ),
        }


def _replay(technician: Technician, user: User, action: object) -> dict:
    if not isinstance(action, dict):
        raise InvalidInput(_("Each action is an object with its key and type."))
    if action.get("user") not in (None, "") and str(action["user"]) != str(user.pk):
        # The phone keeps each action for who made it; one of another user's is never theirs.
        raise InvalidInput(
            _("Another user made this action on this phone: it is not applied as yours."),
            field="user",
        )
    form = SyncActionForm(data=action)
    if not form.is_valid():
        raise InvalidInput(form.first_error())
    data = form.cleaned_data
    with transaction.atomic():
        # One technician's actions are applied one at a time: a copy of an action that arrives
        # while the first is being applied waits here, then finds the first's result.
        locks.lock_technician(technician.pk)
        return _replay_locked(technician, user, data)


def _replay_locked(technician: Technician, user: User, data: dict) -> dict:
    key, kind = data["key"], data["type"]
    stored = SyncAction.objects.filter(key=key, technician=technician).first()
    if stored is not None:
        return {**stored.result, "status": "duplicate"}
    visit = (
        Visit.objects.filter(pk=data["visit"])
        .filter(Q(technician=technician) | Q(pk__in=helped_visit_ids(technician)))
        .first()
    )
    if visit is None:
        # Moved to a colleague or unknown: the technician must hear of it, not lose it.
        return {
            "key": key,
            "status": "conflict",
            "retry": False,  # applying it anyway cannot put it back on this technician's day
            "message": _("This visit is no longer on your schedule."),
        }
    based_on = data["version"]
    if (
        kind != "position"  # where the technician is does not depend on the visit's version
        and based_on is not None
        and based_on != visit.version
        and not data["force"]
        and not _own_change(technician, visit, based_on)
    ):
        return {
            "key": key,
            "status": "conflict",
            "retry": True,  # the technician may apply it to the visit as it is now
            "visit": _visit_state(visit),
            "message": _(
                "The visit changed while you were offline: it is now %(status)s, planned %(start)s."
            )
            % {
                "status": visit.get_status_display(),
                "start": _local(visit.planned_start, visit.technician),
            },
        }
    _apply(data, visit, user, technician)
    visit.refresh_from_db()
    result = {"key": key, "status": "ok", "visit": _visit_state(visit), "based_on": based_on}
    SyncAction.objects.create(key=key, technician=technician, visit=visit, kind=kind, result=result)
    return result
