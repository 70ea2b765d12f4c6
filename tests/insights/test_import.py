"""Importing customers with their site and appliances: the preview's errors by column, the
confirmation (all or only the valid rows), a second import of the same file, the template,
and the files refused as a whole."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Appliance, Customer, Site
from insights import imports, services
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = list(imports.COLUMNS)


@pytest.fixture
def manager_client(client):
    client.force_login(factories.UserFactory(username="manager", role="dispatcher", is_staff=True))
    return client


@pytest.fixture
def washer():
    return factories.ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28201IT")


def _row(**values) -> dict:
    row = {
        **imports.EXAMPLE,
        "installed_on": (timezone.localdate() - datetime.timedelta(days=400)).isoformat(),
        "warranty_until": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
    }
    row.update(values)
    return row


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row[c] for c in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str = "customers.csv"):
    return client.post(reverse("insights:import"), {"file": SimpleUploadedFile(name, content)})


def _confirm(client, preview, only_valid: bool = False):
    """Confirm a preview and follow to the import's page; the task runs eagerly once the run
    is committed."""
    data = {"token": preview.context["confirm"].initial["token"]}
    if only_valid:
        data["only_valid"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("insights:import_confirm"), data)
    return client.get(response.url) if response.status_code == 302 else response


def _two_good_rows() -> list[dict]:
    return [
        _row(),
        _row(
            external_id="C-1002",
            name="Ditta Bianchi",
            kind="company",
            email="ufficio@bianchi.example",
            phone="06 9876 5432",
            address="Via Roma 1",
            city="Milano",
            postal_code="20121",
            serial_number="SN-000124",
        ),
    ]


def test_the_preview_names_each_error_by_column_and_writes_nothing(manager_client, washer):
    factories.ApplianceFactory(model=washer, serial_number="SN-TAKEN")
    rows = [
        _row(),
        _row(external_id="C-2", email="b@example.com", phone="12", serial_number="SN-2"),
        _row(external_id="C-3", email="c@example.com", model_number="NOPE", serial_number="SN-3"),
        _row(external_id="C-4", email="d@example.com", serial_number="SN-000123"),
        _row(external_id="C-5", email="e@example.com", serial_number="SN-TAKEN"),
        _row(
            external_id="C-6",
            email="f@example.com",
            serial_number="SN-6",
            installed_on="1901-01-01",
        ),
        _row(external_id="C-7", email="not-an-address", serial_number="SN-7", installed_on="soon"),
    ]
    customers_before = Customer.objects.count()

    response = _upload(manager_client, _csv(rows))

    assert response.status_code == 200
    errors = {row.line: row.errors for row in response.context["rows"]}
    assert errors[2] == []
    assert [c for c, _m in errors[3]] == ["phone"]
    assert [c for c, _m in errors[4]] == ["model_number"]
    assert [c for c, _m in errors[5]] == ["serial_number"]
    assert "line 2" in errors[5][0][1]
    assert [c for c, _m in errors[6]] == ["serial_number"]
    assert "another customer" in errors[6][0][1]
    assert [c for c, _m in errors[7]] == ["installed_on"]
    assert sorted(c for c, _m in errors[8]) == ["email", "installed_on"]
    page = response.content.decode()
    assert "phone: That phone number is not valid." in page
    assert "model_number: No model with this number in the catalogue." in page
    assert response.context["invalid"] == 6
    assert Customer.objects.count() == customers_before


def test_a_file_with_errors_is_not_written_unless_only_the_valid_rows_are_chosen(
    manager_client, washer
):
    rows = [*_two_good_rows(), _row(external_id="C-9", email="x@example.com", phone="12")]
    preview = _upload(manager_client, _csv(rows))

    refused = _confirm(manager_client, preview)

    assert refused.status_code == 400
    assert "1 row has errors" in refused.context["error"]
    assert not Customer.objects.filter(external_id__startswith="C-").exists()

    done = _confirm(manager_client, preview, only_valid=True)

    assert done.status_code == 200
    result = done.context["done"]
    assert (result.customers_added, result.appliances_added, result.skipped) == (2, 2, 1)
    assert set(Customer.objects.values_list("external_id", flat=True)) == {"C-1001", "C-1002"}
    maria = Customer.objects.get(external_id="C-1001")
    assert str(maria.phone) == "+390612345678"
    appliance = Appliance.objects.get(serial_number="SN-000123")
    assert appliance.site.customer == maria
    assert appliance.model == washer
    assert appliance.warranty_until == datetime.date.fromisoformat(rows[0]["warranty_until"])
    assert maria.sites.get().is_placed  # Roma is in the gazetteer


def test_a_valid_xlsx_file_is_imported_whole(manager_client, washer):
    preview = _upload(manager_client, _xlsx(_two_good_rows()), name="customers.xlsx")
    assert preview.context["invalid"] == 0

    done = _confirm(manager_client, preview)

    assert done.status_code == 200
    assert done.context["done"].customers_added == 2
    assert Appliance.objects.filter(model=washer).count() == 2


def test_importing_the_same_file_again_changes_nothing(manager_client, washer):
    content = _csv(_two_good_rows())
    _confirm(manager_client, _upload(manager_client, content))
    before = (
        list(Customer.objects.values().order_by("pk")),
        list(Site.objects.values().order_by("pk")),
        list(Appliance.objects.values().order_by("pk")),
    )

    again = _confirm(manager_client, _upload(manager_client, content))

    assert again.status_code == 200
    assert again.context["done"].changed_nothing
    assert "nothing changed" in again.content.decode()
    after = (
        list(Customer.objects.values().order_by("pk")),
        list(Site.objects.values().order_by("pk")),
        list(Appliance.objects.values().order_by("pk")),
    )
    assert after == before


def test_a_customer_is_found_by_email_when_the_file_has_no_external_id(manager_client, washer):
    known = factories.CustomerFactory(name="Maria Rossi", email="maria.rossi@example.com")

    done = _confirm(manager_client, _upload(manager_client, _csv([_row(external_id="")])))

    assert done.context["done"].customers_added == 0
    assert Customer.objects.filter(email__iexact="maria.rossi@example.com").get() == known
    assert Appliance.objects.get(serial_number="SN-000123").site.customer == known


def test_an_email_of_a_customer_known_by_another_external_id_is_an_error(manager_client, washer):
    known = factories.CustomerFactory(name="Maria Rossi", email="maria.rossi@example.com")
    Customer.objects.filter(pk=known.pk).update(external_id="OLD-7")

    preview = _upload(manager_client, _csv([_row(external_id="C-1001")]))

    assert [c for c, _m in preview.context["rows"][0].errors] == ["email"]
    assert "OLD-7" in preview.context["rows"][0].errors[0][1]
    assert _confirm(manager_client, preview).status_code == 400
    assert Customer.objects.get(pk=known.pk).external_id == "OLD-7"


def test_an_address_that_cannot_be_placed_is_saved_not_on_the_map_yet(manager_client, washer):
    rows = [_row(address="Strada 9", city="Nowhere At All", postal_code="")]

    done = _confirm(manager_client, _upload(manager_client, _csv(rows)))

    assert done.context["done"].unplaced == [2]
    site = Site.objects.get(city="Nowhere At All")
    assert site.placement == Site.Placement.UNPLACED
    assert 'data-testid="import-unplaced"' in done.content.decode()


def test_the_template_has_the_columns_and_an_example_row(manager_client):
    response = manager_client.get(reverse("insights:import_template", args=["csv"]))

    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    assert lines[1][HEADER.index("email")] == "maria.rossi@example.com"
    xlsx = manager_client.get(reverse("insights:import_template", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == HEADER


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("header-only.csv", ",".join(HEADER).encode() + b"\n", "The file is empty."),
        ("notes.txt", b"name,address,city\nA,B,C\n", "Upload a CSV or an XLSX file."),
        ("fake.xlsx", b"this is not a workbook", "Upload a CSV or an XLSX file."),
        ("blank.xlsx", "blank-workbook", "The file is empty."),
        ("latin1.csv", "name,address,city\nNiccolò,Via Po 1,Torino\n".encode("latin-1"), "UTF-8"),
        ("columns.csv", b"who,where\nA,B\n", "no column name, address, city"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_written(
    manager_client, name, content, message
):
    if content == "blank-workbook":
        out = io.BytesIO()
        openpyxl.Workbook().save(out)
        content = out.getvalue()
    before = Customer.objects.count()

    response = _upload(manager_client, content, name=name)

    assert response.status_code == 400
    assert message in response.context["error"]
    assert "confirm" not in response.context
    assert Customer.objects.count() == before


def test_a_file_over_the_size_limit_is_refused(manager_client):
    content = _csv([_row()]) + b"x" * imports.MAX_BYTES

    response = _upload(manager_client, content)

    assert response.status_code == 400
    assert "larger than" in response.context["error"]
    assert not Customer.objects.exists()


def test_an_expired_or_foreign_preview_writes_nothing(manager_client, washer, client):
    preview = _upload(manager_client, _csv(_two_good_rows()))
    token = preview.context["confirm"].initial["token"]
    other = factories.UserFactory(username="manager2", role="dispatcher", is_staff=True)
    manager_client.force_login(other)

    response = manager_client.post(reverse("insights:import_confirm"), {"token": token})

    assert response.status_code == 302
    assert not Customer.objects.filter(external_id__startswith="C-").exists()


def test_a_plain_dispatcher_may_not_import(dispatcher_client):
    assert dispatcher_client.get(reverse("insights:import")).status_code == 403
    response = dispatcher_client.post(
        reverse("insights:import"), {"file": SimpleUploadedFile("a.csv", _csv([_row()]))}
    )
    assert response.status_code == 403


def test_the_upload_page_offers_the_templates(manager_client):
    response = manager_client.get(reverse("insights:import"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("insights:import_template", args=["xlsx"]) in page
    assert 'enctype="multipart/form-data"' in page


def test_the_preview_reads_the_records_in_queries_that_do_not_grow_with_the_file(
    manager_client, washer
):
    def rows(n: int) -> list[dict]:
        return [
            _row(external_id=f"C-{i}", email=f"c{i}@example.com", serial_number=f"SN-{i}")
            for i in range(n)
        ]

    with CaptureQueriesContext(connection) as few:
        assert _upload(manager_client, _csv(rows(3))).context["invalid"] == 0
    with CaptureQueriesContext(connection) as many:
        assert _upload(manager_client, _csv(rows(60))).context["invalid"] == 0

    assert len(many) == len(few)


def test_an_email_of_another_customer_without_external_id_is_an_error(manager_client, washer):
    known = factories.CustomerFactory(name="Maria Rossi", email="old@example.com")
    Customer.objects.filter(pk=known.pk).update(external_id="C-1001")
    factories.CustomerFactory(name="Someone Else", email="maria.rossi@example.com")

    preview = _upload(manager_client, _csv([_row()]))

    assert [c for c, _m in preview.context["rows"][0].errors] == ["email"]
    assert _confirm(manager_client, preview).status_code == 400
    assert Customer.objects.get(pk=known.pk).email == "old@example.com"


def test_two_external_ids_with_one_email_in_the_file_are_an_error(manager_client, washer):
    rows = [_row(), _row(external_id="C-2", serial_number="SN-2")]

    preview = _upload(manager_client, _csv(rows))

    assert [c for c, _m in preview.context["rows"][1].errors] == ["email"]
    assert "Line 2" in preview.context["rows"][1].errors[0][1]


def test_a_workbook_is_read_whole_whatever_size_it_declares(washer):
    # A file may declare a used range smaller than its cells (some programs write "A1"):
    # every cell is read all the same, and a date cell stays a date.
    installed = timezone.localdate() - datetime.timedelta(days=30)
    rows = [_row(installed_on=installed, warranty_until=""), _two_good_rows()[1]]
    original = io.BytesIO(_xlsx(rows))
    shrunk = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(shrunk, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
            target.writestr(item, data)

    raw = imports.read_file(name="customers.xlsx", content=shrunk.getvalue())
    checked = imports.check_rows(raw)

    assert [r["serial_number"] for r in raw] == ["SN-000123", "SN-000124"]
    assert [row.errors for row in checked] == [[], []]
    assert checked[0].values["installed_on"] == installed
    assert checked[1].values["phone"] == "+390698765432"


def test_a_phone_number_repeated_in_the_file_is_stored_in_e164_for_each_customer(washer):
    rows = [
        _row(external_id="C-1", email="a@example.com", phone="06 1234 5678", serial_number="S1"),
        _row(external_id="C-2", email="b@example.com", phone="06 1234 5678", serial_number="S2"),
        _row(external_id="C-3", email="c@example.com", phone="12", serial_number="S3"),
    ]
    checked = imports.check_rows(imports.read_file(name="customers.csv", content=_csv(rows)))
    assert [[c for c, _m in row.errors] for row in checked] == [[], [], ["phone"]]

    services.import_customers(rows=checked, only_valid=True)

    stored = dict(Customer.objects.values_list("external_id", "phone"))
    assert {k: str(v) for k, v in stored.items()} == {
        "C-1": "+390612345678",
        "C-2": "+390612345678",
    }
    again = imports.check_rows(imports.read_file(name="customers.csv", content=_csv(rows)))
    assert services.import_customers(rows=again, only_valid=True).changed_nothing


def test_a_known_customer_whose_number_is_stored_as_typed_is_given_it_in_e164(washer):
    # A number saved before the imports normalised it, as it was typed (no country: it
    # reads as no valid number): the file's spelling of it is stored instead.
    known = factories.CustomerFactory(
        name="Maria Rossi", kind="person", language="it", external_id="C-1", email="a@example.com"
    )
    Customer.objects.filter(pk=known.pk).update(phone="06 1234 5678")
    row = _row(external_id="C-1", email="a@example.com", phone="+39 06 1234 5678")
    checked = imports.check_rows(imports.read_file(name="customers.csv", content=_csv([row])))

    result = services.import_customers(rows=checked)

    assert (result.customers_added, result.customers_changed) == (0, 1)
    assert Customer.objects.filter(pk=known.pk, phone="+390612345678").exists()
