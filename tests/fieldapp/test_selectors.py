"""The day list's reading of a technician's visits: numbered in planned order per day, the
finished ones told apart, and the next stop marked once."""

import datetime

import pytest

from dispatch.services import assign_visit
from fieldapp.selectors import day_plan
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import ROME, tomorrow_at
from tickets.services import record_entry, transition_visit

pytestmark = pytest.mark.django_db


def _finish(visit, to="completed"):
    visit = transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = transition_visit(visit=visit, to="on_site", by=None)
    if to == "completed":
        record_entry(visit=visit, kind="work", text="Pump replaced.", by=None)
    outcome = "customer_absent" if to == "cannot_complete" else ""
    return transition_visit(visit=visit, to=to, by=None, outcome=outcome, reason="Not home")


def test_stops_are_numbered_per_day_and_the_next_is_the_first_not_done(technician):
    first = tomorrow_at(8)
    next_day = datetime.datetime.combine(
        first.date() + datetime.timedelta(days=1), datetime.time(9), tzinfo=ROME
    )
    late = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(13), by=None)
    early = assign_visit(visit=new_visit(), technician=technician, start=first, by=None)
    tomorrow = assign_visit(visit=new_visit(), technician=technician, start=next_day, by=None)
    assign_visit(visit=new_visit(), technician=TechnicianFactory(), start=first, by=None)
    _finish(early)
    _finish(late, to="cannot_complete")

    days = day_plan(technician=technician, days=3)

    assert [day.date for day in days] == [first.date(), next_day.date()]
    today = [(s.visit.pk, s.number, s.done, s.next) for s in days[0].stops]
    assert today == [(early.pk, 1, True, False), (late.pk, 2, True, False)]
    assert [(s.visit.pk, s.number, s.done, s.next) for s in days[1].stops] == [
        (tomorrow.pk, 1, False, True)
    ]


def test_only_one_stop_is_next(technician):
    visits = [
        assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(8 + h), by=None)
        for h in (0, 2, 6)
    ]

    stops = day_plan(technician=technician)[0].stops

    assert [s.next for s in stops] == [True, False, False]
    assert [s.visit.pk for s in stops] == [v.pk for v in visits]
