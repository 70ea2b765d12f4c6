"""A new caller on the intake page: finding them first, adding them inline (customer, site,
appliance) after seeing likely duplicates, and every bad input refused by name."""

import pytest
from django.urls import reverse

from customers.models import Appliance, Customer, Site
from tests.factories import ApplianceFactory, ApplianceModelFactory, CustomerFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CALLER = {
    "name": "Giulia Bianchi",
    "kind": "person",
    "phone": "06 1234 5678",
    "email": "giulia@example.com",
    "language": "it",
    "address": "Via dei Mille 12",
    "city": "Bologna",
    "postal_code": "40121",
    "country": "IT",
    "latitude": "44.5",
    "longitude": "11.3",
    "access_notes": "Ring twice",
}


@pytest.mark.parametrize("typed", ["06 1234 5678", "+39 06 12345678", "0039 06 1234 5678"])
def test_search_page_finds_the_phone_in_any_format(dispatcher_client, typed):
    CustomerFactory(name="Giulia Bianchi", phone="+390612345678")

    page = dispatcher_client.get(reverse("desk:customer_search"), {"q": typed}).text

    assert "Giulia Bianchi" in page


def test_search_page_finds_by_street(dispatcher_client):
    ApplianceFactory(site__customer__name="Giulia Bianchi", site__address="Via dei Mille 12")

    page = dispatcher_client.get(reverse("desk:customer_search"), {"q": "dei mille"}).text

    assert "Giulia Bianchi" in page


@pytest.mark.parametrize("typed", ["Anna\x00", "An\x07na", "\x1b[2J", "a" * 201])
def test_search_with_control_characters_or_too_long_names_the_field(dispatcher_client, typed):
    CustomerFactory(name="Anna Rossi")

    response = dispatcher_client.get(reverse("desk:customer_search"), {"q": typed})

    assert response.status_code == 400
    assert "Find the customer" in response.text
    assert "Anna Rossi" not in response.text


def test_search_page_queries_stay_flat(dispatcher_client, django_assert_max_num_queries):
    # 9: the customers with what they own, and the one query for client companies' contacts
    # (tests/desk/test_intake_contacts.py counts those when some are found).
    url = reverse("desk:customer_search")
    for n in range(3):
        ApplianceFactory(site__customer__name=f"Rossi {n}")
    with django_assert_max_num_queries(9):
        assert dispatcher_client.get(url, {"q": "rossi"}).text.count("<fieldset") == 3
    for n in range(3, 10):
        ApplianceFactory(site__customer__name=f"Rossi {n}")
    with django_assert_max_num_queries(9):
        assert dispatcher_client.get(url, {"q": "rossi"}).text.count("<fieldset") == 10


def test_intake_page_offers_the_new_caller_form(dispatcher_client):
    page = dispatcher_client.get(reverse("desk:intake")).text

    assert 'id="new-caller-form"' in page
    assert 'id="caller_name"' in page
    assert 'id="caller_serial_number"' in page


def test_new_caller_with_an_appliance_comes_back_chosen(dispatcher_client):
    model = ApplianceModelFactory()

    response = dispatcher_client.post(
        reverse("desk:new_caller"), CALLER | {"model": model.pk, "serial_number": "SN-9"}
    )

    assert response.status_code == 200
    appliance = Appliance.objects.select_related("site__customer").get()
    assert appliance.site.customer.name == "Giulia Bianchi"
    assert str(appliance.site.customer.phone) == "+390612345678"
    assert appliance.site.access_notes == "Ring twice"
    assert f'data-appliance="{appliance.pk}"' in response.text
    assert "data-chosen" in response.text


def test_the_call_continues_with_the_new_caller_into_a_ticket(dispatcher_client):
    model = ApplianceModelFactory()
    dispatcher_client.post(
        reverse("desk:new_caller"), CALLER | {"model": model.pk, "serial_number": "SN-9"}
    )
    appliance = Appliance.objects.get()

    response = dispatcher_client.post(
        reverse("desk:intake"),
        {"kind": "repair", "appliance": appliance.pk, "channel": "phone", "priority": 3},
    )

    assert response.status_code == 302
    assert Ticket.objects.get().customer.name == "Giulia Bianchi"


def test_new_caller_without_an_appliance_chooses_the_site(dispatcher_client):
    response = dispatcher_client.post(reverse("desk:new_caller"), CALLER)

    assert response.status_code == 200
    site = Site.objects.get()
    assert f'data-site="{site.pk}"' in response.text
    assert "data-appliance" not in response.text


