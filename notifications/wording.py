"""How a message says when and what: dates as people write them ("Thu 3 Dec, 08:00-10:00"), in
the recipient's language (Django's own day and month names) and the place's time zone, and what
a visit is for ("Repair, washing machine Bosch WAW28").

The words for kinds of job and of appliance are kept here the way messages.py keeps the
messages' texts, four languages side by side, for the same reason: a message is written in its
recipient's language, whatever the language of the page that caused it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fieldservice import localformat

if TYPE_CHECKING:
    from tickets.models import Ticket


KINDS: dict[str, dict[str, str]] = {
    "installation": {
        "en": "Installation",
        "it": "Installazione",
        "es": "Instalación",
        "bg": "Монтаж",
    },
    "repair": {"en": "Repair", "it": "Riparazione", "es": "Reparación", "bg": "Ремонт"},
    "maintenance": {
        "en": "Maintenance",
        "it": "Manutenzione",
        "es": "Mantenimiento",
        "bg": "Поддръжка",
    },
}
CATEGORIES: dict[str, dict[str, str]] = {
    "printer": {"en": "printer", "it": "stampante", "es": "impresora", "bg": "принтер"},
    "hvac": {
        "en": "air conditioning",
        "it": "climatizzatore",
        "es": "climatización",
        "bg": "климатик",
    },
    "washing_machine": {
        "en": "washing machine",
        "it": "lavatrice",
        "es": "lavadora",
        "bg": "пералня",
    },
    "refrigerator": {
        "en": "refrigerator",
        "it": "frigorifero",
        "es": "frigorífico",
        "bg": "хладилник",
    },
    "dishwasher": {
        "en": "dishwasher",
        "it": "lavastoviglie",
        "es": "lavavajillas",
        "bg": "съдомиялна",
    },
    "pc": {"en": "PC", "it": "PC", "es": "PC", "bg": "компютър"},
    "network": {"en": "network", "it": "rete", "es": "red", "bg": "мрежа"},
}
# Why a visit could not finish, as the follow-up message tells the customer.
OUTCOMES: dict[str, dict[str, str]] = {
    "needs_parts": {
        "en": "a part is needed",
        "it": "serve un ricambio",
        "es": "hace falta una pieza",
        "bg": "нужна е резервна част",  # noqa: RUF001 - Cyrillic is meant
    },
    "customer_absent": {
        "en": "nobody was there",
        "it": "non c'era nessuno",
        "es": "no había nadie",
        "bg": "нямаше никого",
    },
    "needs_workshop": {
        "en": "the appliance must be repaired in our workshop",
        "it": "l'apparecchio va riparato in laboratorio",
        "es": "el aparato debe repararse en el taller",
        "bg": "уредът трябва да се ремонтира в сервиза",  # noqa: RUF001 - Cyrillic
    },
}


def _word(words: dict[str, dict[str, str]], key: str, language: str) -> str:
    forms = words.get(key)
    if forms is None:
        return key
    return forms.get(language) or forms["en"]


def _local(moment: datetime.datetime, tz: ZoneInfo | str) -> datetime.datetime:
    return moment.astimezone(ZoneInfo(str(tz)))


def _day_time(moment: datetime.datetime, language: str) -> str:
    return f"{localformat.moment(moment, 'day', language=language)}, {_time(moment, language)}"


def _time(moment: datetime.datetime, language: str) -> str:
    return localformat.moment(moment, "time", language=language)


def when(moment: datetime.datetime, tz: ZoneInfo | str, language: str) -> str:
    """A moment as a local day and time: "Thu 3 Dec, 08:00", "gio 3 dic, 08:00"."""
    return _day_time(_local(moment, tz), language)


def day(value: datetime.date, language: str) -> str:
    """A day: "Thu 3 Dec"."""
    return localformat.moment(value, "day", language=language)


def window(
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    tz: ZoneInfo | str,
    language: str,
) -> str:
    """An arrival window: "Thu 3 Dec, 08:00-10:00", both days when it crosses midnight; "-"
    when the visit has none yet."""
    if start is None or end is None:
        return "-"
    first, last = _local(start, tz), _local(end, tz)
    if first.date() == last.date():
        return f"{_day_time(first, language)}-{_time(last, language)}"
    return f"{_day_time(first, language)} - {_day_time(last, language)}"


def outcome(value: str, language: str) -> str:
    """Why the visit could not finish, in words for the customer."""
    return _word(OUTCOMES, value, language)


def purpose(ticket: Ticket, language: str) -> str:
    """What the visit is for: the kind of job and the appliance ("Repair, washing machine Bosch
    WAW28"), or the first words of the request when no appliance is named."""
    kind = _word(KINDS, ticket.kind, language)
    model = ticket.appliance.model if ticket.appliance_id else ticket.appliance_model
    if model is not None:
        category = _word(CATEGORIES, model.category, language)
        return f"{kind}, {category} {model}"
    words = " ".join(ticket.description.split())
    if words:
        return f"{kind}, {words[:60].rstrip()}{'…' if len(words) > 60 else ''}"
    return kind
