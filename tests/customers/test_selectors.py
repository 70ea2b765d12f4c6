"""Finding a caller (search_customers) and spotting one who exists already (likely_duplicates)."""

import pytest
from django.db import connection

from customers.selectors import (
    DuplicateReason,
    likely_duplicates,
    normalised,
    search_customers,
)
from tests.factories import ApplianceFactory, ContactFactory, CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["06 1234 5678", "+39 06 12345678", "0039 06 1234 5678", "(06) 12-34-56-78", "+390612345678"],
)
def test_search_finds_a_phone_in_any_format(typed):
    giulia = CustomerFactory(name="Giulia Bianchi", phone="+390612345678")
    CustomerFactory(name="Someone Else", phone="+393471234567")

    assert list(search_customers(q=typed)) == [giulia]


def test_search_reads_a_national_number_in_the_company_country(settings):
    """A UK number drops its trunk 0 in E.164: only parsing finds it, not the digits."""
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "COUNTRY": "GB"}
    londoner = CustomerFactory(name="Ann Smith", phone="+442079460958")

    assert list(search_customers(q="020 7946 0958")) == [londoner]


@pytest.mark.parametrize(
    "typed", ["Via dei Mille 12", "mille", "Bologna", "40121", "bianchi bologna"]
)
def test_search_finds_a_customer_by_address(typed):
    site = SiteFactory(
        customer__name="Giulia Bianchi",
        address="Via dei Mille 12",
        city="Bologna",
        postal_code="40121",
    )
    SiteFactory(customer__name="Paolo Verdi", address="Via Roma 3", city="Rome")

    assert list(search_customers(q=typed)) == [site.customer]


def test_search_finds_by_serial_and_email():
    appliance = ApplianceFactory(serial_number="SN-1", site__customer__email="g.b@example.com")

    assert list(search_customers(q="sn-1")) == [appliance.site.customer]
    assert list(search_customers(q="G.B@example")) == [appliance.site.customer]


@pytest.mark.parametrize("typed", ["Anna\x00", "An\x07na", "\x1b[2J"])
def test_search_with_control_characters_finds_nobody(typed):
    CustomerFactory(name="Anna Rossi")

    assert list(search_customers(q=typed)) == []


def test_search_queries_stay_flat_in_the_results(django_assert_max_num_queries):
    def run():
        # The customers, their sites, appliances with models, and contacts with users.
        with django_assert_max_num_queries(5):
            found = list(search_customers(q="rossi", limit=50))
            for customer in found:
                for site in customer.sites.all():
                    [a.model.model_number for a in site.appliances.all()]
                [c.user.email for c in customer.contacts.all()]
        return found

    for n in range(2):
        ApplianceFactory(site__customer__name=f"Rossi {n}")
    assert len(run()) == 2
    for n in range(2, 30):
        contact = ContactFactory(customer__name=f"Rossi {n}")
        ApplianceFactory(site__customer=contact.customer)
    assert len(run()) == 30


def test_normalised_ignores_case_accents_punctuation_and_word_order():
    assert normalised("Rossi, Mario") == normalised("mario ROSSÌ") == "mario rossi"
    assert normalised("Via G. Verdi, 4") == normalised("via verdi g 4")


def test_same_phone_in_another_format_is_a_likely_duplicate():
    giulia = CustomerFactory(name="Giulia Bianchi", phone="+390612345678")

    found = likely_duplicates(name="Someone New", phone="06 1234 5678")

    assert [(d.customer, d.reasons) for d in found] == [(giulia, (DuplicateReason.PHONE,))]


def test_same_email_in_any_case_is_a_likely_duplicate():
    giulia = CustomerFactory(email="giulia@example.com")

    found = likely_duplicates(name="G", email=" Giulia@Example.COM ")

    assert [(d.customer, d.reasons) for d in found] == [(giulia, (DuplicateReason.EMAIL,))]


@pytest.mark.parametrize(
    ("name", "street", "city", "postal"),
    [
        ("Mario Rossi", "Via Garibaldi 7", "Torino", ""),
        ("rossi, mario", "via garibaldi, 7", "TORINO", ""),
        ("Mario Rosi", "Via Garibaldi 7", "", "10122"),
        ("Màrio Rossi", "Garibaldi Via 7", "Torino", "10100"),
    ],
)
def test_a_near_identical_name_at_the_same_address_is_a_likely_duplicate(
    name, street, city, postal
):
    # The rule's lookups (iexact, contains) behave per database: this is the one deployed.
    assert connection.vendor == "postgresql", "make test runs the suite on PostgreSQL"
    SiteFactory(
        customer__name="Mario Rossi",
        customer__phone="+393471111111",
        address="Via Garibaldi 7",
        city="Torino",
        postal_code="10122",
    )

    found = likely_duplicates(name=name, address=street, city=city, postal_code=postal)

    assert [d.customer.name for d in found] == ["Mario Rossi"]
    assert found[0].reasons == (DuplicateReason.NAME_AT_ADDRESS,)


@pytest.mark.parametrize(
    ("name", "street", "city"),
    [
        ("Marco Bianchi", "Via Garibaldi 7", "Torino"),  # another person at the address
        ("Mario Rossi", "Via Garibaldi 17", "Torino"),  # another house
        ("Mario Rossi", "Via Garibaldi 7", "Milano"),  # another city
        ("Maria Rossini", "Via Garibaldi 7", "Torino"),
    ],
)
def test_another_name_or_another_address_is_not_a_duplicate(name, street, city):
    SiteFactory(
        customer__name="Mario Rossi",
        address="Via Garibaldi 7",
        city="Torino",
        postal_code="10122",
    )

    assert likely_duplicates(name=name, address=street, city=city, phone="", email="") == []


def test_a_customer_matching_on_several_counts_comes_first_with_every_reason():
    same_phone = CustomerFactory(name="Other", phone="+390612345678", email="o@example.com")
    everything = SiteFactory(
        customer__name="Mario Rossi",
        customer__email="mario@example.com",
        address="Via Po 1",
        city="Torino",
    ).customer

    found = likely_duplicates(
        name="Rossi Mario",
        phone="+39 06 1234 5678",
        email="MARIO@example.com",
        address="Via Po 1",
        city="Torino",
    )

    assert [d.customer for d in found] == [everything, same_phone]
    assert set(found[0].reasons) == {DuplicateReason.EMAIL, DuplicateReason.NAME_AT_ADDRESS}


def test_likely_duplicates_queries_stay_flat(django_assert_max_num_queries):
    for n in range(20):
        SiteFactory(
            customer__name="Mario Rossi",
            customer__phone="+390612345678",
            address="Via Po 1",
            city="Torino",
            customer__email=f"m{n}@example.com",
        )

    with django_assert_max_num_queries(7):
        found = likely_duplicates(
            name="Mario Rossi", phone="0612345678", address="Via Po 1", city="Torino", limit=20
        )
        for d in found:
            [list(s.appliances.all()) for s in d.customer.sites.all()]

    assert len(found) == 20


def test_search_gives_at_most_the_limit_of_customers():
    for n in range(12):
        CustomerFactory(name=f"Rossi {n:02}")

    found = list(search_customers(q="rossi", limit=10))

    assert len(found) == 10
    assert [c.name for c in found] == [f"Rossi {n:02}" for n in range(10)]
