"""A new password, changed on the page or reset by email, ends what the old one opened: the
user's API tokens and their other sessions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from fieldservice.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

OLD, NEW = "pw-secret-123", "another-pass-77"


def _token_works(key: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api.get(reverse("v1:ticket-list")).status_code == 200


def _signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_changing_the_password_revokes_tokens_and_ends_the_other_sessions():
    user = factories.UserFactory(username="disp", role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")
    here, elsewhere = Client(), Client()
    here.post(reverse("login"), {"username": "disp", "password": OLD})
    elsewhere.post(reverse("login"), {"username": "disp", "password": OLD})
    assert _token_works(key)
    assert _signed_in(here)
    assert _signed_in(elsewhere)

    response = here.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert not _token_works(key)
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_resetting_the_password_revokes_tokens_and_ends_every_session(mailoutbox):
    user = factories.UserFactory(username="disp", role="dispatcher", email="disp@example.com")
    _token, key = ApiToken.issue(user=user, name="CRM")
    session = Client()
    session.post(reverse("login"), {"username": "disp", "password": OLD})
    assert _token_works(key)
    assert _signed_in(session)

    Client().post(reverse("password_reset"), {"email": "disp@example.com"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line)
    browser = Client()
    form = browser.get(link.strip(), follow=True)
    done = browser.post(form.wsgi_request.path, {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302
    assert not _token_works(key)
    assert not _signed_in(session)
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_password_set_in_the_admin_revokes_tokens_and_ends_the_sessions(admin_client):
    user = factories.UserFactory(username="disp", role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")
    session = Client()
    session.post(reverse("login"), {"username": "disp", "password": OLD})
    assert _token_works(key)
    assert _signed_in(session)

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content[:300]
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not _token_works(key)
    assert not _signed_in(session)


def test_a_password_set_and_saved_anywhere_else_revokes_tokens():
    # What `manage.py changepassword` and a shell do: set_password(), then save().
    user = factories.UserFactory(username="disp", role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")

    user.set_password(NEW)
    user.save()

    assert not _token_works(key)
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_a_password_made_unusable_revokes_tokens():
    user = factories.UserFactory(username="disp", role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")

    user.set_unusable_password()
    user.save()

    assert not _token_works(key)


def test_saving_a_user_without_a_new_password_keeps_the_tokens():
    user = factories.UserFactory(username="disp", role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")

    user.first_name = "Dora"
    user.save()
    Client().post(reverse("login"), {"username": "disp", "password": OLD})  # last_login saved

    assert _token_works(key)


def test_a_login_that_upgrades_the_stored_hash_keeps_the_tokens(settings):
    user = factories.UserFactory(username="disp", role="dispatcher")  # an MD5 hash, as tests use
    _token, key = ApiToken.issue(user=user, name="CRM")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    signed_in = Client().post(reverse("login"), {"username": "disp", "password": OLD})

    assert signed_in.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # the same password, stored anew
    assert _token_works(key)
