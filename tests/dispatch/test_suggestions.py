import datetime

import pytest
from django.urls import reverse

from dispatch.services import assign_visit
from dispatch.suggestions import suggest
from tests.factories import (
    CertificationFactory,
    ErrorCodeFactory,
    SkillFactory,
    TechnicianFactory,
    TimeOffFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db


def test_nearer_idle_technician_ranks_first_with_a_reason(next_monday):
    visit = new_visit()  # site at 41.9, 12.5
    far = TechnicianFactory(home_latitude=42.2, user__first_name="Far")
    near = TechnicianFactory(home_latitude=41.91, user__first_name="Near")

    ranked, ineligible = suggest(visit=visit, day=next_monday)

    assert [s.technician for s in ranked] == [near, far]
    assert ineligible == []
    assert ranked[0].reason.startswith("has ")
    assert "1.4 km from home" in ranked[0].reason  # 0.01 degrees north, times the road factor
    assert ranked[0].start == at(next_monday, 8, 15)  # first quarter hour after the drive


def test_busy_technician_is_offered_the_first_gap_that_fits(next_monday):
    tech = TechnicianFactory()
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 8), by=None)
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9, 30), by=None)

    ranked, _ = suggest(visit=new_visit(), day=next_monday)

    # 8:00-9:30 and 9:30-11:00 are taken; 11:00-12:00 is too short before the break.
    assert ranked[0].start == at(next_monday, 13)
    assert ranked[0].load == 2


def test_ineligible_technicians_are_listed_with_why(next_monday):
    gas = SkillFactory(code="gas", name="Gas boilers", requires_certification=True)
    ErrorCodeFactory(code="F28", skills=[gas])
    visit = new_visit(open_ticket(codes=["F28"]))
    plain = TechnicianFactory()
    lapsed = TechnicianFactory(skills=[gas])
    off = TechnicianFactory(skills=[gas])
    CertificationFactory(technician=off, skills=[gas])
    TimeOffFactory(technician=off, starts_at=at(next_monday, 0), ends_at=at(next_monday, 23))
    sunday_only = TechnicianFactory(skills=[gas], weekdays=[6])
    CertificationFactory(technician=sunday_only, skills=[gas])

    ranked, ineligible = suggest(visit=visit, day=next_monday)

    reasons = {i.technician: i.reason for i in ineligible}
    assert ranked == []
    assert reasons[plain] == "lacks Gas boilers"
    assert reasons[lapsed] == "no valid certification for Gas boilers"
    assert reasons[off] == "no free time long enough that day"
    assert reasons[sunday_only] == "does not work that day"


def test_suggestions_page_offers_assign_buttons(client, dispatcher, next_monday):
    client.force_login(dispatcher)
    visit = new_visit()
    tech = TechnicianFactory()

    page = client.get(
        reverse("dispatch:suggestions", args=[visit.pk]), {"day": next_monday.isoformat()}
    )

    assert page.status_code == 200
    assert f'name="technician" value="{tech.pk}"' in page.text
    assert f"{next_monday.isoformat()}T08:" in page.text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "yesterday"])
def test_suggestions_refuse_a_day_the_board_cannot_show(client, dispatcher, day):
    client.force_login(dispatcher)
    visit = new_visit()
    TechnicianFactory()

    page = client.get(reverse("dispatch:suggestions", args=[visit.pk]), {"day": day})

    assert page.status_code == 400
    assert "Day: " in page.text
    assert 'name="technician"' not in page.text


def test_suggestions_query_count_does_not_grow(
    client, dispatcher, next_monday, django_assert_max_num_queries
):
    client.force_login(dispatcher)
    techs = [TechnicianFactory() for _ in range(15)]
    for tech in techs:
        assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    visit = new_visit()

    with django_assert_max_num_queries(14):
        client.get(
            reverse("dispatch:suggestions", args=[visit.pk]), {"day": next_monday.isoformat()}
        )


def test_a_day_nobody_can_take_offers_the_first_days_someone_can(client, dispatcher, next_monday):
    client.force_login(dispatcher)
    visit = new_visit()
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    wednesday = next_monday + datetime.timedelta(days=2)
    TimeOffFactory(technician=tech, starts_at=at(next_monday, 0), ends_at=at(wednesday, 0))

    page = client.get(
        reverse("dispatch:suggestions", args=[visit.pk]), {"day": next_monday.isoformat()}
    )

    assert "Nobody can take it that day." in page.text
    assert f"?day={wednesday.isoformat()}" in page.text
    assert f"{wednesday:%a} {wednesday.day} {wednesday:%b}: Marco Rossi 08:" in page.text
