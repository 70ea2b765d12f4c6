"""The imports of an organization's contacts, its sites and its appliances (computers,
printers and network devices too): the preview's errors by column, the valid rows only, a
second import of the same file, who may import, and the exports."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from fieldservice import roles
from insights import imports
from tests import factories
from tests.insights.importing import confirm, csv_file, errors_by_line, upload, xlsx_file

pytestmark = pytest.mark.django_db

CONTACTS = imports.KINDS["contacts"].columns
SITES = imports.KINDS["sites"].columns
APPLIANCES = imports.KINDS["appliances"].columns


@pytest.fixture
def manager_client(client):
    client.force_login(factories.UserFactory(username="manager", role="dispatcher", is_staff=True))
    return client


@pytest.fixture
def firm():
    """The organization the templates' example rows name."""
    return factories.CustomerFactory(
        name="Studio Legale Rossi",
        kind=Customer.Kind.COMPANY,
        email="office@rossi-legal.example.com",
        external_id="C-2001",
    )


def _snapshot(*models) -> list:
    return [list(m.objects.values().order_by("pk")) for m in models]


# Contacts.


def _contact(**values) -> dict:
    return {**imports.KINDS["contacts"].example, **values}


def test_the_contacts_preview_names_each_error_by_column(manager_client, firm):
    factories.UserFactory(username="desk", email="desk@example.com", role="dispatcher")
    rows = [
        _contact(),
        _contact(customer_external_id="C-NOPE", email="b@example.com"),
        _contact(email="not-an-address"),
        _contact(email="ANNA.NERI@rossi-legal.example.com"),
        _contact(email="desk@example.com"),
        _contact(email="c@example.com", phone="12"),
        _contact(email="d@example.com", role="boss"),
        _contact(customer_external_id="", customer_email="", email="e@example.com"),
    ]

    preview = upload(manager_client, "contacts", csv_file(CONTACTS, rows))

    assert preview.status_code == 200
    assert errors_by_line(preview) == {
        2: [],
        3: ["customer_external_id"],
        4: ["email"],
        5: ["email"],
        6: ["email"],
        7: ["phone"],
        8: ["role"],
        9: ["customer_external_id"],
    }
    page = preview.content.decode()
    assert "Duplicate email: line 2 has this address for this organization." in page
    assert "Write “requester”, “approver” or “administrator”." in page
    assert not Contact.objects.exists()


def test_contacts_are_written_only_valid_with_their_login_and_again_change_nothing(
    manager_client, firm
):
    other = factories.CustomerFactory(email="info@other.example.com", kind="company")
    rows = [
        _contact(),
        _contact(
            customer_external_id="",
            customer_email="INFO@other.example.com",
            role="",
            phone="",
        ),
        _contact(email="x@example.com", role="boss"),
    ]
    preview = upload(manager_client, "contacts", xlsx_file(CONTACTS, rows), "c.xlsx")

    assert confirm(manager_client, preview).status_code == 400
    assert not Contact.objects.exists()

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.contacts_added, result.logins_added, result.skipped) == (2, 1, 1)
    anna = get_user_model().objects.get(email="anna.neri@rossi-legal.example.com")
    assert anna.get_full_name() == "Anna Neri"
    assert not anna.has_usable_password()
    assert roles.has_role(anna, roles.CUSTOMER)
    at_firm = Contact.objects.get(user=anna, customer=firm)
    assert (at_firm.role, str(at_firm.phone)) == ("approver", "+390698765432")
    # The same person is a contact of a second organization, a requester there.
    assert Contact.objects.get(user=anna, customer=other).role == "requester"
    before = _snapshot(get_user_model(), Contact, get_user_model().groups.through)

    again = confirm(
        manager_client, upload(manager_client, "contacts", csv_file(CONTACTS, rows[:2]))
    )

    assert again.context["done"].changed_nothing
    assert _snapshot(get_user_model(), Contact, get_user_model().groups.through) == before


def test_a_known_contact_gets_the_rows_role_but_the_last_administrator_keeps_theirs(
    manager_client, firm
):
    anna = factories.UserFactory(email="anna.neri@rossi-legal.example.com", role="customer")
    boss = factories.ContactFactory(customer=firm, role="administrator")
    known = factories.ContactFactory(customer=firm, user=anna, role="requester")

    done = confirm(
        manager_client, upload(manager_client, "contacts", csv_file(CONTACTS, [_contact()]))
    )

    assert done.context["done"].contacts_changed == 1
    known.refresh_from_db()
    assert known.role == "approver"
    demoting = _contact(email=boss.user.email, role="requester")
    preview = upload(manager_client, "contacts", csv_file(CONTACTS, [demoting]))
    assert errors_by_line(preview) == {2: ["role"]}
    promoting = _contact(role="administrator")
    preview = upload(manager_client, "contacts", csv_file(CONTACTS, [demoting, promoting]))
    assert errors_by_line(preview) == {2: [], 3: []}


