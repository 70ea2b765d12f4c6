"""Spans of time as people read them: "3 h 05 min", never a count of seconds."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours_minutes(seconds: float | int | None) -> str:
    """Seconds as hours and minutes, rounded to the minute: 108294 -> "30 h 05 min"."""
    minutes = round((seconds or 0) / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(m)d min") % {"m": minutes}
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
