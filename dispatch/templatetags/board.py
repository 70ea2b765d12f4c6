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
    # A helper's copy of a crew's visit is moved with its lead's, never on its own.
    draggable = "true" if b.status == "scheduled" and not b.helping else "false"
    codes = f" · {escape(b.codes)}" if b.codes else ""
    if b.crew:
        codes += " · " + escape(_("crew: %(names)s") % {"names": b.crew})
    if b.helping:
        codes += " · " + escape(_("helping %(lead)s") % {"lead": b.helping})
    title = (
        f"{b.number} P{b.priority} {escape(b.status_label)} · {escape(b.customer)}, "
        f"{escape(b.city)} · {b.start}-{b.end}{codes}"
    )
    # Read aloud, the name starts with the text shown (P1 and the customer), then the rest.
    label = (
        f"P{b.priority} {escape(b.customer)} · {b.number} {escape(b.status_label)}, "
        f"{escape(b.city)} · {b.start}-{b.end}{codes}"
    )
    crew = ' data-testid="crew-visit"' if b.crew or b.helping else ""
    mark = "⇢ " if b.helping else (f"+{b.crew_size} " if b.crew_size else "")
    return (
        f'<div class="visit status-{b.status} p{b.priority}{" helping" if b.helping else ""}"'
        f'{crew} draggable="{draggable}" '
        f'tabindex="0" role="button" aria-label="{label}" '
        f'data-visit="{b.visit}" data-version="{b.version}" data-ticket="{b.ticket}" '
        f'data-minutes="{b.minutes}" style="left:{b.span.left}%;width:{b.span.width}%" '
        f'title="{title}"><b>P{b.priority}</b> {mark}{escape(b.customer)}</div>'
    )
