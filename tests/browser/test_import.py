"""An import with errors in a browser: a manager uploads an organization's equipment with a
bad row, reads the preview naming the column, imports only the valid rows and sees the
import's page reach its end (the Celery task runs in-process under the test settings)."""

import pytest
from playwright.sync_api import expect

from customers.models import Appliance, ApplianceModel, Customer
from insights import imports
from tests import factories
from tests.insights.importing import csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_imports_only_the_valid_rows_of_a_file_with_an_error(page, login, axe):
    factories.UserFactory(username="manager", role="dispatcher", is_staff=True)
    firm = factories.CustomerFactory(
        name="Studio Legale Rossi", kind=Customer.Kind.COMPANY, external_id="C-2001"
    )
    factories.SiteFactory(
        customer=firm, label="Head office", address="Via Nazionale 50", city="Roma"
    )
    factories.ApplianceModelFactory(
        manufacturer="HP", model_number="LJ-M404", category=ApplianceModel.Category.PRINTER
    )
    example = imports.KINDS["appliances"].example
    rows = [
        {**example, "customer_email": ""},
        {**example, "customer_email": "", "model_number": "NOPE-9", "serial_number": "X-2"},
    ]
    login(page, "manager", next="/insights/import/?kind=appliances")

    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "equipment.csv",
                "mimeType": "text/csv",
                "buffer": csv_file(imports.KINDS["appliances"].columns, rows),
            }
        ],
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_test_id("import-counts")).to_contain_text("1 valid row")
    bad = page.locator("tr[data-line='3']")
    expect(bad).to_contain_text("model_number: No model with this number in the catalogue.")
    expect(bad.locator("td.error", has_text="NOPE-9")).to_have_count(1)
    expect(page.locator("tr[data-line='2']")).to_contain_text("OK")
    assert axe(page, within="[data-testid=import-preview]") == []

    page.get_by_role("button", name="Confirm the import").click()

    expect(page.get_by_test_id("import-error")).to_contain_text("1 row has errors")
    assert not Appliance.objects.exists()

    page.get_by_label("Import only the valid rows").check()
    page.get_by_role("button", name="Confirm the import").click()

    expect(page.get_by_test_id("import-done")).to_be_visible()
    expect(page.get_by_test_id("appliances_added")).to_have_text("1")
    printer = Appliance.objects.get()
    assert (printer.serial_number, printer.location) == ("PHB8K12345", "2nd floor, room 204")
