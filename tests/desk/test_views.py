import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.services import take_call
from fieldservice.errors import InvalidInput
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    ErrorCodeFactory,
    SiteFactory,
)
from tests.helpers import at, two_copies_at_once
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db


def test_customer_search_by_name_phone_email_or_serial(dispatcher_client):
    appliance = ApplianceFactory(
        site__customer__name="Giulia Bianchi",
        site__customer__phone="+390655512345",
        serial_number="SN-778899",
    )
    url = reverse("desk:customer_search")

    for q in ("bianchi", "55512345", appliance.site.customer.email, "SN-778899"):
        page = dispatcher_client.get(url, {"q": q}).text
        assert "Giulia Bianchi" in page, q
        assert f'data-appliance="{appliance.pk}"' in page
    assert "No customer found" in dispatcher_client.get(url, {"q": "zzzz"}).text


def test_customer_search_with_a_null_character_says_so_and_finds_nobody(dispatcher_client):
    ApplianceFactory(site__customer__name="Anna Rossi")

    response = dispatcher_client.get(reverse("desk:customer_search"), {"q": "Anna\x00"})

    assert response.status_code == 400
    assert "Find the customer: Null characters are not allowed." in response.text
    assert "Anna Rossi" not in response.text


def test_code_autocomplete_shows_cause_for_the_appliance_model(dispatcher_client):
    appliance = ApplianceFactory()
    ErrorCodeFactory(code="F05", probable_cause="Blocked drain pump filter")
    ErrorCodeFactory(code="F06", probable_cause="Door lock")

    page = dispatcher_client.get(
        reverse("desk:code_search"), {"appliance": appliance.pk, "codes": "E21, f0"}
    ).text

    assert "F05" in page
    assert "Blocked drain pump filter" in page
    assert "F06" in page


@pytest.mark.parametrize("appliance", ["abc", "1.5", "-1", "\u00b2", "9" * 30, ""])
def test_code_autocomplete_with_a_malformed_appliance_id_finds_nothing(
    dispatcher_client, appliance
):
    ErrorCodeFactory(code="F05", probable_cause="Blocked drain pump filter")

    response = dispatcher_client.get(
        reverse("desk:code_search"), {"appliance": appliance, "codes": "F0"}
    )

    assert response.status_code == 200
    assert "F05" not in response.text


@pytest.mark.parametrize(("codes", "words"), [("F\x000", "Null characters"), ("F" * 201, "200")])
def test_code_autocomplete_postgresql_cannot_run_is_a_400_naming_the_field(
    dispatcher_client, codes, words
):
    appliance = ApplianceFactory()
    ErrorCodeFactory(code="F05", probable_cause="Blocked drain pump filter")

    response = dispatcher_client.get(
        reverse("desk:code_search"), {"appliance": appliance.pk, "codes": codes}
    )

    assert response.status_code == 400
    assert "Error codes on the display" in response.text
    assert words in response.text
    assert "F05" not in response.text


@pytest.mark.parametrize("appliance", ["abc", "1.5"])
def test_preview_with_a_malformed_appliance_id_shows_nothing(dispatcher_client, appliance):
    response = dispatcher_client.get(reverse("desk:intake_preview"), {"appliance": appliance})

    assert response.status_code == 200
    assert "SLA due" not in response.text


def test_preview_shows_coverage_with_why_and_sla(dispatcher_client):
    appliance = ApplianceFactory(warranty_until=datetime.date(2099, 1, 1))

    page = dispatcher_client.get(
        reverse("desk:intake_preview"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "codes": "E1, XX",
            "priority": 2,
            "channel": "phone",
        },
    ).text

    assert "Warranty" in page
    assert "Under warranty until 2099-01-01" in page
    assert "SLA due" in page
    assert "XX" in page  # unknown, kept and flagged


