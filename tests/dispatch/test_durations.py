"""Spans of time on the board's pages read as hours and minutes."""

import pytest

from dispatch.templatetags.durations import hours_minutes


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (108294, "30 h 05 min"),
        (77294, "21 h 28 min"),
        (300, "5 min"),
        (0, "0 min"),
        (None, "0 min"),
    ],
)
def test_travel_reads_as_hours_and_minutes(seconds, text):
    assert hours_minutes(seconds) == text
