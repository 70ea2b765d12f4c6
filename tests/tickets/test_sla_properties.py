"""The SLA clock against a plain minute-by-minute count, on random calendars (overnight and
around the clock ones too), holidays, pauses and daylight-saving days; and its edges (issue 29).

The reference asks of each UTC minute whether some business day's opening hours hold it: no
intervals, no arithmetic on durations."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.sla import Calendar, load_calendar, resumed_due

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)
ROME = ZoneInfo("Europe/Rome")
ZONES = [
    "Europe/Rome",
    "America/New_York",
    "Australia/Lord_Howe",  # daylight saving of half an hour
    "Asia/Kolkata",  # half an hour off UTC, no daylight saving
    "UTC",
]
# Days around the 2026 changes of the zones above (Europe, America, Australia).
CHANGE_DAYS = [
    datetime.date(2026, 3, 29),
    datetime.date(2026, 10, 25),
    datetime.date(2026, 3, 8),
    datetime.date(2026, 11, 1),
    datetime.date(2026, 4, 5),
    datetime.date(2026, 10, 4),
]


def is_open(calendar: Calendar, minute: datetime.datetime) -> bool:
    """Whether the calendar is open during the UTC minute starting at `minute`."""
    local_day = minute.astimezone(calendar.tz).date()
    for day in (local_day - datetime.timedelta(days=1), local_day):
        if day.weekday() not in calendar.weekdays or day in calendar.holidays:
            continue
        opens = datetime.datetime.combine(day, calendar.opens, tzinfo=calendar.tz)
        close_day = day + datetime.timedelta(days=1) if calendar.opens >= calendar.closes else day
        closes = datetime.datetime.combine(close_day, calendar.closes, tzinfo=calendar.tz)
        if opens.astimezone(UTC) <= minute < closes.astimezone(UTC):
            return True
    return False


def open_minutes(calendar: Calendar, start: datetime.datetime, end: datetime.datetime) -> int:
    count, minute = 0, start
    while minute < end:
        count += is_open(calendar, minute)
        minute += MINUTE
    return count


times = st.builds(datetime.time, st.integers(0, 23), st.sampled_from([0, 30]))


@st.composite
def calendars(draw):
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    opens = draw(times)
    closes = draw(st.one_of(st.just(opens), times))  # the same time: around the clock
    weekdays = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
    base = draw(st.sampled_from(CHANGE_DAYS))
    holidays = frozenset(
        base + datetime.timedelta(days=d) for d in draw(st.sets(st.integers(-3, 6), max_size=3))
    )
    return Calendar(tz=tz, opens=opens, closes=closes, weekdays=weekdays, holidays=holidays), base


@st.composite
def instants(draw, base: datetime.date):
    """A whole UTC minute within a few days of `base`."""
    minutes = draw(st.integers(-2 * 24 * 60, 3 * 24 * 60))
    return datetime.datetime.combine(base, datetime.time(), tzinfo=UTC) + minutes * MINUTE


# The same examples on every run (a mutation run compares runs), and no example database left
# in the tree.
FEW = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FEW
@given(st.data())
def test_between_counts_the_open_minutes(data):
    calendar, base = data.draw(calendars())
    start = data.draw(instants(base))
    end = start + data.draw(st.integers(0, 2 * 24 * 60)) * MINUTE

    assert calendar.between(start, end) == open_minutes(calendar, start, end) * MINUTE
    assert calendar.between(end, start) == datetime.timedelta(0)


@FEW
@given(st.data())
def test_add_stops_after_the_last_open_minute_it_needs(data):
    calendar, base = data.draw(calendars())
    start = data.draw(instants(base))
    minutes = data.draw(st.integers(1, 900))

    due = calendar.add(start, minutes * MINUTE)

    assert open_minutes(calendar, start, due) == minutes
    assert is_open(calendar, due - MINUTE)  # not a minute later than needed
    assert calendar.add(start, datetime.timedelta(0)) == start


@FEW
@given(st.data())
def test_a_pause_moves_the_due_time_by_the_business_time_it_took(data):
    calendar, base = data.draw(calendars())
    paused_at = data.draw(instants(base))
    due = paused_at + data.draw(st.integers(1, 2 * 24 * 60)) * MINUTE
    resumed_at = paused_at + data.draw(st.integers(0, 2 * 24 * 60)) * MINUTE

    moved = resumed_due(due=due, paused_at=paused_at, resumed_at=resumed_at, calendar=calendar)

    left = open_minutes(calendar, paused_at, due)
    if left:
        assert open_minutes(calendar, resumed_at, moved) == left
        assert is_open(calendar, moved - MINUTE)
    else:
        assert moved == resumed_at
    # Paused before it was due, resumed: never earlier than the due time nor than the resume.
    assert moved >= resumed_at
    assert moved >= due or open_minutes(calendar, due, resumed_at) == 0


def office(holidays=()):
    return Calendar(
        tz=ROME,
        opens=datetime.time(8),
        closes=datetime.time(18),
        weekdays=frozenset(range(5)),
        holidays=frozenset(holidays),
    )


def rome(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


MONDAY = datetime.date(2026, 6, 1)
FRIDAY = datetime.date(2026, 6, 5)


def test_due_exactly_at_closing_is_at_closing_not_the_next_opening():
    assert office().add(rome(MONDAY, 16), 2 * 60 * MINUTE) == rome(MONDAY, 18)
    assert office().add(rome(MONDAY, 8), 10 * 60 * MINUTE) == rome(MONDAY, 18)


def test_paused_exactly_at_the_due_time_stays_due_then():
    due = rome(MONDAY, 12)

    moved = resumed_due(due=due, paused_at=due, resumed_at=rome(MONDAY, 15), calendar=office())

    assert moved == due


def test_a_pause_over_a_weekend_and_a_holiday_counts_business_time_not_the_wall_clock():
    holiday = FRIDAY + datetime.timedelta(days=3)  # the Monday after
    calendar = office(holidays=[holiday])

    moved = resumed_due(
        due=rome(FRIDAY, 17),
        paused_at=rome(FRIDAY, 15),
        resumed_at=rome(holiday + datetime.timedelta(days=1), 9),
        calendar=calendar,
    )

    # Two business hours were left; the weekend and the holiday do not eat them.
    assert moved == rome(holiday + datetime.timedelta(days=1), 11)


def test_a_pause_from_an_evening_to_the_next_morning_keeps_the_hours_left():
    moved = resumed_due(
        due=rome(MONDAY, 17),
        paused_at=rome(MONDAY, 16),
        resumed_at=rome(MONDAY + datetime.timedelta(days=1), 8),
        calendar=office(),
    )

    assert moved == rome(MONDAY + datetime.timedelta(days=1), 9)


@pytest.mark.django_db
def test_without_a_calendar_row_the_week_is_monday_to_friday_eight_to_six():
    calendar = load_calendar()

    assert calendar.weekdays == frozenset({0, 1, 2, 3, 4})
    assert (calendar.opens, calendar.closes) == (datetime.time(8), datetime.time(18))
    # Friday 17:00 plus two hours: one on Friday, one on Monday (no Saturday).
    assert calendar.add(rome(FRIDAY, 17), 120 * MINUTE) == rome(
        FRIDAY + datetime.timedelta(days=3), 9
    )


def test_around_the_clock_and_overnight_calendars_over_several_days():
    every_day = frozenset(range(7))
    around = Calendar(tz=ROME, opens=datetime.time(0), closes=datetime.time(0), weekdays=every_day)
    night = Calendar(tz=ROME, opens=datetime.time(22), closes=datetime.time(6), weekdays=every_day)

    assert around.add(rome(MONDAY, 10), 50 * 60 * MINUTE) == rome(
        MONDAY + datetime.timedelta(days=2), 12
    )
    assert night.add(rome(MONDAY, 23), 10 * 60 * MINUTE) == rome(
        MONDAY + datetime.timedelta(days=2), 1
    )
    assert night.between(rome(MONDAY, 12), rome(MONDAY + datetime.timedelta(days=3), 12)) == (
        24 * 60 * MINUTE
    )
