"""One account per email address, in any case: at sign-up, in the admin and in the database, so
a password reset reaches one person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signup_data(**changes) -> dict:
    return {
        "name": "Giulia Bianchi",
        "email": "giulia@example.com",
        "password": "a-long-pass-42",
        "address": "Via Roma 1",
        "city": "Rome",
        "postal_code": "00184",
        "phone": "+39 312 345 6789",
        "latitude": "41.9",
        "longitude": "12.5",
        **changes,
    }


def test_sign_up_refuses_an_email_another_account_has_and_names_only_the_field(client):
    UserFactory(username="customer1", first_name="Carla", email="customer1@demo.example")

    response = client.post(reverse("portal:signup"), signup_data(email="Customer1@Demo.example"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["email"]
    assert "exists already" in " ".join(errors["email"])
    assert "Carla" not in response.text
    assert User.objects.filter(email__iexact="customer1@demo.example").count() == 1


def test_the_database_holds_one_account_per_email_in_any_case():
    UserFactory(username="first", email="shared@example.com")
    UserFactory(username="no-mail-1", email="")
    UserFactory(username="no-mail-2", email="")  # accounts without an address may be many

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="second", email="Shared@Example.com", password="x")

    assert User.objects.filter(email__iexact="shared@example.com").count() == 1


def test_the_admin_refuses_an_email_another_account_has(admin_client):
    UserFactory(username="first", email="shared@example.com")
    other = UserFactory(username="second", email="second@example.com")
    page = admin_client.get(reverse("admin:auth_user_change", args=[other.pk]))
    data = {
        k: v
        for k, v in page.context["adminform"].form.initial.items()
        if v is not None and k not in ("groups", "user_permissions", "password")
    }

    response = admin_client.post(
        reverse("admin:auth_user_change", args=[other.pk]),
        {
            **data,
            "email": "SHARED@example.com",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert "Another account has this email address." in response.text
    other.refresh_from_db()
    assert other.email == "second@example.com"
