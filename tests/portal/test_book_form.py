"""The booking form asks each kind of job its own fields, and says what is missing beside
each, on the same page and without JavaScript."""

import re

import pytest
from django.urls import reverse

from tests.factories import ApplianceFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def _fieldset_of(page: str, field_id: str) -> str:
    """The opening tag of the fieldset that holds a field."""
    before = page[: page.index(f'id="{field_id}"')]
    return before[before.rindex("<fieldset") :].split(">", 1)[0]


def _error_beside(page: str, name: str) -> str:
    found = re.search(
        rf'data-field="{name}">.*?<p class="error" id="id_{name}_error">\s*(.*?)\s*</p>',
        page,
        re.S,
    )
    return found.group(1) if found else ""


def test_nothing_filled_in_names_the_kind_of_job_beside_its_field(portal):
    response = portal.get(reverse("portal:book"), {"kind": ""})

    assert response.status_code == 400
    assert "Choose what you need" in _error_beside(response.text, "kind")
    assert 'aria-describedby="id_kind_error"' in response.text


def test_an_installation_without_place_or_model_names_both_and_hides_the_repair_fields(
    portal, customer_user
):
    SiteFactory(customer=customer_user.contacts.get().customer)

    response = portal.get(reverse("portal:book"), {"kind": "installation"})

    assert response.status_code == 400
    assert _error_beside(response.text, "site") == "Choose where to install it."
    assert _error_beside(response.text, "model") == "Choose the model to install."
    assert _error_beside(response.text, "appliance") == ""
    assert "hidden disabled" in _fieldset_of(response.text, "id_appliance")
    assert "hidden" not in _fieldset_of(response.text, "id_site")


def test_maintenance_asks_for_the_appliance_and_no_display_code(portal, customer_user):
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)

    missing = portal.get(reverse("portal:book"), {"kind": "maintenance"})
    found = portal.get(
        reverse("portal:book"),
        {"kind": "maintenance", "appliance": appliance.pk, "codes": "E13"},
    )

    assert _error_beside(missing.text, "appliance") == "Choose the appliance, or add it first."
    assert "hidden disabled" in _fieldset_of(missing.text, "id_codes")
    assert "hidden disabled" in _fieldset_of(missing.text, "id_site")
    assert found.status_code == 200
    assert found.context["form"].cleaned_data["code_list"] == []


def test_another_customers_appliance_is_refused_beside_the_field(portal):
    other = ApplianceFactory()

    response = portal.get(reverse("portal:book"), {"kind": "repair", "appliance": other.pk})

    assert response.status_code == 400
    assert _error_beside(response.text, "appliance") == "Choose one of your appliances."