def test_intake_opens_the_ticket_and_queues_a_visit(dispatcher_client, dispatcher):
    appliance = ApplianceFactory()
    ErrorCodeFactory(code="F05")

    response = dispatcher_client.post(
        reverse("desk:intake"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "codes": "f 05, E99",
            "description": "Water stays in the drum",
            "channel": "phone",
            "priority": 2,
        },
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.reported_codes == ["f 05", "E99"]
    assert ticket.unknown_codes == ["E99"]
    assert ticket.created_by == dispatcher
    assert ticket.visits.get().status == Visit.Status.UNASSIGNED


def test_intake_without_an_appliance_says_so_beside_the_field(dispatcher_client):
    response = dispatcher_client.post(
        reverse("desk:intake"), {"kind": "repair", "channel": "phone", "priority": 3}
    )

    assert response.status_code == 400
    assert "Find the customer and choose the appliance." in response.text
    assert not Ticket.objects.exists()


def test_intake_installation_needs_site_and_model(dispatcher_client):
    site = SiteFactory()
    model = ApplianceModelFactory()

    missing = dispatcher_client.post(
        reverse("desk:intake"),
        {"kind": "installation", "site": site.pk, "channel": "web", "priority": 3},
    )
    done = dispatcher_client.post(
        reverse("desk:intake"),
        {
            "kind": "installation",
            "site": site.pk,
            "appliance_model": model.pk,
            "channel": "web",
            "priority": 3,
        },
    )

    assert missing.status_code == 400
    assert "Choose the model to install." in missing.text
    assert done.status_code == 302
    assert Ticket.objects.get().kind == "installation"


def test_intake_with_unknown_appliance_is_refused(dispatcher_client):
    response = dispatcher_client.post(
        reverse("desk:intake"),
        {"kind": "repair", "appliance": 999999, "channel": "phone", "priority": 3},
    )

    assert response.status_code == 400
    assert "That appliance does not exist." in response.text


def test_intake_window_in_the_past_is_refused_beside_the_field(dispatcher_client):
    appliance = ApplianceFactory()

    response = dispatcher_client.post(
        reverse("desk:intake"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "channel": "phone",
            "priority": 3,
            "window_day": "2020-01-06",
            "window_from": "10:00",
        },
    )

    assert response.status_code == 400
    assert "The arrival window is in the past." in response.text
    assert not Ticket.objects.exists()


def intake_with_window(client, day: str, time: str):
    return client.post(
        reverse("desk:intake"),
        {
            "kind": "repair",
            "appliance": ApplianceFactory().pk,
            "channel": "phone",
            "priority": 3,
            "window_day": day,
            "window_from": time,
        },
    )


def days_ahead(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("day", "time"),
    [
        ("9999-12-31", "23:30"),
        ("9999-12-31", "10:00"),
        ("3000-06-01", "10:00"),
        (days_ahead(MAX_DAYS_AHEAD + 1), "10:00"),
    ],
)
def test_intake_refuses_a_window_more_than_a_year_ahead(dispatcher_client, day, time):
    response = intake_with_window(dispatcher_client, day, time)

    assert response.status_code == 400
    assert f"The arrival window can be at most {MAX_DAYS_AHEAD} days ahead." in response.text
    assert not Ticket.objects.exists()
    assert not Visit.objects.exists()


def test_intake_takes_a_window_on_the_last_day_ahead(dispatcher_client):
    response = intake_with_window(dispatcher_client, days_ahead(MAX_DAYS_AHEAD), "10:00")

    assert response.status_code == 302
    assert Visit.objects.get().window_start.date().isoformat() == days_ahead(MAX_DAYS_AHEAD)


def test_taking_a_call_refuses_a_window_too_far_ahead_whoever_calls(dispatcher):
    """The service refuses what the form would: the API and other callers skip the form."""
    appliance = ApplianceFactory()
    start = at(timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD + 1), 10)

    with pytest.raises(InvalidInput) as refused:
        take_call(
            customer=appliance.site.customer,
            site=appliance.site,
            appliance=appliance,
            kind="repair",
            by=dispatcher,
            window_start=start,
            window_end=start + datetime.timedelta(hours=2),
        )

    assert refused.value.field == "window_start"
    assert f"at most {MAX_DAYS_AHEAD} days ahead" in refused.value.message
    assert not Ticket.objects.exists()


def test_preview_with_a_window_at_the_end_of_the_calendar_shows_no_error(dispatcher_client):
    appliance = ApplianceFactory()

    response = dispatcher_client.get(
        reverse("desk:intake_preview"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "window_day": "9999-12-31",
            "window_from": "23:30",
        },
    )

    assert response.status_code == 200
    assert "SLA due" in response.text


def test_intake_with_a_preferred_window_puts_it_on_the_visit(dispatcher_client, next_monday):
    appliance = ApplianceFactory()

    dispatcher_client.post(
        reverse("desk:intake"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "channel": "phone",
            "priority": 3,
            "window_day": next_monday.isoformat(),
            "window_from": "14:00",
        },
    )

    visit = Visit.objects.get()
    assert (visit.window_start, visit.window_end) == (at(next_monday, 14), at(next_monday, 16))