def test_a_known_person_without_a_role_becomes_a_contact_in_the_customers_group(
    manager_client, firm
):
    person = factories.UserFactory(email="Anna.Neri@rossi-legal.example.com")

    done = confirm(
        manager_client, upload(manager_client, "contacts", csv_file(CONTACTS, [_contact()]))
    )

    assert (done.context["done"].contacts_added, done.context["done"].logins_added) == (1, 0)
    assert Contact.objects.get(customer=firm).user == person
    assert roles.has_role(person, roles.CUSTOMER)


# Sites.


def _site(**values) -> dict:
    return {**imports.KINDS["sites"].example, **values}


def test_the_sites_preview_names_each_error_by_column(manager_client, firm):
    rows = [
        _site(),
        _site(customer_external_id="C-NOPE"),
        _site(address="Via Nazionale 51", country="Italy"),
        _site(address="VIA NAZIONALE 50", city="roma"),
        _site(address="", label="Warehouse"),
        _site(address="Via Po 1", label="x" * 101),
    ]

    preview = upload(manager_client, "sites", csv_file(SITES, rows))

    assert errors_by_line(preview) == {
        2: [],
        3: ["customer_external_id"],
        4: ["country"],
        5: ["address"],
        6: ["address"],
        7: ["label"],
    }
    assert "Duplicate site: line 2 has this address for this customer." in (
        preview.content.decode()
    )
    assert not Site.objects.filter(customer=firm).exists()


def test_sites_are_geocoded_the_unplaced_listed_and_a_second_import_changes_nothing(
    manager_client, firm
):
    known = factories.SiteFactory(customer=firm, address="Via Po 1", city="Torino", label="")
    rows = [
        _site(),
        _site(label="Warehouse", address="Via del Nulla 1", city="Nowhere At All", postal_code=""),
        _site(label="Branch", address="Via Po 1", city="Torino", postal_code=""),
        _site(customer_external_id="C-NOPE"),
    ]
    preview = upload(manager_client, "sites", csv_file(SITES, rows))

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.sites_added, result.sites_changed, result.skipped) == (2, 1, 1)
    assert result.unplaced == [3]
    office = Site.objects.get(customer=firm, label="Head office")
    assert office.placement != Site.Placement.UNPLACED
    assert round(office.latitude) == 42  # Roma, from the gazetteer
    assert Site.objects.get(customer=firm, label="Warehouse").placement == "unplaced"
    known.refresh_from_db()
    assert known.label == "Branch"
    before = _snapshot(Site)

    again = confirm(manager_client, upload(manager_client, "sites", csv_file(SITES, rows[:3])))

    assert again.context["done"].changed_nothing
    assert _snapshot(Site) == before


# Appliances.


@pytest.fixture
def office(firm):
    return factories.SiteFactory(
        customer=firm, label="Head office", address="Via Nazionale 50", city="Roma"
    )


@pytest.fixture
def printer():
    return factories.ApplianceModelFactory(
        manufacturer="HP",
        model_number="LJ-M404",
        category=ApplianceModel.Category.PRINTER,
        warranty_months=12,
    )


def _appliance(**values) -> dict:
    return {**imports.KINDS["appliances"].example, **values}


def test_the_appliances_preview_names_each_error_by_column(manager_client, office, printer):
    factories.ApplianceFactory(model=printer, serial_number="TAKEN-1")
    future = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    rows = [
        _appliance(),
        _appliance(serial_number="S-2", model_number="NOPE-1"),
        _appliance(),
        _appliance(serial_number="TAKEN-1"),
        _appliance(serial_number="S-5", installed_on=future),
        _appliance(serial_number="S-6", warranty_until="2999-01-01"),
        _appliance(serial_number="S-7", warranty_until="2020-01-01"),
        _appliance(serial_number="S-8", installed_on="15/03/2024"),
        _appliance(serial_number="S-9", site_address="Via Po 1"),
        _appliance(serial_number="S-10", site_address="", site_label="Warehouse"),
        _appliance(serial_number="S-11", customer_email="", customer_external_id="C-NOPE"),
    ]

    preview = upload(manager_client, "appliances", csv_file(APPLIANCES, rows))

    assert errors_by_line(preview) == {
        2: [],
        3: ["model_number"],
        4: ["serial_number"],
        5: ["serial_number"],
        6: ["installed_on"],
        7: ["warranty_until"],
        8: ["warranty_until"],
        9: ["installed_on"],
        10: ["site_address"],
        11: ["site_label"],
        12: ["customer_external_id"],
    }
    page = preview.content.decode()
    assert "No model with this number in the catalogue." in page
    assert "Duplicate serial: line 2 has this serial for this model." in page
    assert not Appliance.objects.filter(site=office).exists()


