"""The imports of parts, technicians and contracts: the preview's errors by column, the
valid rows only, a second import of the same file, and each kind's template."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Part
from contracts.models import ServiceContract
from fieldservice import roles
from insights import imports
from technicians.models import Technician, WorkingHours
from tests import factories
from tests.insights.importing import confirm, csv_file, errors_by_line, upload, xlsx_file

pytestmark = pytest.mark.django_db

PARTS = imports.KINDS["parts"].columns
TECHNICIANS = imports.KINDS["technicians"].columns
CONTRACTS = imports.KINDS["contracts"].columns


@pytest.fixture
def manager_client(client):
    client.force_login(factories.UserFactory(username="manager", role="dispatcher", is_staff=True))
    return client


def _snapshot(*models) -> list:
    return [list(m.objects.values().order_by("pk")) for m in models]


# Parts.


def _part(**values) -> dict:
    return {**imports.KINDS["parts"].example, **values}


def test_the_parts_preview_names_each_error_by_column(manager_client):
    rows = [
        _part(),
        _part(code="P-2", unit_price="12,5"),
        _part(code="P-3", unit_price="1.234"),
        _part(code="P-4", currency="USD"),
        _part(code="P-5", counted="maybe"),
        _part(code="BOS-00144978"),
        _part(code="P-7", name=""),
    ]

    preview = upload(manager_client, "parts", csv_file(PARTS, rows))

    assert preview.status_code == 200
    assert errors_by_line(preview) == {
        2: [],
        3: ["unit_price"],
        4: ["unit_price"],
        5: ["currency"],
        6: ["counted"],
        7: ["code"],
        8: ["name"],
    }
    assert "Prices are in EUR" in preview.content.decode()
    assert not Part.objects.exists()


def test_parts_are_written_only_valid_when_chosen_and_a_second_import_changes_nothing(
    manager_client,
):
    factories.PartFactory(sku="P-KNOWN", name="Old name", unit_price="1.00")
    rows = [
        _part(),
        _part(code="P-KNOWN", name="Door seal", unit_price="19.90"),
        _part(code="X", unit_price="-1"),
    ]
    preview = upload(manager_client, "parts", csv_file(PARTS, rows))

    assert confirm(manager_client, preview).status_code == 400
    assert Part.objects.count() == 1

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.parts_added, result.parts_changed, result.skipped) == (1, 1, 1)
    pump = Part.objects.get(sku="BOS-00144978")
    assert pump.unit_price == Decimal("34.90")
    assert (pump.counted, pump.allow_negative_stock, pump.serial_tracked) == (True, False, False)
    assert Part.objects.get(sku="P-KNOWN").name == "Door seal"
    before = _snapshot(Part)

    again = confirm(manager_client, upload(manager_client, "parts", csv_file(PARTS, rows[:2])))

    assert again.context["done"].changed_nothing
    assert _snapshot(Part) == before


def test_an_empty_cell_leaves_a_known_part_as_it_is(manager_client):
    factories.PartFactory(sku="P-1", name="Pump", unit_price="10.00", serial_tracked=True)

    confirm(
        manager_client,
        upload(
            manager_client,
            "parts",
            csv_file(PARTS, [_part(code="P-1", name="Pump", unit_price="", serial_tracked="")]),
        ),
    )

    part = Part.objects.get(sku="P-1")
    assert (part.unit_price, part.serial_tracked) == (Decimal("10.00"), True)


# Technicians.


@pytest.fixture
def skills():
    return [
        factories.SkillFactory(code="washing-machines"),
        factories.SkillFactory(code="dishwashers"),
    ]


def _technician(**values) -> dict:
    return {**imports.KINDS["technicians"].example, **values}


def test_the_technicians_preview_names_each_error_by_column(manager_client, skills):
    factories.UserFactory(username="desk", email="desk@example.com", role="dispatcher")
    rows = [
        _technician(),
        _technician(email="a@example.com", skills="boilers"),
        _technician(email="b@example.com", phone="12"),
        _technician(email="c@example.com", working_hours="weekdays 8 to 5"),
        _technician(email="d@example.com", city="Nowhere At All"),
        _technician(email="desk@example.com"),
        _technician(email="MARCO.BIANCHI@example.com"),
        _technician(email="e@example.com", timezone="Mars/Olympus"),
    ]

    preview = upload(manager_client, "technicians", csv_file(TECHNICIANS, rows))

    assert errors_by_line(preview) == {
        2: [],
        3: ["skills"],
        4: ["phone"],
        5: ["working_hours"],
        6: ["address"],
        7: ["email"],
        8: ["email"],
        9: ["timezone"],
    }
    page = preview.content.decode()
    assert "No skill with the code boilers." in page
    assert "cannot be found on the map" in page
    assert not Technician.objects.exists()


def test_technicians_are_written_with_their_user_skills_and_hours_and_again_change_nothing(
    manager_client, skills
):
    rows = [
        _technician(),
        _technician(
            email="lucia.verdi@example.com",
            first_name="Lucia",
            last_name="Verdi",
            skills="dishwashers",
            city="Milano",
            working_hours="Mon,Wed 07:30-15:30",
        ),
        _technician(email="x@example.com", skills="boilers"),
    ]
    preview = upload(manager_client, "technicians", xlsx_file(TECHNICIANS, rows), "t.xlsx")

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.technicians_added, result.skipped) == (2, 1)
    marco = Technician.objects.get(user__email="marco.bianchi@example.com")
    assert marco.user.get_full_name() == "Marco Bianchi"
    assert not marco.user.has_usable_password()
    assert roles.has_role(marco.user, roles.TECHNICIAN)
    assert str(marco.phone) == "+393331234567"
    assert {s.code for s in marco.skills.all()} == {"washing-machines", "dishwashers"}
    assert round(marco.home_latitude) == 42  # Roma, from the gazetteer
    hours = list(marco.working_hours.order_by("weekday"))
    assert [h.weekday for h in hours] == [0, 1, 2, 3, 4, 5]
    assert (hours[0].starts_at, hours[0].break_starts_at) == (
        datetime.time(8),
        datetime.time(12),
    )
    assert (hours[5].ends_at, hours[5].break_starts_at) == (datetime.time(12), None)
    lucia = Technician.objects.get(user__email="lucia.verdi@example.com")
    assert [h.weekday for h in lucia.working_hours.all()] == [0, 2]
    before = _snapshot(get_user_model(), Technician, Technician.skills.through, WorkingHours)

    again = confirm(
        manager_client,
        upload(manager_client, "technicians", xlsx_file(TECHNICIANS, rows[:2]), "t.xlsx"),
    )

    assert again.context["done"].changed_nothing
    assert (
        _snapshot(get_user_model(), Technician, Technician.skills.through, WorkingHours) == before
    )


def test_a_known_technician_gets_the_rows_skills_and_hours(manager_client, skills):
    known = factories.TechnicianFactory(
        user__email="marco.bianchi@example.com", skills=[skills[0]], weekdays=[0]
    )

    done = confirm(
        manager_client,
        upload(
            manager_client,
            "technicians",
            csv_file(
                TECHNICIANS, [_technician(skills="dishwashers", working_hours="Tue 09:00-13:00")]
            ),
        ),
    )

    assert done.context["done"].technicians_added == 0
    assert {s.code for s in known.skills.all()} == {"dishwashers"}
    assert [(h.weekday, h.starts_at) for h in known.working_hours.all()] == [(1, datetime.time(9))]


# Contracts.


@pytest.fixture
def maria():
    customer = factories.CustomerFactory(name="Maria Rossi", email="maria.rossi@example.com")
    customer.external_id = "C-1001"
    customer.save(update_fields=["external_id"])
    return customer


def _contract(**values) -> dict:
    return {**imports.KINDS["contracts"].example, **values}


def test_the_contracts_preview_names_each_error_by_column(manager_client, maria):
    factories.ServiceContractFactory(number="SC-OTHER")
    rows = [
        _contract(),
        _contract(number="SC-2", customer_external_id="C-NOPE"),
        _contract(number="SC-3", ends_on="2024-06-30"),
        _contract(number="SC-4", starts_on="1901-01-01"),
        _contract(number="SC-5", labour="free"),
        _contract(number="SC-OTHER"),
        _contract(number="SC-2025-0001"),
        _contract(number="SC-8", currency="USD", overage_rate="40"),
        _contract(number="SC-9", customer_external_id="", customer_email=""),
        _contract(number="SC-10", response_hours="soon"),
    ]

    preview = upload(manager_client, "contracts", csv_file(CONTRACTS, rows))

    assert errors_by_line(preview) == {
        2: [],
        3: ["customer_external_id"],
        4: ["ends_on"],
        5: ["starts_on"],
        6: ["labour"],
        7: ["number"],
        8: ["number"],
        9: ["currency"],
        10: ["customer_external_id"],
        11: ["response_hours"],
    }
    assert not ServiceContract.objects.filter(customer=maria).exists()


def test_contracts_are_written_with_their_terms_and_a_second_import_changes_nothing(
    manager_client, maria
):
    rows = [
        _contract(),
        _contract(
            number="SC-2",
            customer_external_id="",
            labour="discounted",
            labour_discount_percent="15",
            hour_bank="yes",
            overage_rate="55.00",
        ),
        _contract(number="SC-3", customer_external_id="C-NOPE"),
    ]
    preview = upload(manager_client, "contracts", csv_file(CONTRACTS, rows))

    done = confirm(manager_client, preview, only_valid=True)

    result = done.context["done"]
    assert (result.contracts_added, result.skipped) == (2, 1)
    first = ServiceContract.objects.get(number="SC-2025-0001")
    assert first.customer == maria
    assert (first.starts_on, first.ends_on) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert (first.included_visits_per_year, first.labour) == (2, "included")
    assert first.history.count() == 1
    second = ServiceContract.objects.get(number="SC-2")
    assert second.customer == maria  # by email
    assert (second.labour_discount_percent, second.hour_bank) == (Decimal("15.00"), True)
    assert str(second.overage_rate.amount) == "55.00"
    before = _snapshot(ServiceContract)

    again = confirm(
        manager_client, upload(manager_client, "contracts", csv_file(CONTRACTS, rows[:2]))
    )

    assert again.context["done"].changed_nothing
    assert _snapshot(ServiceContract) == before


def test_a_contract_extended_by_the_file_is_reminded_again(manager_client, maria):
    known = factories.ServiceContractFactory(
        customer=maria,
        number="SC-2025-0001",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
    )
    ServiceContract.objects.filter(pk=known.pk).update(
        renewal_reminded_on=datetime.date(2025, 6, 1)
    )

    done = confirm(
        manager_client, upload(manager_client, "contracts", csv_file(CONTRACTS, [_contract()]))
    )

    assert done.context["done"].contracts_changed == 1
    known.refresh_from_db()
    assert (known.ends_on, known.renewal_reminded_on) == (datetime.date(2025, 12, 31), None)
    assert known.history.count() == 2


# Every kind.


@pytest.mark.parametrize("kind", list(imports.KINDS))
def test_each_kinds_template_has_its_columns_and_example_row(manager_client, kind):
    columns = list(imports.KINDS[kind].columns)
    url = reverse("insights:import_template", args=["csv"])

    response = manager_client.get(f"{url}?kind={kind}")

    assert response.status_code == 200
    assert f"{kind}-import-template.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == columns
    assert lines[1][0] == str(imports.KINDS[kind].example[columns[0]])
    xlsx = manager_client.get(f"{reverse('insights:import_template', args=['xlsx'])}?kind={kind}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == columns


@pytest.mark.parametrize("kind", [k for k in imports.KINDS if k != "customers"])
def test_each_kinds_page_offers_its_template_and_the_other_kinds(manager_client, kind):
    response = manager_client.get(f"{reverse('insights:import')}?kind={kind}")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"?kind={kind}" in page
    assert str(imports.KINDS[kind].label) in page
    assert page.count('aria-current="page"') >= 1
    assert "?kind=customers" in page


def test_an_unknown_kind_is_not_found(manager_client):
    assert manager_client.get(f"{reverse('insights:import')}?kind=invoices").status_code == 404
    url = reverse("insights:import_template", args=["csv"])
    assert manager_client.get(f"{url}?kind=invoices").status_code == 404


def test_a_file_without_a_kinds_columns_is_refused(manager_client):
    response = upload(manager_client, "parts", b"name,price\nPump,3\n")

    assert response.status_code == 400
    assert "no column code" in response.context["error"]


def test_a_long_files_preview_shows_every_row_with_errors_and_the_first_valid_ones(
    manager_client,
):
    rows = [_part(code=f"P-{i}") for i in range(700)]
    rows[650]["unit_price"] = "lots"

    preview = upload(manager_client, "parts", csv_file(PARTS, rows))

    shown = preview.context["rows"]
    assert (len(shown), preview.context["total"], preview.context["invalid"]) == (500, 700, 1)
    assert 652 in [row.line for row in shown]
    assert 'data-testid="import-shown"' in preview.content.decode()
