"""The managers' weekly summary: last week's headline figures by email, each manager in their
own language, with a link to the figures' page for that week."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..models import Notification
from .links import public_url
from .queue import enqueue_on_commit
from .recipients import managers

PERCENTS = (
    "first_time_fix",
    "response",
    "resolution",
    "remote_fixes",
    "quotes_accepted",
)


def _words(figures: dict[str, float | int | None]) -> dict[str, str]:
    """The figures as the active language writes them; a dash where nothing was counted."""
    words = {}
    for name, value in figures.items():
        if value is None:
            words[name] = "—"
        elif name in PERCENTS:
            words[name] = _("%(n)s %%") % {"n": formats.number_format(value, 1)}
        elif name == "repair_hours":
            words[name] = _("%(n)s h") % {"n": formats.number_format(value, 1)}
        else:
            words[name] = formats.number_format(value)
    return words


def summarize_week(
    *,
    week_start: datetime.date,
    week_end: datetime.date,
    figures: dict[str, float | int | None],
    query: str,
) -> int:
    """One email to every manager (insights' weekly summary), in their language; a manager
    already sent this week's is skipped (the row's dedupe key). Returns the rows written."""
    url = f"{public_url('insights:page')}?{query}"
    written = 0
    for pk, email, language in managers():
        key = f"weekly_summary:{week_start.isoformat()}:{pk}"
        if Notification.objects.filter(dedupe_key=key).exists():
            continue
        with translation.override(language):
            payload = {
                **_words(figures),
                "week_start": formats.date_format(week_start, "SHORT_DATE_FORMAT"),
                "week_end": formats.date_format(week_end, "SHORT_DATE_FORMAT"),
                "url": url,
            }
        notification = Notification.objects.create(
            kind=Notification.Kind.WEEKLY_SUMMARY,
            channel=Notification.Channel.EMAIL,
            recipient=email,
            language=language,
            payload=payload,
            dedupe_key=key,
            due_at=timezone.now(),
        )
        enqueue_on_commit(notification)
        written += 1
    return written
