"""Passwords: the reset pages are the app's own, the link goes out through the outbox in the
user's language and the page never tells whether an address has an account; a new password,
changed on the page or reset by email, ends what the old one opened: the user's API tokens and
their other sessions."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from fieldservice.models import ApiToken
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

OLD, NEW = "pw-secret-123", "another-pass-77"


def _token_works(key: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api.get(reverse("v1:ticket-list")).status_code == 200


def _signed_in(client: Client) -> bool:
    # The users here are dispatchers: signed in, the board opens; signed out, it redirects.
    return client.get(reverse("dispatch:board")).status_code == 200


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


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _link(text: str) -> str:
    return next(word for word in text.split() if "/accounts/reset/" in word)


def _without_csrf(page: str) -> str:
    """A page without its CSRF token, which is masked anew on every answer."""
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _ask_for_a_link(email: str, django_capture_on_commit_callbacks, **headers):
    with django_capture_on_commit_callbacks(execute=True):
        return Client(**headers).post(reverse("password_reset"), {"email": email}, follow=True)


def test_the_reset_pages_are_the_apps_own_not_the_admins(client):
    uid_and_token = {"uidb64": "MQ", "token": "not-a-token"}
    pages = [
        client.get(reverse("password_reset")),
        client.get(reverse("password_reset_done")),
        client.get(reverse("password_reset_confirm", kwargs=uid_and_token)),
        client.get(reverse("password_reset_complete")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "Django administration" not in page.text
        assert 'class="brand"' in page.text  # base.html's header
    assert 'name="email"' in pages[0].text
    assert "This link is not valid any more" in pages[2].text
    assert reverse("login") in pages[3].text


def test_the_reset_page_answers_alike_whether_the_address_has_an_account_or_not(
    django_capture_on_commit_callbacks, mailoutbox
):
    factories.UserFactory(username="disp", role="dispatcher", email="disp@example.com")

    known = _ask_for_a_link("DISP@example.com", django_capture_on_commit_callbacks)
    unknown = _ask_for_a_link("nobody@example.com", django_capture_on_commit_callbacks)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert _without_csrf(known.text) == _without_csrf(unknown.text)
    assert "If an account uses that address" in known.text
    sent = Notification.objects.get(kind=Notification.Kind.PASSWORD_RESET)
    assert sent.recipient == "disp@example.com"
    assert [m.to for m in mailoutbox] == [["disp@example.com"]]


def test_the_reset_link_reaches_the_smtp_server_through_the_outbox_in_the_users_language(
    smtp, django_capture_on_commit_callbacks
):
    inbox, _server = smtp
    user = factories.UserFactory(username="giulia", role="customer", email="giulia@example.com")
    factories.CustomerFactory(user=user, email="giulia@example.com", language="it")
    staff = factories.UserFactory(username="ana", is_staff=True, email="ana@example.com")

    # A customer has a language of their own; anybody else reads the page's they asked from.
    _ask_for_a_link("giulia@example.com", django_capture_on_commit_callbacks)
    _ask_for_a_link(
        "ana@example.com", django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="es"
    )

    rows = Notification.objects.filter(kind=Notification.Kind.PASSWORD_RESET).order_by("pk")
    assert [(r.recipient, r.language, r.status) for r in rows] == [
        ("giulia@example.com", "it", "sent"),
        ("ana@example.com", "es", "sent"),
    ]
    italian, spanish = inbox.messages
    assert (italian["To"], _subject(italian)) == (
        "giulia@example.com",
        "Imposti una nuova password",
    )
    assert (spanish["To"], _subject(spanish)) == ("ana@example.com", "Elija una nueva contraseña")
    browser = Client()
    form = browser.get(_link(_text(italian)), follow=True)
    done = browser.post(form.wsgi_request.path, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    staff.refresh_from_db()
    assert staff.check_password(OLD)


def test_resetting_the_password_revokes_tokens_and_ends_every_session(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(username="disp", role="dispatcher", email="disp@example.com")
    _token, key = ApiToken.issue(user=user, name="CRM")
    session = Client()
    session.post(reverse("login"), {"username": "disp", "password": OLD})
    assert _token_works(key)
    assert _signed_in(session)

    _ask_for_a_link("disp@example.com", django_capture_on_commit_callbacks)
    browser = Client()
    form = browser.get(_link(mailoutbox[0].body), follow=True)
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
