"""The pages that exist so far: login and where it lands each role, health, and the back office
for every model."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CertificationFactory,
    ErrorCodeFactory,
    PartFactory,
    ServiceContractFactory,
    TimeOffFactory,
    UserFactory,
    new_visit,
)

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _log_in(client, username: str, **params):
    return client.post(
        reverse("login") + (f"?next={params['next']}" if "next" in params else ""),
        {"username": username, "password": "pw-secret-123", **params},
        follow=True,
    )


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("dispatcher", "dispatch:board"),
        ("technician", "tech:today"),
        ("customer", "portal:home"),
        ("staff", "admin:index"),
        ("superuser", "admin:index"),
    ],
)
def test_after_login_each_role_lands_on_its_own_page(
    client, who, lands_on, dispatcher, technician, customer_user
):
    UserFactory(username="staff", is_staff=True)
    UserFactory(username="superuser", is_staff=True, is_superuser=True)
    username = {"technician": "tech", "customer": "customer"}.get(who, who)

    response = _log_in(client, username)

    assert response.status_code == 200
    assert response.wsgi_request.path == reverse(lands_on)


def test_a_user_with_no_role_is_welcomed_and_told_what_to_do(client, other_company_user):
    response = _log_in(client, "stranger")

    assert response.wsgi_request.path == reverse("home")
    assert "Welcome" in response.text
    assert "no role yet" in response.text
    assert reverse("portal:signup") in response.text


def test_login_goes_to_next_when_given_and_by_role_when_next_is_elsewhere(
    client, technician, dispatcher
):
    job = _log_in(client, "tech", next="/tech/offline/")
    client.logout()
    away = _log_in(client, "dispatcher", next="https://evil.example.com/")

    assert job.wsgi_request.path == "/tech/offline/"
    assert away.wsgi_request.path == reverse("dispatch:board")


def test_the_login_page_offers_sign_up_and_a_forgotten_password(client):
    page = client.get(reverse("login"))

    assert f'href="{reverse("portal:signup")}">Create an account</a>' in page.text
    assert f'href="{reverse("password_reset")}">Forgot your password?</a>' in page.text


def test_a_signed_out_page_offers_log_in_in_its_header_except_the_login_page(client):
    log_in = f'<a class="button" href="{reverse("login")}">Log in</a>'

    assert log_in in client.get(reverse("portal:signup")).text
    assert log_in in client.get(reverse("password_reset")).text
    assert log_in not in client.get(reverse("login")).text


def test_sign_up_is_the_primary_action_of_its_page(client):
    assert (
        '<button type="submit" class="primary">Sign up</button>'
        in client.get(reverse("portal:signup")).text
    )


def test_healthz_answers(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


@pytest.fixture
def every_model_has_a_row():
    visit = new_visit()
    ErrorCodeFactory(), PartFactory(), ServiceContractFactory()
    CertificationFactory()
    TimeOffFactory(starts_at=visit.created_at, ends_at=visit.created_at.replace(year=2100))


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in apps.get_models()
        if m._meta.app_label in ("customers", "technicians", "tickets")
        and m in admin.site._registry
    ],
    ids=lambda m: m._meta.label,
)
def test_back_office_lists_search_and_filters_every_model(client, model, every_model_has_a_row):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    model_admin = admin.site._registry[model]

    listing = client.get(reverse(name))
    searched = client.get(reverse(name), {"q": "x"}) if model_admin.search_fields else listing

    assert listing.status_code == 200
    assert searched.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
        assert client.get(reverse(change, args=[obj.pk])).status_code == 200


def test_every_domain_model_is_in_the_back_office():
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in ("customers", "technicians", "tickets")
        and m not in admin.site._registry
    ]

    assert missing == []


def test_certification_expiry_filter(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    soon = CertificationFactory(expires_on=timezone.localdate() + datetime.timedelta(days=10))
    later = CertificationFactory(expires_on=timezone.localdate() + datetime.timedelta(days=200))

    page = client.get(reverse("admin:technicians_certification_changelist"), {"expiry": "30"})

    assert soon.number in page.text
    assert later.number not in page.text


def test_pages_carry_a_content_security_policy_without_inline_scripts_and_a_permissions_policy(
    client,
):
    response = client.get("/accounts/login/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