def test_agent_adds_an_appliance_during_the_call(dispatcher_client):
    site = SiteFactory()
    model = ApplianceModelFactory(warranty_months=24)

    added = dispatcher_client.post(
        reverse("desk:add_appliance"),
        {
            "site": site.pk,
            "model": model.pk,
            "serial_number": " NEW-1 ",
            "purchased_on": "2025-02-28",
        },
    )
    again = dispatcher_client.post(
        reverse("desk:add_appliance"),
        {"site": site.pk, "model": model.pk, "serial_number": "NEW-1"},
    )

    assert added.status_code == 200
    appliance = site.appliances.get()
    assert appliance.serial_number == "NEW-1"
    assert appliance.warranty_until == datetime.date(2027, 2, 28)
    assert f'data-appliance="{appliance.pk}"' in added.text
    assert again.status_code == 400
    assert "already registered" in again.text
    assert site.appliances.count() == 1


def test_agent_adds_a_site_for_the_customer(dispatcher_client):
    customer = CustomerFactory()

    added = dispatcher_client.post(
        reverse("desk:add_site"),
        {
            "customer": customer.pk,
            "address": "Via Appia 12",
            "city": "Rome",
            "latitude": 41.85,
            "longitude": 12.52,
        },
    )
    bad = dispatcher_client.post(
        reverse("desk:add_site"),
        {
            "customer": customer.pk,
            "address": "Via Appia 14",
            "city": "Rome",
            "latitude": 141.85,
            "longitude": 12.52,
        },
    )

    assert added.status_code == 200
    site = customer.sites.get()
    assert f'data-site="{site.pk}"' in added.text
    assert bad.status_code == 400
    assert "Latitude" in bad.text
    assert customer.sites.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("description", "x" * 5001, "at most 5000 characters"),
        ("codes", "E1," * 100, "at most 200 characters"),
        ("codes", ",".join(f"E{n}" for n in range(21)), "At most 20 error codes"),
    ],
)
def test_intake_text_past_its_limit_is_refused_beside_the_field(
    dispatcher_client, field, value, words
):
    appliance = ApplianceFactory()
    body = {"kind": "repair", "appliance": appliance.pk, "channel": "phone", "priority": 3}

    response = dispatcher_client.post(reverse("desk:intake"), {**body, field: value})

    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not Ticket.objects.exists()


def test_a_site_with_access_notes_past_their_limit_is_refused_naming_them(dispatcher_client):
    customer = CustomerFactory()

    response = dispatcher_client.post(
        reverse("desk:add_site"),
        {
            "customer": customer.pk,
            "address": "Via Appia 12",
            "city": "Rome",
            "latitude": 41.85,
            "longitude": 12.52,
            "access_notes": "x" * 1001,
        },
    )

    assert response.status_code == 400
    assert "Access notes" in response.text
    assert "at most 1000 characters" in response.text
    assert not customer.sites.exists()


def test_an_intake_form_sent_twice_opens_one_ticket(dispatcher_client):
    appliance = ApplianceFactory()
    page = dispatcher_client.get(reverse("desk:intake"))
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', page.text).group(1)
    form = {
        "kind": "repair",
        "appliance": appliance.pk,
        "channel": "phone",
        "priority": 3,
        "client_key": key,
    }

    first = dispatcher_client.post(reverse("desk:intake"), form)
    second = dispatcher_client.post(reverse("desk:intake"), form)
    fresh = dispatcher_client.get(reverse("desk:intake"))

    assert first.status_code == second.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.visits.count() == 1
    assert key not in fresh.text  # the next call gets a form of its own


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_intake_at_once_open_one_ticket(dispatcher):
    """The second copy waits for the first's transaction and then finds its ticket."""
    appliance = ApplianceFactory()
    call = {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "appliance": appliance,
        "kind": "repair",
        "by": dispatcher,
        "client_key": "form-1",
    }

    first, second, errors, waited = two_copies_at_once(lambda: take_call(**call))

    assert waited
    assert errors == []
    assert first.pk == second.pk
    assert Ticket.objects.count() == 1


def test_the_intake_page_offers_the_fields_of_a_new_address_and_a_new_appliance(
    dispatcher_client,
):
    page = dispatcher_client.get(reverse("desk:intake")).text

    for name in ("address", "city", "latitude", "longitude", "serial_number", "purchased_on"):
        assert f'name="{name}"' in page, name
