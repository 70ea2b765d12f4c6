"""How a message says when and what: dates as people write them ("Thu 3 Dec, 08:00-10:00"), in
the recipient's language (Django's own day and month names) and the place's time zone, and what
a visit is for ("Repair, washing machine Bosch WAW28").

Every word goes through gettext under the recipient's language, whatever the language of the
page that caused the message: the kinds of job are the ticket's own choice labels; appliance
categories and visit outcomes have words of their own here, since a sentence wants "washing
machine" and "a part is needed" where a form's list says "Washing machine" and "Needs parts".
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from fieldservice import localformat

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tickets.models import Ticket


# An appliance as named inside a sentence ("Repair, washing machine Bosch WAW28"): lower case,
# and in the customer's words ("air conditioning", not the catalogue's "HVAC").
CATEGORIES: dict[str, Promise] = {
    "printer": pgettext_lazy("appliance, in a sentence", "printer"),
    "hvac": pgettext_lazy("appliance, in a sentence", "air conditioning"),
    "washing_machine": pgettext_lazy("appliance, in a sentence", "washing machine"),
    "refrigerator": pgettext_lazy("appliance, in a sentence", "refrigerator"),
    "dishwasher": pgettext_lazy("appliance, in a sentence", "dishwasher"),
    "pc": pgettext_lazy("appliance, in a sentence", "PC"),
    "network": pgettext_lazy("appliance, in a sentence", "network"),
}
# Why a visit could not finish, as the follow-up message tells the customer.
OUTCOMES: dict[str, Promise] = {
    "needs_parts": gettext_lazy("a part is needed"),
    "customer_absent": gettext_lazy("nobody was there"),
    "needs_workshop": gettext_lazy("the appliance must be repaired in our workshop"),
}


def _word(words: dict[str, Promise], key: str, language: str) -> str:
    word = words.get(key)
    if word is None:
        return key
    with translation.override(language):
        return str(word)


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
    with translation.override(language):
        kind = ticket.get_kind_display()
    model = ticket.appliance.model if ticket.appliance_id else ticket.appliance_model
    if model is not None:
        category = _word(CATEGORIES, model.category, language)
        return f"{kind}, {category} {model}"
    words = " ".join(ticket.description.split())
    if words:
        return f"{kind}, {words[:60].rstrip()}{'…' if len(words) > 60 else ''}"
    return kind
