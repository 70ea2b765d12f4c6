"""errors_in_words: a refused form says which field each error is about."""

import pytest
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Appliance
from fieldservice.forms import errors_in_words
from tests.factories import ApplianceModelFactory, SiteFactory


class VisitForm(forms.Form):
    day = forms.DateField(label=_("Preferred day"))
    city = forms.CharField()

    def clean(self):
        raise forms.ValidationError("Not on a holiday.")


def test_each_field_error_follows_the_fields_label():
    form = VisitForm({"day": "31/31/2020", "city": ""})

    words = errors_in_words(form)

    assert words == (
        "Preferred day: Enter a valid date. City: This field is required. Not on a holiday."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "label"),
    [
        ({"purchased_on": "31/31/2020"}, "Purchased on: Enter a valid date."),
        ({"model": "abc"}, "Model: Select a valid choice."),
        ({"serial_number": "x" * 101}, "Serial number: Ensure this value has at most 100"),
    ],
)
def test_adding_an_appliance_with_a_bad_value_names_the_field(client, dispatcher, data, label):
    client.force_login(dispatcher)
    post = {"site": SiteFactory().pk, "model": ApplianceModelFactory().pk, "serial_number": "SN1"}

    response = client.post(reverse("desk:add_appliance"), {**post, **data})

    assert response.status_code == 400
    assert label in response.text
    assert not Appliance.objects.exists()