def test_a_matching_phone_shows_the_duplicate_and_saves_only_when_created_anyway(
    dispatcher_client,
):
    existing = ApplianceFactory(
        site__customer__name="G. Bianchi", site__customer__phone="+390612345678"
    )
    url = reverse("desk:new_caller")

    warned = dispatcher_client.post(url, CALLER)

    assert warned.status_code == 409
    assert "G. Bianchi" in warned.text
    assert "same phone number" in warned.text
    assert f'data-appliance="{existing.pk}"' in warned.text  # "use this customer"
    assert 'name="create_anyway"' in warned.text
    assert Customer.objects.count() == 1

    created = dispatcher_client.post(url, CALLER | {"create_anyway": "on"})

    assert created.status_code == 200
    assert Customer.objects.count() == 2


def test_a_near_identical_name_at_the_same_address_is_shown(dispatcher_client):
    ApplianceFactory(
        site__customer__name="Bianchi Giulia",
        site__customer__phone="+393470000000",
        site__address="Via dei Mille, 12",
        site__city="Bologna",
    )

    warned = dispatcher_client.post(reverse("desk:new_caller"), CALLER)

    assert warned.status_code == 409
    assert "a near-identical name at the same address" in warned.text


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": ""}, "Name: Give the customer"),
        ({"phone": "12345"}, "Phone: That phone number is not valid"),
        ({"phone": "not a number"}, "Phone: That phone number is not valid"),
        ({"email": "giulia@"}, "Email: That email address is not valid."),
        ({"address": ""}, "Street address: Give the street address."),
        ({"city": ""}, "City: Give the city."),
        ({"country": "I1"}, "Country (two letters)"),
        ({"latitude": "north"}, "Latitude"),
        ({"model": "999999"}, "That appliance model does not exist."),
        ({"model": "abc"}, "That appliance model does not exist."),
        ({"serial_number": "SN-1"}, "Appliance model (optional)"),
        ({"name": "Giu\x00lia"}, "Name: Null characters are not allowed."),
        ({"address": "Via\x07 Po"}, "Street address: Control characters are not allowed."),
        ({"language": "xx"}, "Language"),
        ({"kind": "robot"}, "Kind of customer"),
    ],
)
def test_bad_caller_input_names_the_field_and_creates_nothing(dispatcher_client, changes, words):
    response = dispatcher_client.post(reverse("desk:new_caller"), CALLER | changes)

    assert response.status_code == 400
    assert words in response.text
    assert not Customer.objects.exists()
    assert not Site.objects.exists()


def test_a_taken_serial_names_the_field_and_creates_nothing(dispatcher_client):
    taken = ApplianceFactory(serial_number="SN-TAKEN", site__customer__phone="+393470000000")

    response = dispatcher_client.post(
        reverse("desk:new_caller"),
        CALLER | {"model": taken.model.pk, "serial_number": "SN-TAKEN"},
    )

    assert response.status_code == 400
    assert "Serial number: " in response.text
    assert "already registered" in response.text
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("field", ["site", "appliance"])
def test_intake_with_an_unknown_site_or_appliance_id_names_it(dispatcher_client, field):
    response = dispatcher_client.post(
        reverse("desk:intake"),
        {"kind": "installation", field: "999999", "channel": "phone", "priority": 3},
    )

    assert response.status_code == 400
    assert f"That {field} does not exist." in response.text
    assert not Ticket.objects.exists()


def test_creating_anyway_with_a_taken_email_names_the_field(dispatcher_client):
    CustomerFactory(name="Giulia B.", email="GIULIA@example.com", phone="+393470000000")
    url = reverse("desk:new_caller")

    warned = dispatcher_client.post(url, CALLER)
    refused = dispatcher_client.post(url, CALLER | {"create_anyway": "on"})

    assert warned.status_code == 409
    assert "same email address" in warned.text
    assert refused.status_code == 400
    assert "Email: Another customer has this email address already." in refused.text
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("customer", ["999999", "abc"])
def test_a_new_address_for_an_unknown_customer_id_names_it(dispatcher_client, customer):
    response = dispatcher_client.post(
        reverse("desk:add_site"),
        {
            "customer": customer,
            "address": "Via Po 1",
            "city": "Torino",
            "latitude": "45",
            "longitude": "7",
        },
    )

    assert response.status_code == 400
    assert "Customer: That customer does not exist." in response.text
    assert not Site.objects.exists()


@pytest.mark.parametrize("site", ["999999", "abc"])
def test_a_new_appliance_at_an_unknown_site_id_names_it(dispatcher_client, site):
    model = ApplianceModelFactory()

    response = dispatcher_client.post(
        reverse("desk:add_appliance"), {"site": site, "model": model.pk, "serial_number": "X"}
    )

    assert response.status_code == 400
    assert "Site: That site does not exist." in response.text
    assert not Appliance.objects.exists()
