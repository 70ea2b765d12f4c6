"""A contract's escalation contacts: only its organization's contacts may be chosen, and they
(and nobody else of the client) are told by email, in their language, when one of the
organization's tickets goes up to tier 2/3 or its SLA is about to be missed or is missed."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from contracts.services import set_escalation_contacts
from customers.models import Contact, Customer
from fieldservice.errors import InvalidInput
from fieldservice.models import Profile
from notifications import services as notify
from notifications import texts
from notifications.models import Notification
from tests.factories import (
    ApplianceFactory,
    ContactFactory,
    CustomerFactory,
    ServiceContractFactory,
    SiteFactory,
    open_ticket,
)
from tickets import services

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def company():
    """An organization with a contract covering one appliance, its approver chosen as the
    escalation contact (who reads Italian) and a requester who is not."""
    organization = CustomerFactory(kind=Customer.Kind.COMPANY, language="es")
    chosen = ContactFactory(customer=organization, role=Contact.Role.APPROVER)
    Profile.objects.create(user=chosen.user, language="it")
    other = ContactFactory(customer=organization)
    contract = ServiceContractFactory(customer=organization)
    appliance = ApplianceFactory(site=SiteFactory(customer=organization), contract=contract)
    set_escalation_contacts(contract=contract, contacts=[chosen])
    return {"contract": contract, "appliance": appliance, "chosen": chosen, "other": other}


def _client_mail(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient", "language"))


def test_a_contact_of_another_organization_cannot_be_chosen(company):
    stranger = ContactFactory()

    with pytest.raises(InvalidInput, match="is not a contact of"):
        set_escalation_contacts(contract=company["contract"], contacts=[stranger])

    assert list(company["contract"].escalation_contacts.all()) == [company["chosen"]]


def test_the_admin_refuses_a_contact_of_another_organization(client, company):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw-123456789"))
    contract = company["contract"]
    stranger = ContactFactory()
    url = reverse("admin:contracts_servicecontract_change", args=[contract.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "customer": contract.customer_id,
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(),
            "escalation_contacts": str(stranger.pk),
            "hour_entries-TOTAL_FORMS": "0",
            "hour_entries-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "is not a contact of" in response.content.decode()
    assert list(contract.escalation_contacts.all()) == [company["chosen"]]


def test_escalation_to_tier_two_emails_the_chosen_contacts_only(company):
    ticket = open_ticket(appliance=company["appliance"])

    services.escalate(ticket=ticket, by=None, reason="Needs the network team")

    assert _client_mail(Kind.CLIENT_ESCALATED) == [(company["chosen"].user.email, "it")]
    payload = Notification.objects.get(kind=Kind.CLIENT_ESCALATED).payload
    assert (payload["tier"], payload["reason"]) == ("2", "Needs the network team")


def test_a_move_back_down_tells_the_client_nothing(company):
    ticket = open_ticket(appliance=company["appliance"])
    services.escalate(ticket=ticket, by=None, reason="Up")

    services.deescalate(ticket=ticket, by=None, reason="Down")

    assert Notification.objects.filter(kind=Kind.CLIENT_ESCALATED).count() == 1


def test_a_ticket_without_escalation_contacts_tells_no_client():
    appliance = ApplianceFactory(contract=ServiceContractFactory())
    ContactFactory(customer=appliance.site.customer, role=Contact.Role.APPROVER)
    ticket = open_ticket(appliance=appliance)

    services.escalate(ticket=ticket, by=None, reason="Up")

    assert not Notification.objects.filter(kind=Kind.CLIENT_ESCALATED).exists()


def test_sla_about_to_be_missed_then_missed_tells_the_contacts_once_each(company):
    ticket = open_ticket(appliance=company["appliance"])
    due = ticket.sla_due_at
    soon = due - datetime.timedelta(minutes=30)
    late = due + datetime.timedelta(minutes=5)

    notify.write_client_sla_alerts(now=soon)
    notify.write_client_sla_alerts(now=soon)
    notify.write_client_sla_alerts(now=late)
    notify.write_client_sla_alerts(now=late)

    email = company["chosen"].user.email
    assert _client_mail(Kind.CLIENT_SLA_AT_RISK) == [(email, "it")]
    assert _client_mail(Kind.CLIENT_SLA_BREACHED) == [(email, "it")]


def test_sla_alerts_skip_tickets_far_from_due_and_long_breached(company):
    ticket = open_ticket(appliance=company["appliance"])

    notify.write_client_sla_alerts(now=ticket.sla_due_at - datetime.timedelta(hours=5))
    notify.write_client_sla_alerts(now=ticket.sla_due_at + datetime.timedelta(days=2))

    assert not Notification.objects.filter(
        kind__in=[Kind.CLIENT_SLA_AT_RISK, Kind.CLIENT_SLA_BREACHED]
    ).exists()


def test_the_escalation_message_names_the_tier_and_links_the_portal_ticket(company):
    ticket = open_ticket(appliance=company["appliance"])
    services.escalate(ticket=ticket, by=None, reason="Up")
    row = Notification.objects.get(kind=Kind.CLIENT_ESCALATED)

    subject, body = texts.render(row.kind, "en", row.payload)

    assert subject == f"{ticket.number} escalated to tier 2"
    assert f"/portal/tickets/{ticket.pk}/" in body
