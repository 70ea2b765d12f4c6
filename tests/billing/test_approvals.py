"""Approval before billable work: above the client company's limit the technician asks instead
of having the quote signed, the approvers get a signed link each, one approves or declines it
without logging in, once; a tampered or expired link, or a contact of another company, is
refused; the technician's and the desk's pages show where the request stands."""

from __future__ import annotations

import base64
import datetime
import io
import re
from decimal import Decimal
from urllib.parse import urlparse

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money
from PIL import Image

from billing.models import Quote, WorkApproval
from billing.services import approvals, pricing, quotes
from customers.models import Contact, Customer
from fieldservice.errors import InvalidInput, NotAllowed
from fieldservice.models import Profile
from notifications.models import Notification
from notifications.services import deliver
from tests import factories
from tests.helpers import assign_today
from tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def price_list(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)


@pytest.fixture
def company():
    organization = factories.CustomerFactory(kind=Customer.Kind.COMPANY, name="Acme Offices")
    approver = factories.ContactFactory(customer=organization, role=Contact.Role.APPROVER)
    admin = factories.ContactFactory(customer=organization, role=Contact.Role.ADMINISTRATOR)
    requester = factories.ContactFactory(customer=organization)
    contract = factories.ServiceContractFactory(
        customer=organization, work_approval_above=Money("100.00", "EUR")
    )
    appliance = factories.ApplianceFactory(
        site=factories.SiteFactory(customer=organization), contract=contract
    )
    return {
        "approver": approver,
        "admin": admin,
        "requester": requester,
        "appliance": appliance,
    }


def _on_site(technician, appliance, price="190"):
    ticket = factories.open_ticket(appliance=appliance)
    visit = assign_today(factories.new_visit(ticket), technician)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
    tickets.offer_option(visit=visit, description="Replace board", price=Decimal(price))
    return visit


def _png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _link_of(contact) -> str:
    row = Notification.objects.get(kind="approval_requested", recipient=contact.user.email)
    return urlparse(row.payload["url"]).path


SIGN = {"action": "accept", "signed_by": "Anna Verdi"}


def test_approval_flow_end_to_end(client, technician, company, dispatcher):
    desk_client = Client()
    desk_client.force_login(dispatcher)
    visit = _on_site(technician, company["appliance"])
    client.force_login(technician.user)
    url = reverse("tech:quote", args=[visit.pk])
    client.post(url, {"action": "build"})

    # Above the limit the quote is not signed on site: the technician asks instead.
    refused = client.post(url, {**SIGN, "signature": _png_data_url()})
    assert refused.status_code == 400
    assert "the client&#x27;s approval is needed" in refused.content.decode()
    assert Quote.objects.get().status == "draft"
    page = client.get(url).content.decode()
    assert 'data-testid="needs-approval"' in page
    assert 'id="sign-form"' not in page

    assert client.post(url, {"action": "ask_approval"}).status_code == 302
    approval = WorkApproval.objects.get()
    assert (approval.status, approval.amount, approval.visit) == (
        "pending",
        Money("190.00", "EUR"),
        visit,
    )
    asked = set(
        Notification.objects.filter(kind="approval_requested").values_list("recipient", flat=True)
    )
    assert asked == {company["approver"].user.email, company["admin"].user.email}
    assert 'data-status="pending"' in client.get(url).content.decode()
    desk = desk_client.get(reverse("desk:ticket", args=[visit.ticket.number]))
    assert 'data-status="pending"' in desk.content.decode()

    # The approver approves through their own link, without logging in.
    link = _link_of(company["approver"])
    client.logout()
    assert "Replace board" in client.get(link).content.decode()
    assert client.post(link, {"action": "approve", "name": "Carla Bianchi"}).status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.decided_by_name) == (
        "approved",
        company["approver"],
        "Carla Bianchi",
    )

    # Now the customer on site signs, and both pages say it is approved.
    client.force_login(technician.user)
    assert 'data-status="approved"' in client.get(url).content.decode()
    signed = client.post(url, {**SIGN, "signature": _png_data_url()})
    assert signed.status_code == 302
    assert Quote.objects.get().status == "accepted"
    desk = desk_client.get(reverse("desk:ticket", args=[visit.ticket.number]))
    assert 'data-status="approved"' in desk.content.decode()


