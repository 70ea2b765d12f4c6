"""Replaying the phone's offline outbox: actions in order, each once, conflicts reported.

Every action carries the phone's key and the visit version it was based on. A key seen before
returns its stored result. When the visit changed meanwhile (the dispatcher moved or cancelled
it), the action is not applied: the answer says what changed, and the technician decides (send
again with `force`, or drop it). Nothing is dropped silently.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fieldservice.errors import DomainError, InvalidInput

from . import services
from .models import Part, RepairOption, SyncAction, Visit

KINDS = {"step", "note", "part", "option", "choose", "decline", "sign"}


def _visit_state(visit: Visit) -> dict:
    return {
        "version": visit.version,
        "status": visit.status,
        "status_label": str(visit.get_status_display()),
        "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
        "technician": visit.technician_id,
    }


def _apply(action: dict, visit: Visit, user) -> None:
    kind = action["type"]
    if kind == "step":
        services.transition_visit(
            visit=visit,
            to=str(action.get("to", "")),
            by=user,
            reason=str(action.get("reason", "")),
            outcome=str(action.get("outcome", "")),
        )
    elif kind == "note":
        services.record_entry(
            visit=visit,
            text=str(action.get("text", "")),
            kind=str(action.get("kind") or "work"),
            by=user,
        )
    elif kind == "part":
        part = Part.objects.filter(pk=action.get("part") or 0).first()
        if part is None:
            raise InvalidInput(_("Unknown part."), field="part")
        services.use_part(visit=visit, part=part, quantity=int(action.get("quantity") or 1))
    elif kind == "option":
        try:
            price = Decimal(str(action.get("price")))
        except InvalidOperation as exc:
            raise InvalidInput(_("The price is not a number."), field="price") from exc
        services.offer_option(visit=visit, description=str(action.get("text", "")), price=price)
    elif kind in ("choose", "decline"):
        option = RepairOption.objects.filter(pk=action.get("option") or 0, visit=visit).first()
        if option is None:
            raise InvalidInput(_("Unknown repair option."), field="option")
        services.decide_option(option=option, chosen=kind == "choose")
    elif kind == "sign":
        data = str(action.get("signature", ""))
        try:
            png = base64.b64decode(data.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(_("The signature could not be read."), field="signature") from exc
        services.sign_visit(visit=visit, signed_by=str(action.get("text", "")), png=png)


def _own_change(technician, visit: Visit, based_on: int) -> bool:
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


def replay(*, technician, user, actions: list[dict]) -> list[dict]:
    """Apply the phone's actions in order; one result per action."""
    results = []
    for action in actions:
        key = str(action.get("key", ""))[:64]
        kind = action.get("type")
        if not key or kind not in KINDS:
            results.append(
                {
                    "key": key,
                    "status": "error",
                    "message": _("Each action needs a key and a known type."),
                }
            )
            continue
        stored = SyncAction.objects.filter(key=key, technician=technician).first()
        if stored is not None:
            results.append({**stored.result, "status": "duplicate"})
            continue
        visit = Visit.objects.filter(pk=action.get("visit") or 0, technician=technician).first()
        if visit is None:
            # Moved to a colleague or unknown: the technician must hear of it, not lose it.
            results.append(
                {
                    "key": key,
                    "status": "conflict",
                    "message": _("This visit is no longer on your schedule."),
                }
            )
            continue
        based_on = action.get("version")
        if (
            based_on is not None
            and int(based_on) != visit.version
            and not action.get("force")
            and not _own_change(technician, visit, int(based_on))
        ):
            results.append(
                {
                    "key": key,
                    "status": "conflict",
                    "visit": _visit_state(visit),
                    "message": _(
                        "The visit changed while you were offline: it is now "
                        "%(status)s, planned %(start)s."
                    )
                    % {
                        "status": visit.get_status_display(),
                        "start": visit.planned_start.strftime("%d/%m %H:%M")
                        if visit.planned_start
                        else "-",
                    },
                }
            )
            continue
        try:
            with transaction.atomic():
                _apply(action, visit, user)
                visit.refresh_from_db()
                result = {
                    "key": key,
                    "status": "ok",
                    "visit": _visit_state(visit),
                    "based_on": based_on,
                }
                SyncAction.objects.create(
                    key=key, technician=technician, visit=visit, kind=kind, result=result
                )
        except DomainError as err:
            result = {"key": key, "status": "error", "message": err.message}
        except IntegrityError:
            # The same key arrived twice at once: the other request recorded it.
            stored = SyncAction.objects.get(key=key, technician=technician)
            result = {**stored.result, "status": "duplicate"}
        results.append(result)
    return results
