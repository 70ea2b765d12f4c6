"""Rendering the board's lanes in Python: thousands of blocks a day are too many for a template
loop to draw in under a few hundred milliseconds. Text is escaped; numbers need not be."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def lane(row):
    """The inside of one technician's lane: shift, breaks, time off and visit blocks."""
    parts = []
    if row.shift:
        parts.append(
            format_html(
                '<div class="shift" style="left:{}%;width:{}%"></div>',
                row.shift.left,
                row.shift.width,
            )
        )
    else:
        parts.append(format_html('<div class="off-day">{}</div>', _("not working")))
    parts.append(
        format_html_join(
            "",
            '<div class="break" style="left:{}%;width:{}%" title="{}"></div>',
            ((b.left, b.width, _("Break")) for b in row.breaks),
        )
    )
    parts.append(
        format_html_join(
            "",
            '<div class="timeoff" style="left:{}%;width:{}%" title="{} {}"></div>',
            ((o.left, o.width, _("Off"), o.label) for o in row.off),
        )
    )
    parts.append(mark_safe("".join(_block_html(b) for b in row.visits)))  # noqa: S308
    return format_html_join("", "{}", ((p,) for p in parts))


def _block_html(b) -> str:
    """One visit block. Numbers need no escaping; every text value goes through escape()."""
    draggable = "true" if b.status == "scheduled" else "false"
    codes = f" · {escape(b.codes)}" if b.codes else ""
    title = (
        f"{b.number} P{b.priority} {escape(b.status_label)} · {escape(b.customer)}, "
        f"{escape(b.city)} · {b.start}-{b.end}{codes}"
    )
    # Read aloud, the name starts with the text shown (P1 and the customer), then the rest.
    label = (
        f"P{b.priority} {escape(b.customer)} · {b.number} {escape(b.status_label)}, "
        f"{escape(b.city)} · {b.start}-{b.end}{codes}"
    )
    return (
        f'<div class="visit status-{b.status} p{b.priority}" draggable="{draggable}" '
        f'tabindex="0" role="button" aria-label="{label}" '
        f'data-visit="{b.visit}" data-version="{b.version}" data-ticket="{b.ticket}" '
        f'data-minutes="{b.minutes}" style="left:{b.span.left}%;width:{b.span.width}%" '
        f'title="{title}"><b>P{b.priority}</b> {escape(b.customer)}</div>'
    )
