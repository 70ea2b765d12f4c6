import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.services import assign_visit
from tests.factories import ErrorCodeFactory, PartFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today, tomorrow_at
from tickets import services
from tickets.models import Visit

# Several visits today need room for them: at 10:00 when the suite runs in the evening.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician.user)
    return client


def test_today_lists_my_visits_in_order_with_what_to_bring(tech_client, technician):
    code = ErrorCodeFactory(code="F05", probable_cause="Blocked filter")
    code.parts.add(PartFactory(name="Drain pump"))
    late = assign_today(new_visit(), technician, 1)
    early = assign_today(new_visit(open_ticket(codes=["F05"])), technician)
    other = assign_today(new_visit(), TechnicianFactory())

    page = tech_client.get(reverse("tech:today")).text

    assert page.index(f"/tech/visits/{early.pk}/") < page.index(f"/tech/visits/{late.pk}/")
    assert f"/tech/visits/{other.pk}/" not in page
    assert "Blocked filter" in page
    assert "Drain pump" in page
    assert "tel:" in page


def test_another_technicians_visit_is_404(tech_client):
    theirs = assign_today(new_visit(), TechnicianFactory())

    assert tech_client.get(reverse("tech:job", args=[theirs.pk])).status_code == 404
    assert (
        tech_client.post(reverse("tech:step", args=[theirs.pk]), {"to": "en_route"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == Visit.Status.SCHEDULED


def test_one_tap_steps_record_times(tech_client, technician):
    visit = assign_today(new_visit(), technician)
    url = reverse("tech:step", args=[visit.pk])

    for to in ("en_route", "on_site", "completed"):
        if to == "completed":
            services.record_entry(visit=visit, text="Pump replaced", by=None)
        visit.refresh_from_db()
        assert tech_client.post(url, {"to": to, "version": visit.version}).status_code == 302

    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert visit.en_route_at <= visit.actual_start <= visit.actual_end


def test_a_stale_tap_is_refused_with_a_message(tech_client, technician):
    visit = assign_today(new_visit(), technician)

    response = tech_client.post(
        reverse("tech:step", args=[visit.pk]),
        {"to": "en_route", "version": visit.version - 1},
        follow=True,
    )

    assert "changed since you loaded it" in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_today_query_count_does_not_grow_with_visits(tech_client, technician):
    def count():
        with CaptureQueriesContext(connection) as captured:
            tech_client.get(reverse("tech:today"))
        return len(captured)

    ErrorCodeFactory(code="F05")
    assign_visit(
        visit=new_visit(open_ticket(codes=["F05"])),
        technician=technician,
        start=tomorrow_at(8),
        by=None,
    )
    few = count()
    for hour in (2, 5, 7):
        assign_visit(
            visit=new_visit(open_ticket(codes=["F05"])),
            technician=technician,
            start=tomorrow_at(8 + hour),
            by=None,
        )
    many = count()

    assert few == many


def test_pages_are_for_technicians_only(client, dispatcher, customer_user):
    for user in (dispatcher, customer_user):
        client.force_login(user)
        assert client.get(reverse("tech:today")).status_code == 403


def test_today_has_a_plain_title_and_the_calendar_section_once(tech_client):
    page = tech_client.get(reverse("tech:today")).text

    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title
    assert "My day" in title
    assert page.count("Calendar on your phone") == 1


def test_the_step_form_does_not_let_a_technician_cancel_his_visit(tech_client, technician):
    visit = assign_today(new_visit(), technician)

    response = tech_client.post(
        reverse("tech:step", args=[visit.pk]),
        {"to": "cancelled", "reason": "I don't feel like it", "version": visit.version},
        follow=True,
    )

    assert "tell the dispatcher you cannot come" in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_the_job_page_shows_the_customers_phone_nationally_and_dials_it_in_e164(
    tech_client, technician
):
    visit = assign_today(new_visit(), technician)

    page = tech_client.get(reverse("tech:job", args=[visit.pk])).text

    assert 'href="tel:+393471234567"' in page
    assert "347 123 4567" in page  # the company is in Italy: an Italian mobile, as dialled there
