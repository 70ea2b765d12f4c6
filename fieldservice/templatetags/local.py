"""Days, times and phone numbers in the reader's language: `{% load local %}`, then
`{{ visit.window_start|day_time }}`, `{{ day|long_day }}`, `{{ contact.phone|phone }}`.
The words come from fieldservice.localformat, the same as e-mails and SMS."""

from __future__ import annotations

import datetime

import phonenumbers
from django import template

from fieldservice import localformat

register = template.Library()

Moment = datetime.datetime | datetime.date | datetime.time | None


@register.filter
def day(value: Moment) -> str:
    """ "Thu 3 Dec", "gio 3 dic"."""
    return localformat.moment(value, "day")


@register.filter
def day_time(value: Moment) -> str:
    """ "Thu 3 Dec 08:00"."""
    return localformat.moment(value, "day_time")


@register.filter
def long_day(value: Moment) -> str:
    """ "Thursday 3 December", "giovedì 3 dicembre"."""
    return localformat.moment(value, "long_day")


@register.filter
def long_day_time(value: Moment) -> str:
    """ "Thursday 3 December 08:00"."""
    return localformat.moment(value, "long_day_time")


@register.filter
def year_day(value: Moment) -> str:
    """ "Thursday 3 December 2026"."""
    return localformat.moment(value, "year_day")


@register.filter
def date_time(value: Moment) -> str:
    """ "3 Dec 2026 08:00", for records such as the service report."""
    return localformat.moment(value, "date_time")


@register.filter
def hm(value: Moment) -> str:
    """ "08:00" on the active clock."""
    return localformat.moment(value, "time")


@register.filter
def phone(value: str | phonenumbers.PhoneNumber | None) -> str:
    """National format for the company's country, international for others; `tel:` links
    keep `{{ value }}` (E.164)."""
    return localformat.phone(value)
