"""Shared fixtures: one user per role, and a clock-independent 'next Monday'."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from notifications import services as notifications
from tests import databases, factories
from tests.helpers import ROME, World, at, build_world
from tests.mailserver import MailServer

# Property tests check what holds, never how fast: no per-example deadline, which a busy
# machine (two xdist workers on two cores) would turn into failures that say nothing.
hypothesis_settings.register_profile("fieldservice", deadline=None)
hypothesis_settings.load_profile("fieldservice")


@pytest.fixture(autouse=True)
def _language_of_the_site():
    """Each test starts in the site's language: a request in Bulgarian leaves Bulgarian active
    in the thread (LocaleMiddleware activates, nothing resets), and a later test on the same
    xdist worker would read its messages in Bulgarian."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on PostgreSQL a copy of it as its migrations left it,
    taken before any test writes or flushes (transactional tests empty every table, the rows
    that data migrations wrote too): the production-shape smoke test starts its stack on a copy
    of the copy instead of migrating a database of its own (minutes on a busy machine)."""
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        databases.admin(f'DROP DATABASE IF EXISTS "{databases.pristine_name()}"')
        databases.copy_test_database(databases.pristine_name())
    yield
    with django_db_blocker.unblock():
        databases.admin(f'DROP DATABASE IF EXISTS "{databases.pristine_name()}" WITH (FORCE)')


@pytest.fixture
def dispatcher(db):
    return factories.UserFactory(username="dispatcher", role="dispatcher")


@pytest.fixture
def technician(db):
    return factories.TechnicianFactory(user__username="tech")


@pytest.fixture
def customer_user(db):
    user = factories.UserFactory(username="customer", role="customer")
    factories.CustomerFactory(user=user)
    return user


@pytest.fixture
def other_company_user(db):
    """A user in no role at all: sees nothing."""
    return factories.UserFactory(username="stranger")


@pytest.fixture
def next_monday() -> datetime.date:
    today = datetime.datetime.now(ROME).date()
    return today + datetime.timedelta(days=7 - today.weekday())


@pytest.fixture
def dispatcher_client(client, dispatcher):
    client.force_login(dispatcher)
    return client


@pytest.fixture
def world(db, next_monday) -> World:
    return build_world(next_monday)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world for a whole module of read-mostly tests: built once inside a transaction that
    is rolled back at the end; each test's own transaction nests inside it as a savepoint, so
    what one test writes is gone before the next."""
    today = datetime.datetime.now(ROME).date()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(next_monday)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def smtp(settings):
    """The mail goes to a real SMTP server on loopback (tests/mailserver.py): (inbox, server)."""
    controller = MailServer()
    server = controller.inbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server, controller
    notifications.close_mail_connection()
    controller.stop()


@pytest.fixture
def working_hours():
    """Run the test at 10:00 in Rome today (the clock ticks on from there) when the suite runs
    outside the working day: a test that puts several visits on today needs room for them,
    and late in the evening (after 22:30, slot 1) there is none left. Same day, so "today"
    means what it means to the test."""
    now = timezone.now().astimezone(ROME)
    if 7 <= now.hour < 18:
        yield
        return
    with time_machine.travel(at(now.date(), 10), tick=True):
        yield
