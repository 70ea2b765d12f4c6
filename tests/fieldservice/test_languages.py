"""The language a person reads (issue 21): the switcher on every page, remembered for a
signed-in person, the browser's otherwise, and the one their messages are written in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from customers.models import Customer
from fieldservice import languages
from fieldservice.errors import InvalidInput
from notifications.models import Notification
from notifications.services.outbox import alert_dispatchers_of_hand_back, notify_technician
from tests.factories import CustomerFactory, TechnicianFactory, UserFactory, new_visit, open_ticket
from tests.helpers import assign_today, client_for

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_every_page_offers_the_languages_each_named_in_itself(client):
    page = client.get("/accounts/login/").content.decode()

    assert f'action="{SWITCH}"' in page
    for code, name in (
        ("en", "English"),
        ("it", "Italiano"),
        ("es", "Español"),
        ("bg", "Български"),
    ):
        assert f'value="{code}"' in page
        assert name in page


def test_without_a_choice_the_page_follows_the_browser(client):
    assert _lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "es"
    assert _lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="bg,en;q=0.5")) == "bg"


def test_choosing_a_language_turns_the_next_page_into_it(client):
    answer = client.post(SWITCH, {"language": "it", "next": "/accounts/login/"})

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(page) == "it"
    assert "Nome utente" in page.content.decode()  # Django's own Italian


def test_a_signed_in_persons_choice_is_kept_on_their_profile_and_wins_over_the_browser():
    user = UserFactory(role="dispatcher")
    first = Client()
    first.login(username=user.username, password="pw-secret-123")
    first.post(SWITCH, {"language": "bg", "next": "/"})
    assert languages.language_of(user) == "bg"

    # Another browser, in English, with no language cookie: the choice follows the person.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(other.get("/accounts/login/")) == "en"
    other.post("/accounts/login/", {"username": user.username, "password": "pw-secret-123"})
    assert _lang(other.get("/accounts/password_change/")) == "bg"


def test_a_language_that_is_not_ours_is_refused_and_nothing_kept():
    user = UserFactory()

    with pytest.raises(InvalidInput) as refused:
        languages.choose_language(user=user, language="fr")
    assert "fr" in refused.value.message
    assert languages.language_of(user) == ""

    client = Client()
    client.force_login(user)
    client.post(SWITCH, {"language": "fr", "next": "/"})
    assert languages.language_of(user) == ""


def test_a_customer_who_chooses_a_language_gets_their_messages_in_it(client):
    user = UserFactory(role="customer")
    customer = CustomerFactory(user=user, language="en")
    client.force_login(user)

    client.post(SWITCH, {"language": "es", "next": "/portal/"})

    customer.refresh_from_db()
    assert customer.language == "es"
    assert Customer.objects.get(pk=customer.pk).language == languages.language_of(user)


def test_a_technicians_message_is_in_their_language_whoever_caused_it():
    dispatcher = UserFactory(role="dispatcher")
    languages.choose_language(user=dispatcher, language="it")
    technician = TechnicianFactory()
    languages.choose_language(user=technician.user, language="bg")
    visit = assign_today(new_visit(open_ticket()), technician)

    notify_technician(
        technician=technician, visit=visit, change="Added", planned_start=visit.planned_start
    )

    sent = Notification.objects.filter(kind="tech_change", visit=visit)
    assert sent.exists()
    assert {n.language for n in sent} == {"bg"}


def test_the_api_answers_in_the_accept_language_of_the_request():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    client.credentials(HTTP_AUTHORIZATION="Bearer fs_not-a-token")

    answer = client.get("/api/v1/customers/")

    assert answer.status_code == 401
    with translation.override("es"):
        spanish = gettext("The token is not valid, was revoked or has expired.")
    assert spanish != "The token is not valid, was revoked or has expired."
    assert answer.json()["detail"] == spanish


def test_the_api_answers_a_token_owner_in_their_own_language_over_the_header():
    user = UserFactory(role="customer")
    CustomerFactory(user=user)
    languages.choose_language(user=user, language="it")
    client = client_for(user)

    answer = client.get("/api/v1/technicians/", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 403
    with translation.override("it"):
        italian = gettext("Your role may not do this.")
    assert italian != "Your role may not do this."
    assert answer.json()["detail"] == italian
    assert answer.headers["Content-Language"] == "it"


def test_each_dispatcher_reads_the_alerts_in_their_own_language():
    bulgarian = UserFactory(role="dispatcher")
    languages.choose_language(user=bulgarian, language="bg")
    company = UserFactory(role="dispatcher")  # no choice: the company's LANGUAGE_CODE
    technician = TechnicianFactory()
    visit = assign_today(new_visit(open_ticket()), technician)

    written = alert_dispatchers_of_hand_back(visit=visit, technician=technician, reason="Flat tyre")

    assert written == 2
    sent = {n.recipient: n for n in Notification.objects.filter(kind="handed_back")}
    assert sent[bulgarian.email].language == "bg"
    assert sent[company.email].language == "en"
    assert sent[bulgarian.email].payload["what"].startswith("Ремонт")
    assert sent[company.email].payload["what"].startswith("Repair")
