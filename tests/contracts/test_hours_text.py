"""A bank's minutes as hours and minutes (contracts/hours.py): the one wording of every page."""

from __future__ import annotations

import pytest

from contracts.hours import hours_text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0:00"),
        (5, "0:05"),
        (59, "0:59"),
        (60, "1:00"),
        (150, "2:30"),
        (-1, "-0:01"),
        (-45, "-0:45"),
        (-150, "-2:30"),
    ],
)
def test_minutes_read_as_hours_colon_two_digit_minutes(minutes, text):
    assert hours_text(minutes) == text