def test_appliances_are_written_with_their_place_and_user_and_again_change_nothing(
    manager_client, office, printer
):
    router = factories.ApplianceModelFactory(
        manufacturer="Cisco", model_number="C1111", category=ApplianceModel.Category.NETWORK
    )
    rows = [
        _appliance(),
        _appliance(
            manufacturer="",
            model_number="c1111",
            serial_number="FGL2231",
            site_address="",
            site_city="",
            site_label="head office",
            installed_on="2025-01-10",
            warranty_until="",
            location="Server room",
            assigned_to="",
        ),
        _appliance(serial_number="S-3", model_number="NOPE-1"),
    ]
    preview = upload(manager_client, "appliances", csv_file(APPLIANCES, rows))

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.appliances_added, result.skipped) == (2, 1)
    laser = Appliance.objects.get(serial_number="PHB8K12345")
    assert (laser.site, laser.model, laser.location, laser.assigned_to) == (
        office,
        printer,
        "2nd floor, room 204",
        "Anna Neri",
    )
    assert laser.warranty_until == datetime.date(2027, 3, 15)
    switch = Appliance.objects.get(serial_number="FGL2231")
    assert (switch.model, switch.location, switch.assigned_to) == (router, "Server room", "")
    assert switch.warranty_until is not None  # from the model's warranty
    before = _snapshot(Appliance)

    again = confirm(
        manager_client, upload(manager_client, "appliances", csv_file(APPLIANCES, rows[:2]))
    )

    assert again.context["done"].changed_nothing
    assert _snapshot(Appliance) == before


def test_a_known_appliance_moves_to_the_rows_site_and_takes_its_new_user(
    manager_client, office, printer
):
    branch = factories.SiteFactory(customer=office.customer, label="Branch", address="Via Po 1")
    known = factories.ApplianceFactory(
        model=printer, serial_number="PHB8K12345", site=branch, location="Lobby"
    )

    done = confirm(
        manager_client,
        upload(
            manager_client,
            "appliances",
            csv_file(APPLIANCES, [_appliance(assigned_to="Marco Blu", location="")]),
        ),
    )

    assert done.context["done"].appliances_changed == 1
    known.refresh_from_db()
    assert (known.site, known.location, known.assigned_to) == (office, "Lobby", "Marco Blu")


# Every new kind.


@pytest.mark.parametrize("kind", ["contacts", "sites", "appliances"])
def test_only_managers_reach_the_new_imports(client, kind, customer_user, technician):
    url = f"{reverse('insights:import')}?kind={kind}"
    template = f"{reverse('insights:import_template', args=['csv'])}?kind={kind}"

    assert client.get(url).status_code == 302  # to the login page
    for user in (customer_user, technician.user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(template).status_code == 403
        response = upload(client, kind, csv_file(imports.KINDS[kind].columns, [{}]))
        assert response.status_code == 403


def test_contacts_export_with_the_columns_their_import_reads(manager_client, firm):
    user = factories.UserFactory(email="=cmd@example.com", first_name="=HYPERLINK(1)")
    factories.ContactFactory(customer=firm, user=user, role="approver")

    response = manager_client.get(reverse("insights:export_objects", args=["contacts", "csv"]))

    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["customer_external_id"], r["role"]) for r in lines] == [("C-2001", "approver")]
    assert lines[0]["first_name"] == "'=HYPERLINK(1)"


def test_the_appliances_export_has_their_location_and_user(manager_client, office, printer):
    factories.ApplianceFactory(
        model=printer, site=office, location="Room 4", assigned_to="Anna Neri"
    )

    response = manager_client.get(reverse("insights:export_objects", args=["appliances", "csv"]))

    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["location"], r["assigned_to"]) for r in lines] == [("Room 4", "Anna Neri")]