def test_a_second_decision_is_refused_even_through_another_approvers_link(
    client, technician, company
):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approvals.request_approval(quote=quote, by=technician.user)
    client.post(_link_of(company["approver"]), {"action": "decline"})

    again = client.post(_link_of(company["admin"]), {"action": "approve"})

    assert again.status_code == 400
    assert "This request was decided already: declined by the client." in again.content.decode()
    assert WorkApproval.objects.get().status == "declined"
    with pytest.raises(NotAllowed):
        quotes.decide_quote(
            quote=quote,
            accept=True,
            how="phone",
            name="Anna",
            signature_png=base64.b64decode(_png_data_url().split(",")[1]),
        )


def test_a_tampered_link_is_refused_with_a_clear_page(client, technician, company):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approvals.request_approval(quote=quote, by=technician.user)
    link = _link_of(company["approver"])
    tampered = re.sub(r"/approve/(.)", lambda m: "/approve/" + ("x" if m[1] != "x" else "y"), link)

    response = client.post(tampered, {"action": "approve"})

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert WorkApproval.objects.get().status == "pending"


def test_an_expired_link_is_refused(client, technician, company):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approvals.request_approval(quote=quote, by=technician.user)
    link = _link_of(company["approver"])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        response = client.post(link, {"action": "approve"})

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert WorkApproval.objects.get().status == "pending"


def test_a_contact_of_another_organization_cannot_decide(technician, company):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approval = approvals.request_approval(quote=quote, by=technician.user)
    stranger = factories.ContactFactory(role=Contact.Role.APPROVER)

    with pytest.raises(NotAllowed, match="Only a contact of the company"):
        approvals.decide_approval(token=approvals.approval_token(approval, stranger), approve=True)

    assert WorkApproval.objects.get().status == "pending"


def test_a_requester_of_the_organization_cannot_decide(technician, company):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approval = approvals.request_approval(quote=quote, by=technician.user)
    token = approvals.approval_token(approval, company["requester"])

    with pytest.raises(NotAllowed, match="approvers"):
        approvals.decide_approval(token=token, approve=True)


def test_asking_twice_while_waiting_is_refused(technician, company):
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approvals.request_approval(quote=quote, by=technician.user)

    with pytest.raises(InvalidInput, match="asked already"):
        approvals.request_approval(quote=quote, by=technician.user)

    assert WorkApproval.objects.count() == 1


def test_work_at_or_below_the_limit_is_signed_without_approval(technician, company):
    visit = _on_site(technician, company["appliance"], price="100")
    quote = quotes.quote_from_options(visit=visit, by=technician.user)

    with pytest.raises(InvalidInput, match="does not need"):
        approvals.request_approval(quote=quote, by=technician.user)
    quotes.decide_quote(
        quote=quote,
        accept=True,
        how="phone",
        name="Anna",
        signature_png=base64.b64decode(_png_data_url().split(",")[1]),
    )

    assert Quote.objects.get().status == "accepted"


def test_the_organization_threshold_applies_without_a_contract_amount(technician):
    organization = factories.CustomerFactory(
        kind=Customer.Kind.COMPANY, approval_threshold=Money("50.00", "EUR")
    )
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=organization))
    visit = _on_site(technician, appliance, price="60")
    quote = quotes.quote_from_options(visit=visit, by=technician.user)

    assert approvals.needs_approval(quote)
    assert approvals.approval_limit(quote) == Money("50.00", "EUR")


def test_a_household_never_waits_for_approval(technician):
    visit = _on_site(technician, factories.ApplianceFactory(), price="900")
    quote = quotes.quote_from_options(visit=visit, by=technician.user)

    assert not approvals.needs_approval(quote)


def test_the_approver_is_emailed_the_link_in_their_language(technician, company, mailoutbox):
    Profile.objects.create(user=company["approver"].user, language="it")
    visit = _on_site(technician, company["appliance"])
    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    approvals.request_approval(quote=quote, by=technician.user)
    row = Notification.objects.get(recipient=company["approver"].user.email)

    deliver(notification_id=row.pk)

    assert row.language == "it"
    [mail] = mailoutbox
    assert mail.to == [company["approver"].user.email]
    assert _link_of(company["approver"]) in mail.body
    assert "Replace board" in mail.body
