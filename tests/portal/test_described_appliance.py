"""An appliance whose model is not in the catalogue: the customer describes it (brand, model
as printed, category), it is kept flagged for the desk to match, and it can be booked."""

import datetime

import pytest
from django.urls import reverse

from customers.models import Appliance
from customers.services import register_appliance
from fieldservice.errors import InvalidInput
from portal import services
from tests.factories import SiteFactory, SkillFactory, TechnicianFactory
from tests.helpers import at
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

DESCRIBED = {
    "described_manufacturer": "Zanussi",
    "described_model": "ZWF 7143 X",
    "described_category": "washing_machine",
}


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def test_a_model_not_in_the_catalogue_is_kept_as_described_for_the_desk(portal, customer_user):
    site = SiteFactory(customer=customer_user.contacts.get().customer)

    response = portal.post(
        reverse("portal:add_appliance"),
        {"site": site.pk, "serial_number": "ZW-1", "purchased_on": "2025-03-01", **DESCRIBED},
    )

    assert response.status_code == 302
    appliance = site.appliances.get()
    assert appliance.model is None
    assert appliance.needs_matching is True
    assert (
        appliance.described_manufacturer,
        appliance.described_model,
        appliance.described_category,
    ) == ("Zanussi", "ZWF 7143 X", "washing_machine")
    assert appliance.warranty_until is None  # the model's warranty length is not known yet
    assert str(appliance) == "Zanussi ZWF 7143 X #ZW-1"


@pytest.mark.parametrize(
    ("missing", "field", "words"),
    [
        ("described_manufacturer", "described_manufacturer", "Give the brand"),
        ("described_model", "described_model", "Type the model as printed"),
        ("described_category", "described_category", "what kind of appliance"),
    ],
)
def test_a_description_missing_a_part_names_that_field_and_adds_nothing(
    portal, customer_user, missing, field, words
):
    site = SiteFactory(customer=customer_user.contacts.get().customer)

    response = portal.post(
        reverse("portal:add_appliance"),
        {"site": site.pk, "serial_number": "ZW-1", **{**DESCRIBED, missing: ""}},
    )

    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not Appliance.objects.exists()


def test_neither_a_model_nor_a_description_asks_for_the_model(portal, customer_user):
    site = SiteFactory(customer=customer_user.contacts.get().customer)

    response = portal.post(
        reverse("portal:add_appliance"), {"site": site.pk, "serial_number": "ZW-1"}
    )

    assert response.status_code == 400
    assert "describe it if it is not in the list" in " ".join(
        response.context["form"].errors["model"]
    )
    assert not Appliance.objects.exists()


def test_a_category_that_is_not_one_is_refused_by_the_service(customer_user):
    with pytest.raises(InvalidInput) as refused:
        register_appliance(
            site=SiteFactory(customer=customer_user.contacts.get().customer),
            model=None,
            serial_number="ZW-1",
            **{**DESCRIBED, "described_category": "spaceship"},
        )

    assert refused.value.field == "described_category"
    assert not Appliance.objects.exists()


def test_a_described_appliance_is_booked_with_its_categorys_skills(customer_user, next_monday):
    skill = SkillFactory(code="washers", appliance_category="washing_machine")
    TechnicianFactory(skills=[skill])
    site = SiteFactory(customer=customer_user.contacts.get().customer)
    appliance = register_appliance(site=site, model=None, serial_number="ZW-1", **DESCRIBED)

    ticket, visit = services.book_visit(
        customer=customer_user.contacts.get().customer,
        site=site,
        kind="repair",
        appliance=appliance,
        codes=["E13"],
        window_start=at(next_monday + datetime.timedelta(days=7), 10),
    )

    assert ticket.appliance == appliance
    assert list(ticket.required_skills.all()) == [skill]
    assert ticket.unknown_codes == ["E13"]
    assert ticket.coverage == Ticket.Coverage.BILLABLE
    assert visit.technician is not None


def test_the_desk_sees_the_appliance_needs_matching(dispatcher_client, customer_user):
    customer = customer_user.contacts.get().customer
    customer.name = "Giulia Bianchi"
    customer.save()
    site = SiteFactory(customer=customer)
    register_appliance(site=site, model=None, serial_number="ZW-1", **DESCRIBED)

    found = dispatcher_client.get(reverse("desk:customer_search"), {"q": "Giulia"})

    assert "Zanussi ZWF 7143 X #ZW-1" in found.text
    assert 'data-testid="needs-matching"' in found.text
