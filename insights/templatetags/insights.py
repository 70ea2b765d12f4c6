"""How the managers' page writes its figures: shares, durations and the links to their rows."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

NONE = "—"


@register.filter
def percent(value: float | None) -> str:
    """`42.5` as "42.5 %" in the reader's number format; a share of nothing as a dash."""
    if value is None:
        return NONE
    return _("%(n)s %%") % {"n": number_format(value, 1)}


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A duration as hours and minutes ("3 h 05 min"); none as a dash."""
    if value is None:
        return NONE
    minutes = round(value.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


@register.simple_tag
def rows_url(figure: str, query: str, part: str | int = "", prefix: str = "") -> str:
    """The link to the rows `figure` counts, for the page's period and filters; `part`
    (after `prefix`) narrows them to one side or one group of the figure."""
    given = f"part={quote(prefix + str(part))}" if part != "" else ""
    pairs = [p for p in (query, given) if p]
    return f"{reverse('insights:rows', args=[figure])}?{'&'.join(pairs)}"
