"""Messages to staff written by the sweeper: each technician's next-day schedule in their own
evening, and dispatchers' alerts for SLAs about to be missed and visits running late."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings

from fieldservice import localformat
from technicians.models import Technician
from tickets.models import Ticket, Visit

from .. import wording
from ..models import Notification, Preference
from .recipients import Kind, after_quiet_hours, channels_of, config, dispatchers, staff_languages


def write_next_day_schedules(*, now: datetime.datetime) -> int:
    """After the evening hour (each technician's local time), one message per technician with
    visits tomorrow, listing them, on each channel they chose; written once per technician,
    channel and day."""
    hour = config("SCHEDULE_EVENING_HOUR", 19)
    evening: dict[int, tuple] = {}
    for tech in Technician.objects.filter(active=True).select_related("user"):
        tz = ZoneInfo(str(tech.timezone))
        local = now.astimezone(tz)
        if local.hour < hour:
            continue
        due = datetime.datetime.combine(local.date(), datetime.time(hour), tzinfo=tz)
        evening[tech.pk] = (tech, tz, local.date() + datetime.timedelta(days=1), due)
    if not evening:
        return 0
    preferences = {p.technician_id: p for p in Preference.objects.filter(technician__in=evening)}
    todo: dict[str, tuple] = {}  # dedupe key -> (technician's pk, channel, address)
    for pk, (tech, _tz, tomorrow, _due) in evening.items():
        for channel, address in channels_of(
            preferences.get(pk), email=tech.user.email, phone=tech.phone
        ):
            suffix = "" if channel == Notification.Channel.EMAIL else f":{channel}"
            todo[f"schedule:{pk}:{tomorrow}{suffix}"] = (pk, channel, address)
    for key in Notification.objects.filter(dedupe_key__in=todo).values_list(
        "dedupe_key", flat=True
    ):
        assert key is not None  # it matched one of todo's keys
        del todo[key]
    if not todo:
        return 0
    techs = {pk for pk, _channel, _address in todo.values()}
    # Each technician's tomorrow is a local day; the query takes the UTC span of them all.
    starts = [
        datetime.datetime.combine(evening[pk][2], datetime.time(), tzinfo=evening[pk][1])
        for pk in techs
    ]
    # Each technician's own language, else the company's.
    chosen = staff_languages({evening[pk][0].user_id for pk in techs})
    language_of = {pk: chosen[evening[pk][0].user_id] for pk in techs}
    lines: dict[int, list[str]] = {}
    for visit in (
        Visit.objects.filter(
            technician__in=techs,
            status__in=Visit.BUSY_STATUSES,
            planned_start__gte=min(starts),
            planned_start__lt=max(starts) + datetime.timedelta(days=1, hours=1),
        )
        .select_related(
            "ticket__site",
            "ticket__customer",
            "ticket__appliance__model",
            "ticket__appliance_model",
        )
        .order_by("planned_start")
    ):
        # The filter matched both: a technician among techs, a planned start in the span.
        assert visit.technician_id is not None
        assert visit.planned_start is not None
        _tech, tz, tomorrow, _due = evening[visit.technician_id]
        if visit.planned_start.astimezone(tz).date() == tomorrow:
            language = language_of[visit.technician_id]
            lines.setdefault(visit.technician_id, []).append(
                f"{localformat.moment(visit.planned_start, 'time', tz=tz, language=language)} "
                f"{visit.ticket.number} "
                f"{wording.purpose(visit.ticket, language)}: "
                f"{visit.ticket.customer}, {visit.ticket.site}"
            )
    rows = []
    for key, (pk, channel, address) in todo.items():
        if pk not in lines:
            continue
        tech, tz, tomorrow, due = evening[pk]
        language = language_of[pk]
        rows.append(
            Notification(
                kind=Kind.TECH_SCHEDULE,
                channel=channel,
                recipient=address,
                language=language,
                due_at=after_quiet_hours(due, preferences.get(pk), tz),
                dedupe_key=key,
                payload={
                    "name": tech.user.first_name,
                    "day": wording.day(tomorrow, language),
                    "lines": "\n".join(lines[pk]),
                },
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def write_dispatcher_alerts(*, now: datetime.datetime) -> int:
    """SLAs about to be missed and visits running late, each alert written once per dispatcher."""
    staff = dispatchers()
    if not staff:
        return 0
    margin = datetime.timedelta(minutes=config("SLA_ALERT_MINUTES", 60))
    tz = settings.TIME_ZONE
    alerts: list[Notification] = []
    at_risk = (
        Ticket.objects.filter(
            status__in=Ticket.OPEN_STATUSES,
            sla_paused_at__isnull=True,
            sla_due_at__gt=now,
            sla_due_at__lte=now + margin,
        )
        .exclude(visits__status__in=[Visit.Status.EN_ROUTE, Visit.Status.ON_SITE])
        .select_related("customer", "appliance__model", "appliance_model")
        .distinct()[:500]
    )

    def alert(
        kind: str, key: str, words: Callable[[str], dict], visit: Visit | None = None
    ) -> None:
        # One row per dispatcher; the dedupe key ends with theirs so each hears it once. The
        # payload is worded once per language among them.
        payloads = {language: words(language) for _pk, _email, language in staff}
        alerts.extend(
            Notification(
                kind=kind,
                recipient=email,
                language=language,
                due_at=now,
                visit=visit,
                dedupe_key=f"{key}:{pk}",
                payload=payloads[language],
            )
            for pk, email, language in staff
        )

    for ticket in at_risk:
        alert(
            Kind.SLA_AT_RISK,
            f"sla:{ticket.pk}:{ticket.sla_due_at:%Y%m%d%H%M}",
            functools.partial(_at_risk, ticket, tz),
        )
    late = Visit.objects.filter(
        status__in=[Visit.Status.SCHEDULED, Visit.Status.EN_ROUTE],
        window_end__lt=now,
        window_end__gte=now - datetime.timedelta(days=1),
    ).select_related("ticket__appliance__model", "ticket__appliance_model", "technician__user")[
        :500
    ]
    for visit in late:
        assert visit.window_end is not None  # window_end__lt matched it
        alert(
            Kind.RUNNING_LATE,
            f"late:{visit.pk}:{visit.version}",
            functools.partial(_running_late, visit, tz),
            visit=visit,
        )
    Notification.objects.bulk_create(alerts, ignore_conflicts=True)
    return len(alerts)


def _at_risk(ticket: Ticket, tz: str, language: str) -> dict:
    assert ticket.sla_due_at is not None  # the query matched its due time
    return {
        "number": ticket.number,
        "name": str(ticket.customer),
        "what": wording.purpose(ticket, language),
        "due": wording.when(ticket.sla_due_at, tz, language),
    }


def _running_late(visit: Visit, tz: str, language: str) -> dict:
    assert visit.window_end is not None  # the query matched its window's end
    return {
        "number": visit.ticket.number,
        "technician": str(visit.technician) if visit.technician else "-",
        "what": wording.purpose(visit.ticket, language),
        "window_end": wording.when(visit.window_end, tz, language),
    }
