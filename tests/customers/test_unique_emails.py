"""One customer per email address, in any case: in the database, through the API, at sign-up
and in the admin, each refusal naming the field and changing nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers.models import Customer
from tests.factories import CustomerFactory
from tests.portal.test_unique_emails import signup_data

pytestmark = pytest.mark.django_db


def test_the_database_holds_one_customer_per_email_in_any_case():
    CustomerFactory(email="shared@example.com")
    CustomerFactory(email="")
    CustomerFactory(email="")  # customers taken on the phone without an address may be many

    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Second", email="Shared@Example.COM")

    assert Customer.objects.filter(email__iexact="shared@example.com").count() == 1


def test_the_api_refuses_a_new_customer_with_another_customers_email(world):
    CustomerFactory(email="shared@example.com")
    before = Customer.objects.count()

    response = world.clients["dispatcher"].post(
        reverse("v1:customer-list"),
        {"name": "Second", "email": "SHARED@example.com"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="new-customer-1",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["email"]
    assert "Another customer has this email address" in response.json()["detail"]
    assert Customer.objects.count() == before


def test_the_api_refuses_changing_an_email_to_another_customers(world):
    CustomerFactory(email="shared@example.com")
    mine = Customer.objects.get(pk=world.mine["customer"])
    before = mine.email

    response = world.clients["dispatcher"].patch(
        reverse("v1:customer-detail", args=[mine.pk]),
        {"email": "Shared@example.com"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["email"]
    mine.refresh_from_db()
    assert mine.email == before


def test_a_customer_keeps_their_own_email_when_changing_it_in_another_case(world):
    mine = Customer.objects.get(pk=world.mine["customer"])

    response = world.clients["dispatcher"].patch(
        reverse("v1:customer-detail", args=[mine.pk]),
        {"email": mine.email.upper(), "name": "New Name"},
        format="json",
    )

    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert mine.name == "New Name"


def test_sign_up_refuses_an_email_on_a_customers_record_and_opens_nothing(client):
    CustomerFactory(email="giulia@example.com", user=None)  # taken on the phone, no login

    response = client.post(reverse("portal:signup"), signup_data(email="Giulia@Example.com"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["email"]
    assert "on a customer's record already" in " ".join(errors["email"])
    assert not User.objects.filter(username__iexact="giulia@example.com").exists()
    assert Customer.objects.filter(email__iexact="giulia@example.com").count() == 1


def test_the_admin_refuses_a_customer_with_another_customers_email(admin_client):
    CustomerFactory(email="shared@example.com")

    response = admin_client.post(
        reverse("admin:customers_customer_add"),
        {
            "kind": "person",
            "name": "Second",
            "email": "SHARED@example.com",
            "language": "en",
            "sites-TOTAL_FORMS": "0",
            "sites-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Another customer has this email address already." in response.text
    assert Customer.objects.filter(email__iexact="shared@example.com").count() == 1
