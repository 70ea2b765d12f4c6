import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch.availability import by_day, free_windows, offers_for
from dispatch.services import assign_visit
from technicians.models import WorkingHours
from tests.factories import (
    CertificationFactory,
    SiteFactory,
    SkillFactory,
    TechnicianFactory,
    TimeOffFactory,
    new_visit,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db


def starts(windows, day):
    return [w.start for w in windows if w.start.date() == day]


def test_windows_follow_working_hours_break_and_bookings(next_monday):
    tech = TechnicianFactory()  # 08-17, break 12-13, every day
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 10), by=None)

    windows = free_windows(
        skills=[],
        minutes=90,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 0),
    )

    # 08-10: a 90-minute job from 08:00 ends 09:30 before the 10:00 visit; 10-12 taken until
    # 11:30, then too short before the break; 12-14: arrive 13:00 after the break; 14-16;
    # 16-18 is after 17:00 - 1:30.
    assert starts(windows, next_monday) == [
        at(next_monday, 8),
        at(next_monday, 12),
        at(next_monday, 14),
    ]


def test_no_window_without_the_skill_or_a_valid_licence(next_monday):
    gas = SkillFactory(code="gas", requires_certification=True)
    lapsed = TechnicianFactory(skills=[gas])
    CertificationFactory(
        technician=lapsed, skills=[gas], expires_on=next_monday - datetime.timedelta(days=1)
    )
    TechnicianFactory()  # no gas skill at all

    assert (
        free_windows(
            skills=[gas],
            minutes=60,
            site=SiteFactory(),
            first_day=next_monday,
            days=1,
            now=at(next_monday, 0),
        )
        == []
    )


def test_time_off_and_travel_time_are_respected(next_monday):
    tech = TechnicianFactory(home_latitude=41.90)
    TimeOffFactory(technician=tech, starts_at=at(next_monday, 0), ends_at=at(next_monday, 13))
    far_site = SiteFactory(latitude=42.25)  # about 39 km north: over an hour's drive each way

    windows = free_windows(
        skills=[], minutes=60, site=far_site, first_day=next_monday, days=1, now=at(next_monday, 0)
    )

    # Free from 13:00: arrive ~14:30, work to 15:30, drive back by ~17:00 -> just fits 14-16.
    assert starts(windows, next_monday) == [at(next_monday, 14)]


def test_windows_start_two_hours_from_now_at_the_earliest(next_monday):
    TechnicianFactory()

    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 9),
    )

    assert starts(windows, next_monday)[0] == at(next_monday, 12)


def test_query_count_is_the_same_for_few_and_many_visits(next_monday):
    techs = [TechnicianFactory() for _ in range(5)]
    site = SiteFactory()

    def search_queries():
        with CaptureQueriesContext(connection) as captured:
            free_windows(
                skills=[],
                minutes=60,
                site=site,
                first_day=next_monday,
                days=14,
                now=at(next_monday, 0),
            )
        return len(captured)

    def book(days):
        for day in days:
            for tech in techs:
                assign_visit(
                    visit=new_visit(),
                    technician=tech,
                    start=at(next_monday + datetime.timedelta(days=day), 8),
                    by=None,
                )

    book([0])
    few = search_queries()
    book([1, 2, 3, 4, 7, 8])
    many = search_queries()

    assert few == many <= 7


def _day(first, n):
    return first + datetime.timedelta(days=n)


def test_several_days_each_keep_their_own_visits_and_time_off(next_monday):
    tech = TechnicianFactory()  # 08-17, break 12-13, every day
    assign_visit(visit=new_visit(), technician=tech, start=at(_day(next_monday, 1), 10), by=None)
    TimeOffFactory(
        technician=tech, starts_at=at(_day(next_monday, 2), 0), ends_at=at(_day(next_monday, 2), 13)
    )

    windows = free_windows(
        skills=[],
        minutes=90,
        site=SiteFactory(),
        first_day=next_monday,
        days=3,
        now=at(next_monday, 0),
    )

    assert starts(windows, next_monday) == [at(next_monday, h) for h in (8, 10, 12, 14)]
    assert starts(windows, _day(next_monday, 1)) == [
        at(_day(next_monday, 1), h) for h in (8, 12, 14)
    ]
    assert starts(windows, _day(next_monday, 2)) == [at(_day(next_monday, 2), h) for h in (12, 14)]


def test_a_first_technician_who_cannot_go_does_not_stop_the_search(next_monday):
    heat = SkillFactory(code="heat-w")
    # Technicians are read in name order: the two who cannot go come first.
    TechnicianFactory(user__first_name="Anna")  # lacks the skill
    away = TechnicianFactory(user__first_name="Bruno", skills=[heat])
    TimeOffFactory(technician=away, starts_at=at(next_monday, 0), ends_at=at(next_monday, 23))
    TechnicianFactory(user__first_name="Carla", weekdays=[], skills=[heat])  # not working
    able = TechnicianFactory(user__first_name="Zeno", skills=[heat])

    windows = free_windows(
        skills=[heat],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 0),
    )

    assert starts(windows, next_monday) == [at(next_monday, h) for h in (8, 10, 12, 14, 16)]
    assert {tech for w in windows for _arrival, tech in w.offers} == {able.pk}


