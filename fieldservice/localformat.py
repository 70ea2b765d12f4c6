"""Days, times, money and phone numbers as the reader's language writes them.

The one place that turns a moment into words: templates reach it through the `local` tag
library, e-mails, SMS and event descriptions call it directly, so "Thu 3 Dec 08:00" is
written the same way everywhere. Patterns come from our format module
(fieldservice/formats/<lang>/formats.py) and are written with babel, whose CLDR data has
the weekday and month abbreviations as people write them."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date, format_datetime, format_time
from django.conf import settings
from django.utils import formats, timezone, translation

_PATTERNS = {
    "day": ("DAY_PATTERN",),
    "day_time": ("DAY_PATTERN", "TIME_PATTERN"),
    "long_day": ("LONG_DAY_PATTERN",),
    "long_day_time": ("LONG_DAY_PATTERN", "TIME_PATTERN"),
    "year_day": ("YEAR_DAY_PATTERN",),
    "date": ("DATE_PATTERN",),
    "date_time": ("DATE_PATTERN", "TIME_PATTERN"),
    "time": ("TIME_PATTERN",),
}


def _language(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def pattern(name: str, language: str | None = None) -> str:
    """Our format module's CLDR pattern NAME ("DAY_PATTERN") for the language, English's
    when the language has none."""
    lang = _language(language)
    for code in (lang, "en"):
        for module in formats.get_format_modules(code):
            if hasattr(module, name):
                return str(getattr(module, name))
    raise KeyError(name)


def first_day_of_week(language: str | None = None) -> int:
    """0 for Sunday, 1 for Monday, as the language's calendars start the week."""
    return int(formats.get_format("FIRST_DAY_OF_WEEK", lang=_language(language)))


def week_of(day: datetime.date, language: str | None = None) -> list[datetime.date]:
    """The seven days of DAY's week as the language's calendars lay it out: Monday to Sunday
    in Italian, Spanish and Bulgarian, Sunday to Saturday in English."""
    # date.weekday() counts from Monday = 0; FIRST_DAY_OF_WEEK from Sunday = 0.
    back = (day.weekday() + 1 - first_day_of_week(language)) % 7
    start = day - datetime.timedelta(days=back)
    return [start + datetime.timedelta(days=n) for n in range(7)]


def moment(
    value: datetime.datetime | datetime.date | datetime.time | None,
    style: str = "day_time",
    *,
    tz: ZoneInfo | str | None = None,
    language: str | None = None,
) -> str:
    """A date, time or moment in one of the styles above ("day_time": "Thu 3 Dec 08:00").
    Aware moments are shown on the clock TZ, the active time zone when not given; "" for None."""
    if value is None or value == "":
        return ""
    lang = _language(language)
    locale = translation.to_locale(lang)
    names = _PATTERNS[style]
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(ZoneInfo(str(tz)) if tz else timezone.get_current_timezone())
        return " ".join(format_datetime(value, pattern(n, lang), locale=locale) for n in names)
    if isinstance(value, datetime.date):
        return format_date(value, pattern(names[0], lang), locale=locale)
    return format_time(value, pattern("TIME_PATTERN", lang), locale=locale)


def phone(number: str | phonenumbers.PhoneNumber | None) -> str:
    """A phone number as people dial it: national format for a number in the company's
    country ("06 1234 5678"), international for others ("+359 2 123 4567"); what was
    given when it does not parse."""
    if not number:
        return ""
    region = settings.FIELDSERVICE.get("COUNTRY") or "IT"
    if isinstance(number, phonenumbers.PhoneNumber):
        parsed = number
    else:
        try:
            parsed = phonenumbers.parse(str(number), region)
        except phonenumbers.NumberParseException:
            return str(number)
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
