"""The key the service worker keeps a user's pages under (issue 26): one per user and session,
only on the technician app's pages, never for nobody."""

import pytest
from django.test import Client

from fieldapp.middleware import HEADER
from tests import factories

pytestmark = pytest.mark.django_db


def _key(client, path="/tech/"):
    return client.get(path).headers.get(HEADER)


def test_the_key_is_the_users_and_the_sessions(technician):
    other = factories.TechnicianFactory(user__username="tech-b")
    a, b = Client(), Client()
    a.force_login(technician.user)
    b.force_login(other.user)

    key = _key(a)
    assert key
    assert _key(a, "/tech/offline/") == key  # the same while the session lasts
    assert _key(b) != key
    a.logout()
    assert _key(a) is None  # nobody signed in: no key, the worker drops what it kept
    a.force_login(technician.user)
    assert _key(a) not in (None, key)  # a new session's pages are kept apart


def test_only_the_technician_app_carries_it(technician):
    client = Client()
    client.force_login(technician.user)
    assert client.get("/").headers.get(HEADER) is None


def test_the_offline_notice_names_nobody():
    technician = factories.TechnicianFactory(user__username="giulia-r", user__first_name="Giulia")
    client = Client()
    client.force_login(technician.user)
    page = client.get("/tech/offline/").content.decode()
    assert "giulia-r" not in page
    assert "Giulia" not in page
    assert str(technician) not in page
    assert "csrfmiddlewaretoken" not in page
