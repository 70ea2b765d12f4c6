"""Minutes shown as hours: the same words on every page and in every message."""

from __future__ import annotations


def hours_text(minutes: int) -> str:
    """`150` as `2:30`, `-45` as `-0:45`: hours and minutes, the way a bank's ledger reads."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
