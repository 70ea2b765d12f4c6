"""The job page's parts (issue 25): the parts the job most likely needs come first (its error
codes', then its appliance model's), and the rest of the catalog is a search away, not a list
of every part there is."""

import pytest
from django.urls import reverse

from dispatch.services import assign_visit
from tests.factories import ErrorCodeFactory, PartFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    pump = PartFactory(name="Drain pump", sku="WM-PUMP")
    lock = PartFactory(name="Door lock", sku="WM-LOCK")
    toner = PartFactory(name="Toner cartridge", sku="PR-TONER")
    switch = PartFactory(name="Network switch 8 ports", sku="NET-SW8")
    ErrorCodeFactory(code="F05").parts.add(pump)
    ErrorCodeFactory(code="F21").parts.add(lock)  # the same family, not on the ticket
    ErrorCodeFactory(manufacturer="HP", category="printer", code="13.A").parts.add(toner)
    return {"pump": pump, "lock": lock, "toner": toner, "switch": switch}


@pytest.fixture
def visit(technician, catalog):
    ticket = open_ticket(codes=["F05"])
    return assign_visit(
        visit=new_visit(ticket), technician=technician, start=tomorrow_at(9), by=None
    )


def _radio(part) -> str:
    return f'name="part" value="{part.pk}"'


def test_the_job_page_offers_the_jobs_parts_first_and_not_the_whole_catalog(
    client, technician, visit, catalog
):
    client.force_login(technician.user)

    page = client.get(reverse("tech:job", args=[visit.pk])).text

    assert page.index(_radio(catalog["pump"])) < page.index(_radio(catalog["lock"]))
    assert page.index("For the error codes") < page.index("Often used on this model")
    assert "Toner cartridge" not in page
    assert "Network switch" not in page
    assert 'type="search"' in page


def test_the_search_finds_the_rest_of_the_catalog_by_name_or_sku(
    client, technician, visit, catalog
):
    client.force_login(technician.user)
    url = reverse("tech:parts", args=[visit.pk])

    by_name = client.get(url, {"q": "toner"}, HTTP_HX_REQUEST="true").text
    by_sku = client.get(url, {"q": "net-sw"}).text

    assert _radio(catalog["toner"]) in by_name
    assert "Network switch" not in by_name
    assert _radio(catalog["switch"]) in by_sku
    assert "<html" not in by_name  # a fragment for the page's list


def test_the_search_leaves_out_what_the_page_already_offers(client, technician, visit):
    client.force_login(technician.user)
    url = reverse("tech:parts", args=[visit.pk])

    page = client.get(url, {"q": "pump"}).text

    assert 'name="part"' not in page
    assert "No other part matches." in page
    assert client.get(url, {"q": "p"}).text.strip() == ""  # one letter matches too much


def test_another_technicians_visit_has_no_part_search(client, visit):
    other = TechnicianFactory(user__username="tech-b")
    client.force_login(other.user)

    response = client.get(reverse("tech:parts", args=[visit.pk]), {"q": "toner"})

    assert response.status_code == 404