def test_all_offers_lists_every_able_technician_earliest_first(next_monday):
    first = TechnicianFactory()
    second = TechnicianFactory()
    assign_visit(visit=new_visit(), technician=first, start=at(next_monday, 8), by=None)

    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 0),
        all_offers=True,
    )

    morning = windows[0]
    assert morning.start == at(next_monday, 8)
    assert [tech for _arrival, tech in morning.offers] == [second.pk, first.pk]
    assert morning.offers == sorted(morning.offers)


def test_a_licence_is_valid_on_its_issue_day_and_its_expiry_day(next_monday):
    gas = SkillFactory(code="gas-w", requires_certification=True)
    tech = TechnicianFactory(skills=[gas])
    tuesday = _day(next_monday, 1)
    CertificationFactory(technician=tech, skills=[gas], issued_on=tuesday, expires_on=tuesday)

    windows = free_windows(
        skills=[gas],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=3,
        now=at(next_monday, 0),
    )

    assert {w.start.date() for w in windows} == {tuesday}


def test_the_first_window_is_the_one_starting_exactly_at_the_lead_time(next_monday):
    TechnicianFactory()

    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 8),
    )

    assert starts(windows, next_monday)[0] == at(next_monday, 10)


@pytest.mark.parametrize(("window_minutes", "last"), [(120, 16), (60, 17), (180, 14)])
def test_the_last_window_of_the_day_ends_at_six(window_minutes, last, next_monday):
    tech = TechnicianFactory(weekdays=[])
    WorkingHours.objects.create(
        technician=tech,
        weekday=next_monday.weekday(),
        starts_at=datetime.time(6),
        ends_at=datetime.time(21),
    )

    windows = free_windows(
        skills=[],
        minutes=30,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        window_minutes=window_minutes,
        now=at(next_monday, 0),
    )

    found = starts(windows, next_monday)
    assert found[0] == at(next_monday, 8)
    assert found[-1] == at(next_monday, last)
    assert windows[-1].end <= at(next_monday, 18)


def test_without_a_first_day_or_a_range_the_windows_cover_fourteen_days_from_today(next_monday):
    TechnicianFactory()  # works every day

    windows = free_windows(skills=[], minutes=60, site=SiteFactory(), now=at(next_monday, 0))

    assert {w.start.date() for w in windows} == {_day(next_monday, n) for n in range(14)}


def test_a_first_day_later_than_today_is_where_the_windows_begin(next_monday):
    TechnicianFactory()

    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=_day(next_monday, 3),
        days=2,
        now=at(next_monday, 0),
    )

    assert {w.start.date() for w in windows} == {_day(next_monday, 3), _day(next_monday, 4)}
    assert starts(windows, _day(next_monday, 3))[0] == at(_day(next_monday, 3), 8)


def test_one_technician_is_enough_to_offer_a_window_unless_all_offers_are_asked(next_monday):
    TechnicianFactory()
    TechnicianFactory()

    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        now=at(next_monday, 0),
    )

    assert windows
    assert all(len(w.offers) == 1 for w in windows)


def test_a_day_with_no_window_left_does_not_end_the_search(next_monday):
    TechnicianFactory()

    # At 17:00 the lead time leaves Monday nothing; Tuesday is whole.
    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=2,
        now=at(next_monday, 17),
    )

    assert starts(windows, next_monday) == []
    assert starts(windows, _day(next_monday, 1))[0] == at(_day(next_monday, 1), 8)


def test_a_technician_free_twice_in_one_window_is_offered_once(next_monday):
    tech = TechnicianFactory()
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)

    windows = free_windows(
        skills=[],
        minutes=20,
        site=SiteFactory(),
        first_day=next_monday,
        days=1,
        window_minutes=240,
        now=at(next_monday, 0),
        all_offers=True,
    )

    morning = windows[0]
    assert (morning.start, morning.end) == (at(next_monday, 8), at(next_monday, 12))
    assert [who for _arrival, who in morning.offers] == [tech.pk]


def test_offers_for_names_everyone_who_can_keep_that_window_and_nobody_for_another(
    next_monday,
):
    first, second = TechnicianFactory(), TechnicianFactory()
    assign_visit(visit=new_visit(), technician=first, start=at(next_monday, 10), by=None)
    site = SiteFactory()

    offers = offers_for(skills=[], minutes=60, site=site, start=at(next_monday, 10))

    assert [who for _arrival, who in offers] == [second.pk]
    both = offers_for(skills=[], minutes=60, site=site, start=at(_day(next_monday, 1), 10))
    assert sorted(who for _arrival, who in both) == sorted([first.pk, second.pk])
    assert both == sorted(both)
    assert offers_for(skills=[], minutes=60, site=site, start=at(next_monday, 10, 30)) == []


def test_by_day_groups_windows_by_their_local_day(next_monday):
    TechnicianFactory()
    windows = free_windows(
        skills=[],
        minutes=60,
        site=SiteFactory(),
        first_day=next_monday,
        days=2,
        now=at(next_monday, 0),
    )

    grouped = by_day(windows)

    assert list(grouped) == [next_monday, _day(next_monday, 1)]
    assert grouped[next_monday] == [w for w in windows if w.start.date() == next_monday]
